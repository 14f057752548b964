{% macro script(this, kwargs) %}
var {{ this.get_name() }} = new (L.Layer.extend({
    onAdd: function (map) {
        var box = L.control({"position": {{ this.position_json }}});
        box.onAdd = function () {
            var div = L.DomUtil.create("div", {{ this.class_json }});
            div.setAttribute("dir", {{ this.dir_json }});
            div.innerHTML = {{ this.html_json }};
            var details = div.querySelector("details");
            if (details && map.getSize().x < {{ this.collapse_below }}) { details.removeAttribute("open"); }
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        this._box = box.addTo(map);
        return this;
    },
    onRemove: function (map) {
        if (this._box) { this._box.remove(); this._box = null; }
        return this;
    }
}))();
{{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
{% endmacro %}
