{% macro script(this, kwargs) %}
(function (group) {
    var PAD = window.innerWidth < 500 ? [[8, 8], [8, 16], 250] : [[60, 16], [52, 16], 360];  // as marker_extras.js
    // d.cols names the fields of each row (atlas/mapview/points.py POINT_COLUMNS); small integers index
    // the lookup tables. Every text was HTML-escaped in Python.
    var d = JSON.parse(/*atlas-points*/{{ this.payload_js }}/*end-atlas-points*/);
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
    // What a click on a point reports to the page (st_folium reads e.layer.toGeoJSON()): the institute
    // and its region's code, as a pin's click does.
    function clicked(r) {
        var feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[c.lon], r[c.lat]]},
                       "properties": {"id": r[c.id], "code": d.regions[r[c.region]][0], "kind": "institute"}};
        return {"feature": feature, "toGeoJSON": function () { return feature; }};
    }

    // ONE layer of our own draws every institute as a circle on one canvas: no Leaflet object, event
    // binding or DOM element per point (with thousands of points those took most of the map's time in
    // the browser). The canvas lets the pointer through to the regions below it; a
    // pointer on a point is found in a grid of the drawn circles, and only then does the point take the
    // hover (its tooltip) or the click (its card, and the click the page reads).
    var pane = "atlasPoints";
    var CELL = 24, PADDING = 0.5;
    var AtlasPoints = L.Layer.extend({
        onAdd: function (map) {
            if (!map.getPane(pane)) { map.createPane(pane).style.zIndex = 450; }
            var canvas = this._canvas = L.DomUtil.create("canvas", "atlas-points-canvas leaflet-zoom-animated");
            canvas.style.pointerEvents = "none";
            this.getPane().appendChild(canvas);
            // Points at zoom 0 in pixels; at zoom z a point is this times 2^z, less the pixel origin.
            // Web Mercator (the map's CRS, folium's default) by formula: Leaflet's project() per point
            // made an object each; another CRS goes through it.
            var x0 = this._x0 = new Float64Array(d.rows.length), y0 = this._y0 = new Float64Array(d.rows.length);
            var max = L.Projection.SphericalMercator.MAX_LATITUDE, rad = Math.PI / 180;
            var mercator = map.options.crs === L.CRS.EPSG3857;
            d.rows.forEach(function (r, i) {
                if (!mercator) {
                    var p = map.project([r[c.lat], r[c.lon]], 0);
                    x0[i] = p.x;
                    y0[i] = p.y;
                    return;
                }
                var lat = Math.max(Math.min(max, r[c.lat]), -max) * rad;
                x0[i] = 256 * (r[c.lon] / 360 + 0.5);
                y0[i] = 256 * (0.5 - Math.log(Math.tan(Math.PI / 4 + lat / 2)) / (2 * Math.PI));
            });
            // Drawn a style at a time (one path, one fill, one stroke each): faint before solid, small
            // before large, so that the hubs' larger circles lie on top.
            var byStyle = d.styles.map(function () { return []; });
            d.rows.forEach(function (r, i) { byStyle[r[c.style]].push(i); });
            this._batches = byStyle.map(function (idx, si) { return [si, idx]; })
                .filter(function (b) { return b[1].length; })
                .sort(function (a, b) {
                    var sa = d.styles[a[0]], sb = d.styles[b[0]];
                    return (sb[2] - sa[2]) || (sa[1] - sb[1]) || (a[0] - b[0]);
                });
            var rank = this._rank = new Int32Array(d.rows.length), k = 0;
            this._batches.forEach(function (b) { b[1].forEach(function (i) { rank[i] = k++; }); });
            this._hover = -1;
            this._tip = L.tooltip({"direction": "top", "className": "atlas-tip-box atlas-point-tip"});  // offset: _showTip
            var box = map.getContainer();
            this._dom = {
                "mousemove": L.bind(this._onMove, this),
                "mouseout": L.bind(this._onOut, this),
                "mousedown": L.bind(this._onDown, this),
                "click": L.bind(this._onClick, this)
            };
            for (var type in this._dom) { box.addEventListener(type, this._dom[type], true); }
            this._draw();
            L.Util.requestAnimFrame(function () {  // after the canvas has drawn
                box.setAttribute("data-atlas-points", String(d.rows.length));
            });
            return this;
        },
        onRemove: function (map) {
            var box = map.getContainer();
            for (var type in this._dom) { box.removeEventListener(type, this._dom[type], true); }
            this._leave();
            L.DomUtil.remove(this._canvas);
            box.removeAttribute("data-atlas-points");
            return this;
        },
        getPane: function () { return this._map.getPane(pane); },
        getEvents: function () {
            return {"moveend": this._draw, "zoomanim": this._animate};  // a zoom, a pan and a resize end in moveend
        },
        // Where the canvas stands for the view: the view and half its size around it (a pan shows points
        // before the next draw).
        _draw: function () {
            var map = this._map, size = map.getSize();
            var origin = map.containerPointToLayerPoint(size.multiplyBy(-PADDING)).round();
            var full = size.multiplyBy(1 + 2 * PADDING).round();
            var ratio = window.devicePixelRatio || 1, canvas = this._canvas;
            canvas.width = full.x * ratio;
            canvas.height = full.y * ratio;
            canvas.style.width = full.x + "px";
            canvas.style.height = full.y + "px";
            L.DomUtil.setPosition(canvas, origin);
            this._zoom = map.getZoom();
            this._topLeft = map.layerPointToLatLng(origin);
            var scale = Math.pow(2, this._zoom), pixel = map.getPixelOrigin();
            var dx = -pixel.x - origin.x, dy = -pixel.y - origin.y;  // zoom-z pixels -> canvas pixels
            this._origin = origin;
            // Canvas pixels of every point; those off the canvas (with a margin) are NaN: neither
            // drawn nor found.
            var xs = this._xs = new Float64Array(d.rows.length), ys = this._ys = new Float64Array(d.rows.length);
            var grid = this._grid = {}, x0 = this._x0, y0 = this._y0, i;
            for (i = 0; i < x0.length; i++) {
                var x = x0[i] * scale + dx, y = y0[i] * scale + dy;
                if (x < -10 || y < -10 || x > full.x + 10 || y > full.y + 10) {
                    xs[i] = ys[i] = NaN;
                    continue;
                }
                xs[i] = x;
                ys[i] = y;
                var key = Math.floor(x / CELL) + ":" + Math.floor(y / CELL);
                (grid[key] || (grid[key] = [])).push(i);
            }
            var ctx = canvas.getContext("2d");
            ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
            ctx.clearRect(0, 0, full.x, full.y);
            ctx.lineWidth = 1;
            ctx.strokeStyle = "#1b1b1b";
            this._batches.forEach(function (batch) {
                var st = d.styles[batch[0]], r = st[1], idx = batch[1];
                ctx.beginPath();
                for (var j = 0; j < idx.length; j++) {
                    var x = xs[idx[j]], y = ys[idx[j]];
                    if (isNaN(x)) { continue; }
                    ctx.moveTo(x + r, y);
                    ctx.arc(x, y, r, 0, 2 * Math.PI);
                }
                ctx.globalAlpha = st[2] ? 0.35 : 0.9;
                ctx.fillStyle = st[0];
                ctx.fill();
                ctx.globalAlpha = 1;
                ctx.setLineDash(st[2] ? [2, 2] : []);
                ctx.stroke();
            });
            if (this._hover >= 0) { this._showTip(this._hover); }
        },
        // Leaflet's zoom animation: the drawn canvas scales with the tiles until the next draw.
        _animate: function (e) {
            var map = this._map;
            var scale = map.getZoomScale(e.zoom, this._zoom);
            var offset = map._latLngToNewLayerPoint(this._topLeft, e.zoom, e.center);
            L.DomUtil.setTransform(this._canvas, offset, scale);
        },
        // The point under the pointer: the nearest drawn circle within its radius and a few pixels
        // (more for a finger), the one drawn on top on a tie; -1 if none.
        _pointAt: function (e) {
            if (!this._grid || (this._map.dragging && this._map.dragging.moving()) || this._map._animatingZoom) {
                return -1;
            }
            // The canvas stands at its origin in the map's pane, which a pan (a drag, a popup making
            // room, the arrow keys) moves from where it was at the last draw.
            var p = this._map.mouseEventToContainerPoint(e), pane = this._map._getMapPanePos();
            var x = p.x - this._origin.x - pane.x, y = p.y - this._origin.y - pane.y;
            var slack = e.pointerType === "touch" ? 10 : 3;
            var best = -1, bestD = Infinity, cx = Math.floor(x / CELL), cy = Math.floor(y / CELL);
            for (var gx = cx - 1; gx <= cx + 1; gx++) {
                for (var gy = cy - 1; gy <= cy + 1; gy++) {
                    var cell = this._grid[gx + ":" + gy];
                    if (!cell) { continue; }
                    for (var k = 0; k < cell.length; k++) {
                        var i = cell[k], r = d.styles[d.rows[i][c.style]][1] + slack;
                        var dd = (this._xs[i] - x) * (this._xs[i] - x) + (this._ys[i] - y) * (this._ys[i] - y);
                        if (dd <= r * r && (dd < bestD || (dd === bestD && this._rank[i] > this._rank[best]))) {
                            best = i;
                            bestD = dd;
                        }
                    }
                }
            }
            return best;
        },
        _latLng: function (i) { var r = d.rows[i]; return L.latLng(r[c.lat], r[c.lon]); },
        _showTip: function (i) {
            var map = this._map;
            this._tip.options.offset = [0, -d.styles[d.rows[i][c.style]][1]];
            this._tip.setContent(tip(d.rows[i])).setLatLng(this._latLng(i));
            if (!map.hasLayer(this._tip)) { map.openTooltip(this._tip); } else { this._tip.update(); }
        },
        _onMove: function (e) {
            var i = this._pointAt(e);
            if (i === this._hover) { return; }
            if (i < 0) {
                this._leave();
                return;
            }
            this._hover = i;
            L.DomUtil.addClass(this._map.getContainer(), "atlas-on-point");
            this._showTip(i);
        },
        _onOut: function (e) {
            if (e.relatedTarget && this._map.getContainer().contains(e.relatedTarget)) { return; }
            this._leave();
        },
        // The pointer is on no point: no tooltip of ours, no hand.
        _leave: function () {
            this._hover = -1;
            this._map.closeTooltip(this._tip);
            L.DomUtil.removeClass(this._map.getContainer(), "atlas-on-point");
        },
        _onDown: function (e) { this._down = [e.clientX, e.clientY]; },
        _onClick: function (e) {
            var down = this._down;
            this._down = null;
            if (down && Math.abs(down[0] - e.clientX) + Math.abs(down[1] - e.clientY) > 4) { return; }  // a drag
            var target = e.target;
            if (target && target.closest && target.closest(".leaflet-control, .leaflet-popup")) { return; }
            if (e.detail === 0) { return; }  // Enter or Space on a focused region: no pointer, no point
            var i = this._pointAt(e);
            if (i < 0) { return; }  // not on a point: the region or the map below takes the click
            e.stopPropagation();
            var map = this._map, r = d.rows[i], at = this._latLng(i), source = clicked(r);
            map.closeTooltip(this._tip);
            this._hover = -1;
            L.popup({"maxWidth": 340, "minWidth": 230, "maxHeight": PAD[2], "autoPanPaddingTopLeft": PAD[0],
                     "autoPanPaddingBottomRight": PAD[1]})
                .setLatLng(at).setContent(card(r)).openOn(map);
            this.fire("click", {"latlng": at, "layer": source, "sourceTarget": source, "originalEvent": e});
        },
        // For tests and tools: the container pixel of the institute with this (escaped) id, or null.
        pointOf: function (id) {
            for (var i = 0; i < d.rows.length; i++) {
                if (d.rows[i][c.id] === id) { return this._map.latLngToContainerPoint(this._latLng(i)); }
            }
            return null;
        },
        count: function () { return d.rows.length; }
    });
    var layer = new AtlasPoints();
    layer.atlasPoints = true;
    group.addLayer(layer);
})({{ this._parent.get_name() }});
{% endmacro %}
