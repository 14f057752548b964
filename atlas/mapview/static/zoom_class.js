{% macro script(this, kwargs) %}
(function (map) {
    function update() {
        var box = map.getContainer(), z = map.getZoom();
        box.className = box.className.replace(/ ?atlas-zl-[0-9]+/g, "");
        L.DomUtil.addClass(box, "atlas-zl-" + Math.floor(z * {{ this.steps }} + 1e-9));
        L.DomUtil[z < {{ this.zoom }} ? "addClass" : "removeClass"](box, "atlas-zoom-low");
    }
    map.on("zoomend", update);
    map.whenReady(update);
})({{ this._parent.get_name() }});
{% endmacro %}
