{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (group) {
    // The regions (atlas/mapview/regions.py RegionShapes): the shapes, the same on every run, then
    // each region's style and tooltip for this view. Each feature keeps its code (a click selects
    // that region) and its tooltip's text (static/a11y.js names the region's Tab stop with it).
    var shapes = JSON.parse({{ this.shapes_json }});
    var styles = {{ this.styles_json }};
    var tips = {{ this.tips_json }};
    var highlight = {{ this.highlight_json }};
    shapes.features.forEach(function (f) { f.properties.tip = tips[f.id]; });
    var layer = L.geoJson(shapes, {
        "style": function (f) { return styles[f.id]; },
        "onEachFeature": function (f, part) {
            part.on({
                "mouseover": function (e) { e.target.setStyle(highlight); },
                "mouseout": function (e) { layer.resetStyle(e.target); }
            });
        }
    });
    layer.bindTooltip(function (part) { return part.feature.properties.tip; },
                      {"sticky": true, "className": "atlas-tip-box"});
    return layer.addTo(group);
})({{ this._parent.get_name() }});
{% endmacro %}
