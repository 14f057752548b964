{% macro script(this, kwargs) %}
(function (map) {
    // Keyboard, screen readers and reduced motion (atlas/mapview/elements.py Accessibility).
    var box = map.getContainer();
    var text = {{ this.text_json }};
    // The map: a named region of the frame; arrows move it, + and - zoom (Leaflet's keyboard handler).
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", text.map);
    // The frame that holds the map (Streamlit's component iframe, same origin) is named for screen
    // readers: its title is Streamlit's technical component name, which tests and pages select it by.
    try {
        var frame = window.frameElement;
        if (frame && !frame.getAttribute("aria-label")) {
            frame.setAttribute("aria-label", text.frame);
            if (text.describedby) { frame.setAttribute("aria-describedby", text.describedby); }
        }
    } catch (e) { /* another origin: nothing to name */ }

    // Each region is a Tab stop named by its tooltip's text (name, institutes); Enter selects it.
    var parser = window.DOMParser ? new DOMParser() : null;
    function nameRegion(layer) {
        var props = layer && layer.feature && layer.feature.properties;
        var path = layer && layer._path;
        if (!props || !path || !props.tip || !parser || path.getAttribute("aria-label")) { return; }
        var label = parser.parseFromString(String(props.tip), "text/html").body.textContent;
        path.setAttribute("role", "button");
        path.setAttribute("tabindex", "0");
        path.setAttribute("aria-label", label.replace(/\s+/g, " ").trim());
    }
    map.on("layeradd", function (e) { nameRegion(e.layer); });
    map.eachLayer(nameRegion);

    // Reduced motion: no animated zoom, pan or fade.
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (still) {
        map.options.zoomAnimation = map.options.fadeAnimation = map.options.markerZoomAnimation = false;
        map._zoomAnimated = false;
        map._fadeAnimated = false;
        L.DomUtil.removeClass(map.getPane("mapPane"), "leaflet-fade-anim");
        L.DomUtil.addClass(box, "atlas-still");
        ["setView", "panBy", "setZoomAround", "fitBounds", "panTo"].forEach(function (name) {
            var original = map[name];
            map[name] = function () {
                var args = Array.prototype.slice.call(arguments);
                var at = name === "panBy" || name === "panTo" ? 1 : 2;
                args[at] = L.extend({}, args[at] || {}, {"animate": false});
                return original.apply(map, args);
            };
        });
        map.flyTo = function (latlng, zoom) { return map.setView(latlng, zoom, {"animate": false}); };
        map.flyToBounds = function (bounds, options) { return map.fitBounds(bounds, options); };
        box.setAttribute("data-atlas-still", "1");
    }

    // A popup: tooltips close; opened with the keyboard, it takes the focus and Escape gives it back.
    var opener = null, viaKeyboard = false;
    map.on("popupopen", function (e) {
        L.DomUtil.addClass(box, "atlas-popup-open");  // legends step aside (static/map.css)
        map.eachLayer(function (layer) { if (layer.closeTooltip) { layer.closeTooltip(); } });
        var active = document.activeElement;
        var source = e.popup._source;
        var icon = source && source.getElement ? source.getElement() : null;
        var node = e.popup.getElement();
        if (node) {
            node.setAttribute("role", "dialog");
            var title = node.querySelector(".atlas-card h4");
            if (title) {
                title.id = title.id || ("atlas-popup-title-" + L.Util.stamp(e.popup));
                node.setAttribute("aria-labelledby", title.id);
            }
            var close = node.querySelector(".leaflet-popup-close-button");
            if (close) { close.setAttribute("aria-label", text.close); close.setAttribute("title", text.close); }
        }
        if (icon && active === icon && node && viaKeyboard) {
            opener = icon;
            var content = node.querySelector(".leaflet-popup-content");
            content.setAttribute("tabindex", "-1");
            content.focus({"preventScroll": true});
        } else {
            opener = null;
        }
    });
    map.on("popupclose", function () {
        L.DomUtil.removeClass(box, "atlas-popup-open");
        if (opener && document.body.contains(opener)) { opener.focus({"preventScroll": true}); }
        opener = null;
    });
    document.addEventListener("keydown", function (e) {
        if ((e.key === "Escape" || e.keyCode === 27) && map._popup && map.hasLayer(map._popup)) {
            map.closePopup();
            e.preventDefault();
            e.stopPropagation();
        }
    }, true);
    // A marker reached with Tab is brought well inside the map, clear of the controls at its edges.
    box.addEventListener("focusin", function (e) {
        var layer = e.target && e.target.__atlasLayer;
        if (layer && layer.getLatLng && map.hasLayer(layer)) {
            map.panInside(layer.getLatLng(), {"padding": [64, 64]});
        }
    });
    // Enter or Space on a marker or a region acts as a click at its place: the marker's card opens and
    // the page selects its region (Leaflet's own keyboard "click" has no position, which the page needs).
    function remember(layer) {
        var el = layer && (layer._icon || layer._path);
        if (el && (layer.feature || layer._popup)) { el.__atlasLayer = layer; }
    }
    map.on("layeradd", function (e) { remember(e.layer); });
    map.eachLayer(remember);
    box.addEventListener("keydown", function (e) {
        if (e.key !== "Enter" && e.key !== " " && e.key !== "Spacebar") { return; }
        var layer = e.target && e.target.__atlasLayer;
        if (!layer || !map.hasLayer(layer)) { return; }
        var at = layer.getLatLng ? layer.getLatLng() : layer.getCenter();
        e.preventDefault();  // no "keypress" after it: Leaflet would fire a second click
        e.stopPropagation();
        viaKeyboard = true;
        try {
            layer.fire("click", {"latlng": at, "layerPoint": map.latLngToLayerPoint(at),
                                 "containerPoint": map.latLngToContainerPoint(at), "originalEvent": e}, true);
        } finally {
            viaKeyboard = false;
        }
    }, true);
})({{ this._parent.get_name() }});
{% endmacro %}
