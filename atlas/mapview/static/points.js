{% macro script(this, kwargs) %}
(function (group) {
    var PAD = window.innerWidth < 500 ? [[8, 8], [8, 16], 250] : [[60, 16], [52, 16], 360];  // as marker_extras.js
    // d.cols names the fields of each row (atlas/mapview/points.py POINT_COLUMNS); small integers index
    // the lookup tables. Every text was HTML-escaped in Python.
    var d = /*atlas-points*/{{ this.payload }}/*end-atlas-points*/;
    var c = {};
    d.cols.forEach(function (name, i) { c[name] = i; });
    function tip(r) {
        return '<div class="atlas-tip" dir="' + d.dir + '"><b>' + r[c.name] + '</b><br>' + r[c.city] + ' · ' +
            d.status[r[c.status]] + '</div>';
    }
    function card(r) {
        var focus = r[c.focus].length ? r[c.focus].map(function (i) { return d.specs[i]; }).join(d.sep) : d.text.na;
        return '<div class="atlas-card" dir="' + d.dir + '" lang="' + d.lang + '" data-id="' + r[c.id] + '">' +
            '<h4>' + r[c.name] + '</h4><div class="muted">' + d.kinds[r[c.kind]] + ' · ' + r[c.city] + ' · ' +
            d.regions[r[c.region]][1] + '</div><dl><dt>' + d.text.status + ':</dt> <dd>' + d.status[r[c.status]] +
            ' (' + d.dates[r[c.date]] + ')</dd><dt>' + d.text.confidence + ':</dt> <dd>' + d.conf[r[c.confidence]] +
            '</dd><dt>' + d.text.focus + ':</dt> <dd>' + focus + '</dd><dt>' + d.text.sources +
            ':</dt> <dd>' + r[c.sources] + '</dd></dl></div>';
    }
    // Its own pane above the regions: in one pane Leaflet's CSS puts SVG (the regions) over canvas.
    // One circle marker per institute on one canvas, in ONE feature group that holds the tooltip and the
    // card for all of them (Leaflet opens a group's tooltip or popup for the child under the pointer):
    // no GeoJSON pass and no 20,000 bindings, which at 10,000 points were most of the layer's cost.
    var pane = "atlasPoints";
    var holder = new (L.Layer.extend({
        onAdd: function (map) {
            if (!map.getPane(pane)) { map.createPane(pane).style.zIndex = 450; }
            var renderer = L.canvas({"padding": 0.5, "pane": pane});
            var markers = d.rows.map(function (r) {
                var s = d.styles[r[c.style]];
                var m = L.circleMarker([r[c.lat], r[c.lon]], {"renderer": renderer, "pane": pane, "radius": s[1],
                    "fillColor": s[0], "fillOpacity": s[2] ? 0.35 : 0.9, "color": "#1b1b1b",
                    "weight": 1, "dashArray": s[2] ? "2 2" : null});
                // What a click reports (toGeoJSON): the institute and its region's code.
                m.feature = {"type": "Feature", "geometry": null,
                             "properties": {"id": r[c.id], "code": d.regions[r[c.region]][0], "kind": "institute"}};
                m.atlasRow = r;
                return m;
            });
            this._layer = L.featureGroup(markers)
                .bindTooltip(function (m) { return tip(m.atlasRow); }, {"direction": "top", "className": "atlas-tip-box"})
                .bindPopup(function (m) { return card(m.atlasRow); },
                    {"maxWidth": 340, "minWidth": 230, "maxHeight": PAD[2], "autoPanPaddingTopLeft": PAD[0], "autoPanPaddingBottomRight": PAD[1]});
            map.addLayer(this._layer);
            L.Util.requestAnimFrame(function () {  // after the canvas has drawn
                map.getContainer().setAttribute("data-atlas-points", String(markers.length));
            });
            return this;
        },
        onRemove: function (map) {
            if (this._layer) { map.removeLayer(this._layer); this._layer = null; }
            map.getContainer().removeAttribute("data-atlas-points");
            return this;
        }
    }))();
    group.addLayer(holder);
})({{ this._parent.get_name() }});
{% endmacro %}
