{% macro script(this, kwargs) %}
(function (map) {
    // The selected region's provinces (atlas/mapview/provinces.py ProvinceLayer). In the app their data
    // is the page's province table's attribute (the map runs in a same-origin frame of the page), drawn
    // again whenever it changes and removed when the table goes; a standalone map carries its own.
    var attribute = {{ this.attribute_json }};
    var initial = {{ this.data_json }};
    var box = map.getContainer();
    var pane = map.getPane("atlas-provinces") || map.createPane("atlas-provinces");
    pane.style.zIndex = 450;  // above the regions (overlay pane, 400), below the markers (600)
    var layer = null, legend = null, drawn = null, pending = false;

    function wanted() {
        try {
            var doc = window.parent && window.parent !== window ? window.parent.document : null;
            if (doc) {
                var el = doc.querySelector("[" + attribute + "]");
                return el ? el.getAttribute(attribute) || "" : "";
            }
        } catch (e) { /* another origin: the map's own data */ }
        return initial;
    }

    function name(path, f) {
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "img");
        path.setAttribute("aria-label", f.label);
        L.DomUtil.addClass(path, "atlas-province");
        L.DomUtil.addClass(path, "atlas-province-" + f.code.replace(/[^0-9A-Za-z_-]/g, "-"));
    }

    function clear() {
        if (layer) { map.removeLayer(layer); layer = null; }
        if (legend) { legend.remove(); legend = null; }
        box.removeAttribute("data-atlas-provinces-drawn");
    }

    function draw(data) {
        clear();
        if (!data || !data.features || !data.features.length) { return; }
        layer = L.featureGroup();
        data.features.forEach(function (f) {
            var shape = L.geoJSON({"type": "Feature", "properties": {"code": f.code}, "geometry": f.geometry}, {
                "pane": "atlas-provinces",
                "style": {"fillColor": f.fill, "fillOpacity": 0.9, "color": "#ffffff", "weight": 1.2}
            });
            shape.eachLayer(function (part) {
                part.bindTooltip(f.tip, {"sticky": true, "className": "atlas-tip-box", "direction": "auto"});
                part.on("add", function () {
                    var path = part.getElement();
                    if (!path) { return; }
                    name(path, f);
                    path.addEventListener("focus", function () { part.openTooltip(part.getCenter()); });
                    path.addEventListener("blur", function () { part.closeTooltip(); });
                });
            });
            layer.addLayer(shape);
        });
        if (data.outline) {
            layer.addLayer(L.geoJSON(data.outline, {"pane": "atlas-provinces", "interactive": false,
                "style": {"fill": false, "color": "#222222", "weight": 2.5}}));
        }
        data.features.forEach(function (f) {
            if (!f.institute) { return; }
            var mark = "atlas-province-institute atlas-province-institute-" + f.code.replace(/[^0-9A-Za-z_-]/g, "-");
            layer.addLayer(L.geoJSON(f.geometry, {"pane": "atlas-provinces", "interactive": false, "className": mark,
                "style": {"fill": false, "color": "#111111", "weight": 4}}));
        });
        layer.addTo(map);
        legend = L.control({"position": "topleft"});
        legend.onAdd = function () {
            var div = L.DomUtil.create("div", "atlas-legend atlas-province-legend");
            div.setAttribute("dir", data.dir || "ltr");
            div.innerHTML = data.legend;  // escaped by the server (atlas.text.h)
            if (map.getSize().x < 460) {
                var details = div.querySelector("details");
                if (details) { details.removeAttribute("open"); }
            }
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        legend.addTo(map);
        box.setAttribute("data-atlas-provinces-drawn", data.region + ":" + data.figure);
    }

    function check() {
        pending = false;
        var text = wanted();
        if (text === drawn) { return; }
        drawn = text;
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        draw(data);
    }
    function soon() {
        if (!pending) { pending = true; setTimeout(check, 0); }
    }
    map.whenReady(check);
    try {
        var doc = window.parent && window.parent !== window ? window.parent.document : null;
        if (doc && doc.body && window.MutationObserver) {
            new MutationObserver(soon).observe(doc.body, {"childList": true, "subtree": true, "attributes": true,
                                                          "attributeFilter": [attribute]});
        }
    } catch (e) { /* another origin: nothing to watch */ }
    setInterval(check, 1000);  // a change the observer could not see (a replaced page)
})({{ this._parent.get_name() }});
{% endmacro %}
