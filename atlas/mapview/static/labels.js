{% macro script(this, kwargs) %}
(function (map) {
    var group = L.featureGroup().addTo(map);
    {{ this.labels_json }}.forEach(function (d) {
        L.marker([d[0], d[1]], {"icon": L.divIcon({"html": d[2], "iconSize": [0, 0], "iconAnchor": [0, 0],
            "className": "atlas-label-wrap"}), "interactive": false, "keyboard": false}).addTo(group);
    });
})({{ this._parent.get_name() }});
{% endmacro %}
