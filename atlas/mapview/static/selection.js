{% macro script(this, kwargs) %}
(function (map) {
    // Outlines the selected region (class atlas-region-selected on its path), apart from the clickable
    // layers: the page never rebuilds them for a selection, so a click never closes the popup it opened.
    // The selection is the app's URL parameter "sel" (the map runs in a same-origin frame of the page),
    // or the selection the map was built with (a standalone file).
    var initial = {{ this.selected_json }};
    function wanted() {
        try {
            var search = window.parent && window.parent !== window ? window.parent.location.search : "";
            if (search) { return new URLSearchParams(search).get("sel"); }
        } catch (e) { /* another origin: keep the built-in selection */ }
        return initial;
    }
    function apply() {
        var code = wanted();
        var box = map.getContainer();
        box.querySelectorAll(".atlas-region-selected").forEach(function (el) {
            if (!code || !L.DomUtil.hasClass(el, "atlas-region-" + code)) {
                L.DomUtil.removeClass(el, "atlas-region-selected");
            }
        });
        if (code && /^[0-9A-Za-z_-]+$/.test(code)) {
            box.querySelectorAll(".atlas-region-" + code).forEach(function (el) {
                L.DomUtil.addClass(el, "atlas-region-selected");
                if (el.parentNode) { el.parentNode.appendChild(el); }  // drawn above its neighbours
            });
        }
        box.setAttribute("data-atlas-selected", code || "");
    }
    map.whenReady(apply);
    map.on("layeradd", function () { setTimeout(apply, 0); });
    setInterval(apply, 400);
})({{ this._parent.get_name() }});
{% endmacro %}
