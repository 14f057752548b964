/* Jazari Atlas, static edition (python -m atlas publish): the map page's filters by specialisation
   and region, in the page itself. The data is the JSON of #atlas-filter-data (institute ids per
   specialisation and per region, computed by atlas.publish with the app's own filter rules); the
   markers are those of the exported Leaflet map, found by their feature properties. The filter state
   is kept in the address (#specialisation=KEY&region=CODE) so a filtered view can be shared. */
(function () {
  "use strict";

  function findMap() {
    var keys = Object.keys(window);
    for (var i = 0; i < keys.length; i++) {
      if (keys[i].indexOf("map_") !== 0) { continue; }
      try {
        if (window[keys[i]] instanceof L.Map) { return window[keys[i]]; }
      } catch (e) { /* a window property that cannot be read */ }
    }
    return null;
  }

  function readHash() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv.length === 2) {
        try { out[kv[0]] = decodeURIComponent(kv[1]); } catch (e) { /* ignore a malformed value */ }
      }
    });
    return out;
  }

  function setIfOption(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { select.value = value; return; }
    }
  }

  function start() {
    var dataEl = document.getElementById("atlas-filter-data");
    var form = document.getElementById("atlas-filters");
    if (!dataEl || !form || typeof L === "undefined") { return; }
    var data = JSON.parse(dataEl.textContent);
    var map = findMap();
    if (!map) { return; }
    var markers = [];
    var regionLayers = {};
    map.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (!p) { return; }
      if (p.kind === "institute") { markers.push(layer); } else if (p.code && layer.getBounds) { regionLayers[p.code] = layer; }
    });
    var spec = document.getElementById("atlas-filter-spec");
    var region = document.getElementById("atlas-filter-region");
    var count = document.getElementById("atlas-filter-count");
    var link = document.getElementById("atlas-filter-region-link");

    function show(marker, visible) {
      var el = marker.getElement ? marker.getElement() : null;
      if (el) {
        el.style.display = visible ? "" : "none";
        el.setAttribute("aria-hidden", visible ? "false" : "true");
      } else if (marker.setStyle) {  // canvas points (scale mode)
        marker.setStyle({opacity: visible ? 1 : 0, fillOpacity: visible ? 0.9 : 0});
      }
      if (!visible && marker.closePopup) { marker.closePopup(); }
    }

    function apply(fit) {
      var s = spec.value, r = region.value, shown = 0;
      var bySpec = s ? (data.bySpec[s] || []) : null;
      var byRegion = r ? (data.byRegion[r] || []) : null;
      markers.forEach(function (m) {
        var id = m.feature.properties.id;
        var visible = (!bySpec || bySpec.indexOf(id) >= 0) && (!byRegion || byRegion.indexOf(id) >= 0);
        show(m, visible);
        if (visible) { shown += 1; }
      });
      count.textContent = data.shown.replace("{shown}", String(shown)).replace("{total}", String(data.total));
      link.hidden = !r;
      link.setAttribute("href", r ? "region-" + r + ".html" : "maroc.html");
      if (fit && r && regionLayers[r]) { map.fitBounds(regionLayers[r].getBounds(), {padding: [20, 20]}); }
      var hash = [];
      if (s) { hash.push("specialisation=" + encodeURIComponent(s)); }
      if (r) { hash.push("region=" + encodeURIComponent(r)); }
      try {
        history.replaceState(null, "", hash.length ? "#" + hash.join("&") : location.pathname + location.search);
      } catch (e) { /* some browsers refuse replaceState on file: pages; the filters still work */ }
    }

    var initial = readHash();
    if (initial.specialisation) { setIfOption(spec, initial.specialisation); }
    if (initial.region) { setIfOption(region, initial.region); }
    spec.addEventListener("change", function () { apply(false); });
    region.addEventListener("change", function () { apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(false); }, 0); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    form.hidden = false;
    apply(Boolean(initial.region));
  }

  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }
})();
