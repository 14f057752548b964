{% macro script(this, kwargs) %}
(function (map) {
    // The selected region's provinces (atlas/mapview/provinces.py ProvinceLayer). In the app their data
    // is the attribute of a hidden element of the page (the map runs in a same-origin frame of the page),
    // drawn again whenever it changes and removed when the element goes; a standalone map carries its own.
    var attribute = {{ this.attribute_json }};
    var keepView = {{ this.keep_view_json }};  // on the carrier of a region picked by opening a card
    var initial = {{ this.data_json }};
    var box = map.getContainer();
    var pane = map.getPane("atlas-provinces") || map.createPane("atlas-provinces");
    pane.style.zIndex = 450;  // above the regions (overlay pane, 400), below the markers (600)
    var layer = null, legend = null, drawn = null, shown = null, before = null, fitted = null, moved = false;

    // [the data to draw, whether the view stays] from the page's carrier, or the map's own data.
    function wanted() {
        try {
            var doc = window.parent && window.parent !== window ? window.parent.document : null;
            if (doc) {  // the last: a region picked on the map follows the one the page started with
                var found = doc.querySelectorAll("[" + attribute + "]"), last = found[found.length - 1];
                return last ? [last.getAttribute(attribute) || "", last.hasAttribute(keepView)] : ["", false];
            }
        } catch (e) { /* another origin: the map's own data */ }
        return [initial, false];
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

    // The space the legends leave: how far the controls of one corner of the map reach into it, in
    // pixels from that corner (the attribution and the scale, thin strips along the edge, left out).
    function corner(top, left) {
        var out = {"x": 0, "y": 0}, origin = box.getBoundingClientRect(), size = map.getSize();
        var selector = (top ? ".leaflet-top" : ".leaflet-bottom") + (left ? ".leaflet-left" : ".leaflet-right");
        box.querySelectorAll(selector + " > .leaflet-control").forEach(function (el) {
            var r = el.getBoundingClientRect();
            if (!r.width || !r.height || /leaflet-control-(attribution|scale)/.test(el.className)) { return; }
            out.x = Math.max(out.x, left ? r.right - origin.left : origin.right - r.left);
            out.y = Math.max(out.y, top ? r.bottom - origin.top : origin.bottom - r.top);
        });
        return {"x": Math.min(out.x, size.x), "y": Math.min(out.y, size.y)};
    }

    // A newly selected region fills the part of the map its legends leave free: beside or below the
    // legends of the top-left corner, and beside or above the one of the bottom-right corner, whichever
    // shows it largest. The view before the first region is kept, and comes back when none is selected.
    // Until the reader moves the map, the fit is made again whenever the legends' corners change size
    // (on a first load the provinces can be drawn before the legends or the frame's styles are in).
    function fit(bounds) {
        if (!bounds.isValid()) { return; }
        var size = map.getSize(), m = 10, none = L.point(0, 0);
        var placed = getComputedStyle(box.querySelector(".leaflet-top") || box).position === "absolute";
        var tl = placed ? corner(true, true) : none, br = placed ? corner(false, false) : none;
        var pTL = none, pBR = none, zoom = map.getBoundsZoom(bounds);
        [[tl.x, 0], [0, tl.y]].forEach(function (a) {
            [[br.x, 0], [0, br.y]].forEach(function (b) {
                var topLeft = L.point(a[0] + m, a[1] + m), bottomRight = L.point(b[0] + m, b[1] + m);
                var padding = topLeft.add(bottomRight);
                if (size.x - padding.x < 60 || size.y - padding.y < 60) { return; }  // no room left there
                var z = map.getBoundsZoom(bounds, false, padding);
                if (pTL === none || z > zoom) { pTL = topLeft; pBR = bottomRight; zoom = z; }
            });
        });
        if (before === null) { before = {"center": map.getCenter(), "zoom": map.getZoom()}; }
        // Where fitBounds would go, so that a fit to the view already shown draws nothing again.
        var middle = map.project(bounds.getSouthWest(), zoom).add(map.project(bounds.getNorthEast(), zoom)).divideBy(2);
        var center = map.unproject(middle.add(pBR.subtract(pTL).divideBy(2)), zoom);
        if (zoom !== map.getZoom() || !center.equals(map.getCenter(), 1e-9)) {
            map.setView(center, zoom, {"animate": false});
        }
        fitted = bounds;
    }

    function refit() {
        if (layer && fitted && !moved) { fit(fitted); }
    }
    // The reader moves the map: a drag, a wheel, a touch, the zoom buttons, the arrow or +/- keys (a click
    // in a legend or on the zoom buttons does not reach the map's container: the controls stop it).
    ["mousedown", "touchstart", "wheel"].forEach(function (name) {
        box.addEventListener(name, function () { moved = true; }, {"passive": true});
    });
    box.addEventListener("keydown", function (e) {
        if (/^(Arrow|\+|-|=|_)/.test(e.key)) { moved = true; }
    }, true);
    map.whenReady(function () {
        var zoom = box.querySelector(".leaflet-control-zoom");
        if (zoom) { zoom.addEventListener("click", function () { moved = true; }); }
    });

    function draw(data, keep) {
        clear();
        if (!data || !data.features || !data.features.length) {
            if (shown !== null && before !== null) { map.setView(before.center, before.zoom, {"animate": false}); }
            shown = null;
            before = null;
            fitted = null;
            moved = false;
            return;
        }
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
        // Another figure for the same region keeps the reader's view, and so does a region picked by
        // opening an institute's card (its carrier says so, see wanted()): the card stays put, and the
        // map does not move under the reader even if the card was closed before the provinces came.
        if (data.region !== shown) {
            shown = data.region;
            moved = false;
            fitted = null;  // the last region's fit is not this one's
            if (!keep && !L.DomUtil.hasClass(box, "atlas-popup-open")) { fit(layer.getBounds()); }
        }
        layer.addTo(map);  // once the view is set: its shapes are placed once
        box.setAttribute("data-atlas-provinces-drawn", data.region + ":" + data.figure);
    }

    function check() {
        var want = wanted(), text = want[0];
        if (text === drawn) { return; }
        drawn = text;
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        draw(data, want[1]);
    }
    map.whenReady(check);
    if (window.ResizeObserver) {  // a legend comes, goes, opens or folds; the frame's styles arrive
        var resized = new ResizeObserver(refit);
        box.querySelectorAll(".leaflet-control-container > div").forEach(function (c) { resized.observe(c); });
    }
    try {
        var doc = window.parent && window.parent !== window ? window.parent.document : null;
        if (doc && doc.body && window.MutationObserver) {
            new MutationObserver(check).observe(doc.body, {"childList": true, "subtree": true, "attributes": true,
                                                          "attributeFilter": [attribute]});
        }
    } catch (e) { /* another origin: nothing to watch */ }
    setInterval(check, 1000);  // a change the observer could not see (a replaced page)
})({{ this._parent.get_name() }});
{% endmacro %}
