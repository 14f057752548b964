"""The map: dataset + view -> ``folium.Map``, drawn without any CDN and, by default, without tiles.

:func:`build_map` gives the whole map (the export writes it to a standalone HTML file with
``asset_mode="inline"``). The Streamlit page uses its two halves instead, so that filtering does
not reload the map and send it back to its start view:

- :func:`base_map`: what depends only on the language, tiles and assets (sea background, fit to
  Morocco including the south, region labels, north arrow, styles);
- :func:`map_layers`: what depends on the view, as two ``folium.FeatureGroup``\\ s (the regions,
  coloured by coverage or by a figure, with their legend; one marker per institute passing the
  filters, with the specialisation legend). ``st_folium(..., feature_group_to_add=...)`` swaps
  them in the browser without rebuilding the map.

The layers do not depend on the selected region: a click on a marker selects its region, and a
layer rebuilt on that click would close the marker's popup.

Scale: up to :data:`POINTS_THRESHOLD` institutes in view, each is a pin (``DivIcon``) with its full
popup card; above it, all of them are ONE GeoJSON point layer drawn as circle markers on a canvas in
a pane of its own (:class:`_PointsLayer`, about 100 bytes a point: 10,000 points are 1.3 MB and
zoom smoothly), with a compact card built in the browser from escaped strings. Region tooltips name
at most :data:`TOOLTIP_MAX_NAMES` institutes. Whatever depends only on the data version and the
language (label placement, popups, tooltips, table rows, point rows) is built once and reused, so a
page run only assembles the view's layers (see ``docs/performance.md``).

Everything from the data is escaped with :func:`atlas.text.h` and reaches JavaScript only as JSON
with ``<``, ``>``, ``&`` and ``'`` escaped (never inside a JavaScript template literal, which is
why folium's ``Popup`` and ``Tooltip`` classes are not used). Every region feature and institute
marker carries its region code (``feature.properties.code``) so a click maps back to a region:
see :func:`region_from_click`.
"""

from __future__ import annotations

import html as _html
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.template import Template
from shapely.ops import polylabel

from atlas import geo
from atlas.assets import FA_FAMILY, STATIC_URL, icon_codepoint, inline_icon_css, map_assets
from atlas.config import Tiles
from atlas.dataset import Dataset
from atlas.i18n import direction, fmt_date, fmt_number, fmt_percent, pick, t
from atlas.text import h
from atlas.view import View, apply_filters

MAX_ZOOM = 11
MIN_ZOOM = 4
SEA = "#cfe0ea"
LAND = "#f6f4ef"
COVERED = "#d9c9a3"
COVERED_WEAK = "#ede3cb"
BORDER = "#6f6a60"
NO_DATA = "#c8c8c8"
# Sequential, colour-blind safe (ColorBrewer YlOrBr, 5 classes): no blue, so it never reads as sea.
CHOROPLETH = ("#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404")
FALLBACK_COLOUR = "#777777"
FALLBACK_ICON = "location-dot"
ICON_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEX_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
SOURCE_KINDS = ("official", "press", "trade", "blog", "commentary")
POINTS_THRESHOLD = 300
"""Up to this many institutes in view, each is a ``DivIcon`` pin with its icon (a DOM element each);
above it, they are drawn as ONE GeoJSON point layer of circle markers on a canvas, which stays
smooth with 10,000 points (zooming included) and sends about 100 bytes a point."""
TOOLTIP_MAX_NAMES = 8
"""A region's tooltip names at most this many institutes, then says how many more there are."""

CSS = f"""
.leaflet-container {{ background: {SEA} !important; font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans",
  "Noto Sans Arabic", "DejaVu Sans", Arial, sans-serif; }}
.atlas-pin-wrap {{ background: none; border: none; }}
.atlas-pin {{ box-sizing: border-box; width: 100%; height: 100%; border-radius: 50%;
  display: flex; align-items: center; justify-content: center; font-size: 13px;
  border: 2px solid #fff; box-shadow: 0 0 0 1.5px #1b1b1b, 0 1px 4px rgba(0,0,0,.45); cursor: pointer; }}
.atlas-pin--hub {{ font-size: 16px; }}
.atlas-fonts-pending .atlas-pin {{ visibility: hidden; }}
.atlas-pin--weak {{ border-style: dashed; }}
.atlas-label-wrap {{ background: none; border: none; }}
.atlas-label {{ position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
  font-size: 11px; font-weight: 600; color: #3d3a33; pointer-events: none;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; letter-spacing: .01em; }}
.atlas-label--below {{ transform: translate(-50%, 19px); }}
.atlas-label .atlas-label-short {{ display: none; }}
.atlas-zoom-low .atlas-label .atlas-label-full {{ display: none; }}
.atlas-zoom-low .atlas-label .atlas-label-short {{ display: inline; }}
.atlas-legend {{ background: rgba(255,255,255,.94); padding: 5px 8px; border-radius: 6px; font-size: 11px;
  line-height: 1.3; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 210px; color: #222; }}
.atlas-legend[dir="rtl"] {{ text-align: right; }}
.atlas-legend summary {{ font-weight: 700; cursor: pointer; margin-bottom: 2px; }}
.atlas-legend .row {{ display: flex; align-items: center; gap: 5px; margin: 2px 0; }}
.atlas-legend .sw {{ flex: none; width: 15px; height: 11px; border: 1px solid {BORDER}; }}
.atlas-legend .sw--weak {{ border-style: dashed; }}
.atlas-legend .dot {{ flex: none; width: 16px; height: 16px; border-radius: 50%; border: 1.5px solid #fff;
  box-shadow: 0 0 0 1px #1b1b1b; display: flex; align-items: center; justify-content: center; font-size: 8px; }}
.atlas-legend .dot--weak {{ border-style: dashed; background: #fff; }}
.atlas-legend .note {{ color: #555; font-size: 10.5px; margin-top: 2px; }}
.atlas-north {{ background: rgba(255,255,255,.9); border-radius: 4px; padding: 2px 7px; font-weight: 700;
  font-size: 13px; text-align: center; line-height: 1.1; box-shadow: 0 1px 3px rgba(0,0,0,.3); }}
.atlas-tip {{ max-width: 280px; white-space: normal; font-size: 12px; }}
.atlas-tip b {{ font-size: 13px; }}
.atlas-tip ul {{ margin: 2px 0 0; padding-inline-start: 16px; }}
.atlas-tip .muted, .atlas-card .muted {{ color: #666; }}
.atlas-card {{ font-size: 12.5px; line-height: 1.4; min-width: 220px; }}
.atlas-card h4 {{ margin: 0 0 2px; font-size: 14px; }}
.atlas-card table {{ border-collapse: collapse; width: 100%; margin: 6px 0; }}
.atlas-card th, .atlas-card td {{ border: 1px solid #ddd; padding: 3px 5px; vertical-align: top; text-align: start;
  width: 50%; }}
.atlas-card th {{ background: #f4f4f4; font-weight: 600; }}
.atlas-card dl {{ margin: 4px 0; }}
.atlas-card dt {{ font-weight: 600; display: inline; }}
.atlas-card dd {{ display: inline; margin: 0; }}
.atlas-card dd:after {{ content: ""; display: block; }}
.atlas-card ol, .atlas-card ul {{ margin: 2px 0; padding-inline-start: 18px; }}
.atlas-card .kind {{ display: inline-block; font-size: 10.5px; background: #eee; border-radius: 3px; padding: 0 4px;
  margin-inline-start: 3px; color: #333; }}
.atlas-card details {{ margin-top: 4px; }}
.leaflet-popup-content {{ margin: 10px 12px; }}
"""


# --- Small helpers ---------------------------------------------------------------------------------


def _json(obj: object) -> str:
    """JSON that is safe inside an HTML ``<script>``: ``<``, ``>``, ``&``, ``'`` escaped, and U+2028 and
    U+2029 (line ends for older JavaScript engines) written as escapes."""
    return (
        json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


_MEMO: OrderedDict[tuple, Any] = OrderedDict()
_MEMO_MAX = 4096


def _memo(key: tuple, build: Callable[[], Any]) -> Any:
    """``build()`` once per ``key`` (keys start with the data version, so a new dataset never reads an
    old entry); a small LRU bound keeps memory flat on a long-running server."""
    try:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    except KeyError:
        pass
    value = build()
    _MEMO[key] = value
    while len(_MEMO) > _MEMO_MAX:
        _MEMO.popitem(last=False)
    return value


def _text_colour(hex_colour: str) -> str:
    """Black or white, whichever reads better on ``hex_colour`` (WCAG relative luminance)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#111111" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


def _safe_icon(name: object) -> str:
    name = str(name or "")
    return name if ICON_RE.match(name) and icon_codepoint(name) else FALLBACK_ICON


def _safe_colour(value: object) -> str:
    value = str(value or "")
    return value if HEX_RE.match(value) else FALLBACK_COLOUR


def lead_area(row: Mapping[str, Any]) -> str | None:
    """The lead focus area of an institute: the first area the conventions name (None if none)."""
    focus = list(row.get("focus_list") or [])
    return focus[0] if focus else None


def marker_style(ds: Dataset, row: Mapping[str, Any]) -> tuple[str, str, str | None]:
    """(colour, Font Awesome icon name, specialisation key or None) of an institute's marker."""
    key = lead_area(row)
    if key and key in ds.specialisations.index:
        spec = ds.specialisations.loc[key]
        return _safe_colour(spec["colour"]), _safe_icon(spec["icon"]), key
    return FALLBACK_COLOUR, FALLBACK_ICON, None


def _spec_label(ds: Dataset, key: str, lang: str) -> str:
    if key in ds.specialisations.index:
        return pick(ds.specialisations.loc[key], "label", lang)
    return key


def _region_name(ds: Dataset, code: str, lang: str) -> str:
    return pick(ds.regions.loc[code], "name", lang) if code in ds.regions.index else code


def format_value(value: float | None, unit: str, lang: str) -> str:
    """A figure's value as shown on the map (percent with one decimal, rates with one, counts whole)."""
    if unit == "percent":
        return fmt_percent(value, lang, 1)
    if unit == "per_1000":
        return fmt_number(value, lang, 1)
    return fmt_number(value, lang, 0)


def status_date(row: Mapping[str, Any], lang: str) -> str:
    """The status date at the precision the sources give (``2025``, ``avril 2025``, ``14 avril 2025``)."""
    value = str(row.get("status_date") or "")
    if not value:
        return t("common.not_announced", lang)
    try:
        return fmt_date(value, lang)
    except ValueError:
        return value


# --- Custom elements (no template literals, JSON-escaped data) ------------------------------------------


class _Style(Element):
    """A ``<style>`` block in the page header (kept by ``st_folium``, which only drops links and scripts)."""

    def __init__(self, css: str):
        super().__init__(f"<style>{css}</style>")


class _MarkerExtras(MacroElement):
    """Region code, tooltip and popup of one marker, passed as escaped JSON strings."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (layer) {
            layer.feature = {"type": "Feature", "properties": {{ this.props_json }}};
            {%- if this.tooltip_json %}
            layer.bindTooltip({{ this.tooltip_json }},
                {"direction": "top", "offset": [0, -12], "className": "atlas-tip-box"});
            {%- endif %}
            {%- if this.popup_json %}
            layer.bindPopup({{ this.popup_json }},
                {"maxWidth": 340, "minWidth": 230, "maxHeight": 360, "autoPanPadding": [16, 16]});
            {%- endif %}
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, props: dict[str, str], tooltip: str | None, popup: str | None):
        super().__init__()
        self._name = "MarkerExtras"
        self.props_json = _json(props)
        self.tooltip_json = _json(tooltip) if tooltip else ""
        self.popup_json = _json(popup) if popup else ""


class _Legend(MacroElement):
    """A legend box that lives as long as its parent layer group is on the map.

    It is a small ``L.Layer`` added to the parent group: when ``st_folium`` swaps the group, the
    legend goes with it.
    """

    _template = Template(
        """
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
        """
    )

    def __init__(self, title: str, body: str, position: str = "bottomright", css_class: str = "atlas-legend",
                 lang: str = "fr", collapse_below: int = 460):
        """``title`` and ``body`` are HTML (escaped by the caller); the box folds open and shut on its title,
        and starts folded on maps narrower than ``collapse_below`` pixels."""
        super().__init__()
        self._name = "Legend"
        self.html_json = _json(f"<details open><summary>{title}</summary>{body}</details>")
        self.collapse_below = int(collapse_below)
        self.dir_json = _json(direction(lang))
        self.position_json = _json(position)
        self.class_json = _json(css_class)


class _Control(MacroElement):
    """A fixed control on the map (north arrow), built from escaped HTML."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var box = L.control({"position": {{ this.position_json }}});
            box.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.class_json }});
                div.innerHTML = {{ this.html_json }};
                div.setAttribute("title", {{ this.title_json }});
                return div;
            };
            box.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, title: str, position: str, css_class: str):
        super().__init__()
        self._name = "Control"
        self.html_json = _json(html)
        self.title_json = _json(title)
        self.position_json = _json(position)
        self.class_json = _json(css_class)


class _ZoomClass(MacroElement):
    """Keeps zoom classes on the map container: ``atlas-zoom-low`` below ``zoom`` (short region labels)
    and ``atlas-zl-N`` with N = floor(LABEL_STEPS × zoom), which the label CSS uses to hide crowded labels."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            function update() {
                var box = map.getContainer(), z = map.getZoom();
                box.className = box.className.replace(/ ?atlas-zl-[0-9]+/g, "");
                L.DomUtil.addClass(box, "atlas-zl-" + Math.floor(z * {{ this.steps }} + 1e-9));
                L.DomUtil[z < {{ this.zoom }} ? "addClass" : "removeClass"](box, "atlas-zoom-low");
            }
            map.on("zoomend", update);
            map.whenReady(update);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, zoom: float):
        super().__init__()
        self._name = "ZoomClass"
        self.zoom = float(zoom)
        self.steps = int(LABEL_STEPS)


class _FocusWithoutScroll(MacroElement):
    """Leaflet focuses the map on mousedown (for keyboard panning). In an iframe whose bottom is
    below the fold, that focus scrolls the page by a few pixels between mousedown and mouseup, so
    the first click on a marker or a region is lost. Focus without scrolling instead."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (box) {
            box.focus = function () { HTMLElement.prototype.focus.call(box, {"preventScroll": true}); };
        })({{ this._parent.get_name() }}.getContainer());
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "FocusWithoutScroll"


class _PinsAfterFont(MacroElement):
    """Keeps the pins hidden until the icon font is loaded (at most 2 s), so a pin never shows without
    its glyph: the map container carries ``atlas-fonts-pending`` meanwhile (see ``CSS``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (box) {
            var fonts = document.fonts;
            if (!fonts || !fonts.load) { return; }
            L.DomUtil.addClass(box, "atlas-fonts-pending");
            var done = function () { L.DomUtil.removeClass(box, "atlas-fonts-pending"); };
            fonts.load({{ this.font_json }}, {{ this.text_json }}).then(done, done);
            setTimeout(done, 2000);
        })({{ this._parent.get_name() }}.getContainer());
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "PinsAfterFont"
        self.font_json = _json(f'900 16px "{FA_FAMILY}"')
        self.text_json = _json(chr(int(icon_codepoint(FALLBACK_ICON) or "f3c5", 16)))


class _MetricScale(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({"imperial": false, "position": "bottomleft"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"


class _Attribution(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.html_json }});
        }
        {% endmacro %}
        """
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Attribution"
        self.html_json = _json(html)


class _Labels(MacroElement):
    """The region names: one non-interactive ``L.divIcon`` marker per region, from one escaped JSON array
    (one element instead of 12 markers and 12 icons keeps every page run's rendering cheap)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var group = L.featureGroup().addTo(map);
            {{ this.labels_json }}.forEach(function (d) {
                L.marker([d[0], d[1]], {"icon": L.divIcon({"html": d[2], "iconSize": [0, 0], "iconAnchor": [0, 0],
                    "className": "atlas-label-wrap"}), "interactive": false, "keyboard": false}).addTo(group);
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, labels: Sequence[tuple[float, float, str]]):
        super().__init__()
        self._name = "Labels"
        self.labels_json = _json([[lat, lon, html] for lat, lon, html in labels])


# --- Geometry helpers ---------------------------------------------------------------------------------

_label_cache: dict[str, dict[str, tuple[float, float]]] = {}


def label_points(ds: Dataset) -> dict[str, tuple[float, float]]:
    """Region code -> (lat, lon) of its label: the pole of inaccessibility of its largest part."""
    cached = _label_cache.get(ds.version)
    if cached is not None and set(cached) == set(ds.shapes):
        return cached
    out: dict[str, tuple[float, float]] = {}
    for code, shape in ds.shapes.items():
        parts = sorted(shapely.get_parts(shape), key=lambda p: p.area, reverse=True)
        point = polylabel(parts[0], tolerance=0.01) if parts else shape.representative_point()
        out[code] = (round(point.y, 4), round(point.x, 4))
    _label_cache[ds.version] = out
    return out


LABEL_NEAR_DEG = 0.7
"""A region label closer than this (degrees) to one of the region's institutes goes under its marker."""


def label_positions(ds: Dataset) -> dict[str, tuple[float, float, bool]]:
    """Region code -> (lat, lon, under_a_marker): where each region's name is written.

    The name sits at :func:`label_points`, unless an institute of the region is near that point: then
    it is written just under that institute's marker, so the two never cover each other. With more
    than :data:`POINTS_THRESHOLD` institutes (small circles, see :func:`institutes_layer`) labels stay
    at their point. Cached per data version.
    """
    return dict(_memo(("label_positions", ds.version), lambda: _label_positions(ds)))


def _label_positions(ds: Dataset) -> dict[str, tuple[float, float, bool]]:
    out: dict[str, tuple[float, float, bool]] = {}
    inst = ds.institutes
    many = len(inst) > POINTS_THRESHOLD
    codes = inst["region_code"].astype(str).to_numpy()
    lats = inst["lat"].astype(float).to_numpy()
    lons = inst["lon"].astype(float).to_numpy()
    for code, (lat, lon) in label_points(ds).items():
        mask = codes == code
        if many or not mask.any():
            out[code] = (lat, lon, False)
            continue
        d = np.hypot(lats[mask] - lat, lons[mask] - lon)
        i = int(np.argmin(d))  # the first of equally near institutes, as before
        out[code] = (float(lats[mask][i]), float(lons[mask][i]), True) if d[i] < LABEL_NEAR_DEG else (lat, lon, False)
    return out


SHORT_LABEL_BELOW = 6.0
"""Below this zoom, region labels show the first part of the name only."""
LABEL_STEPS = 4  # label visibility is decided per quarter zoom level (the map's zoomSnap)
LABEL_ZOOMS = tuple(z / LABEL_STEPS for z in range(LABEL_STEPS * MIN_ZOOM, LABEL_STEPS * 9))
LABEL_CHAR_PX = 6.4
LABEL_HEIGHT_PX = 15
LABEL_MARKER_GAP_PX = 10
"""Free space kept around markers, so a label is never read as naming a neighbour's marker."""


def _pixel(lat: Any, lon: Any, zoom: float) -> tuple[Any, Any]:
    """Web Mercator pixel coordinates at ``zoom`` (256-pixel tiles); numbers or numpy arrays."""
    scale = 256 * 2**zoom
    phi = np.radians(np.clip(lat, -85.0, 85.0))
    return (lon + 180) / 360 * scale, (1 - np.log(np.tan(phi) + 1 / np.cos(phi)) / np.pi) / 2 * scale


_min_zoom_cache: dict[tuple[str, str], dict[str, float]] = {}


def label_min_zooms(ds: Dataset, lang: str) -> dict[str, float]:
    """Region code -> the zoom from which its label is drawn.

    Labels are placed largest region first; a label that would overlap an already placed label or
    any institute marker at some zoom is hidden below the next zoom where it fits (estimated from
    the text length: 11 px bold, about 6.4 px a character). Cached per data version and language.
    """
    key = (ds.version, lang)
    if key not in _min_zoom_cache:
        _min_zoom_cache[key] = _label_min_zooms(ds, lang)
    return dict(_min_zoom_cache[key])


def _label_min_zooms(ds: Dataset, lang: str) -> dict[str, float]:
    positions = label_positions(ds)
    areas = {code: geo.area_km2(shape) for code, shape in ds.shapes.items()}
    order = sorted(positions, key=lambda c: -areas.get(c, 0.0))
    inst = ds.institutes
    if len(inst) > POINTS_THRESHOLD:
        # Thousands of small circles: labels (with their white halo) only avoid each other.
        inst = inst.iloc[:0]
    m_lat = inst["lat"].astype(float).to_numpy()
    m_lon = inst["lon"].astype(float).to_numpy()
    m_code = inst["region_code"].astype(str).to_numpy()
    m_r = np.where(inst["kind"].astype(str).to_numpy() == "hub", 17.0, 14.0)
    visible: dict[str, set[float]] = {code: set() for code in positions}
    for zoom in LABEL_ZOOMS:
        labels: list[tuple[float, float, float, float]] = []
        mx, my = _pixel(m_lat, m_lon, zoom)
        for code in order:
            lat, lon, below = positions[code]
            text = _short_name(ds, code, lang) if zoom < SHORT_LABEL_BELOW else _region_name(ds, code, lang)
            w, hgt = LABEL_CHAR_PX * len(text) + 6, LABEL_HEIGHT_PX
            x, y = _pixel(lat, lon, zoom)
            top = y + 19 if below else y - hgt / 2
            box = (x - w / 2, top, x + w / 2, top + hgt)
            if any(not (box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3]) for b in labels):
                continue
            # Other regions' markers keep a gap; the region's own marker only must not be covered.
            pad = m_r + np.where(m_code == code, 0.0, LABEL_MARKER_GAP_PX)
            hit = (box[2] > mx - pad) & (box[0] < mx + pad) & (box[3] > my - pad) & (box[1] < my + pad)
            if not hit.any():
                labels.append(box)
                visible[code].add(zoom)
    out: dict[str, float] = {}
    for code, zooms in visible.items():
        start = LABEL_ZOOMS[-1] + 1 / LABEL_STEPS
        for zoom in reversed(LABEL_ZOOMS):
            if zoom not in zooms:
                break
            start = zoom
        out[code] = start
    return out


def _label_css(min_zooms: Mapping[str, float]) -> str:
    """CSS hiding each label below its minimum zoom (see :class:`_ZoomClass`)."""
    rules = []
    for level in sorted({round(z * LABEL_STEPS) for z in min_zooms.values()}):
        hidden = ",".join(f".atlas-zl-{n} .atlas-minz-{level}" for n in range(LABEL_STEPS * (MIN_ZOOM - 1), level))
        if hidden:
            rules.append(hidden + "{display:none}")
    return "\n".join(rules)


def map_bounds(ds: Dataset) -> list[list[float]]:
    """[[south, west], [north, east]] of all regions (southern regions included)."""
    if ds.shapes:  # the bounds of the union are the extremes of the bounds (no union needed)
        b = np.array([shape.bounds for shape in ds.shapes.values()], dtype=float)
        minx, miny, maxx, maxy = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    else:
        minx, miny, maxx, maxy = geo.MOROCCO_BOUNDS
    return [[round(float(miny), 3), round(float(minx), 3)], [round(float(maxy), 3), round(float(maxx), 3)]]


# --- Base map --------------------------------------------------------------------------------------


def _icons(ds: Dataset) -> list[str]:
    return sorted({_safe_icon(i) for i in ds.specialisations["icon"]} | {FALLBACK_ICON})


def base_map(
    ds: Dataset,
    lang: str,
    *,
    tiles: Tiles | None = None,
    asset_mode: str = "static",
    static_url: str = STATIC_URL,
) -> folium.Map:
    """The part of the map that does not depend on filters: assets, styles, view, labels, tiles."""
    bounds = map_bounds(ds)
    (south, west), (north, east) = bounds
    pad = 8.0
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=5,
        tiles=None,
        control_scale=False,
        max_bounds=True,
        min_lat=south - pad,
        max_lat=north + pad,
        min_lon=west - pad,
        max_lon=east + pad,
        minZoom=MIN_ZOOM,
        maxZoom=MAX_ZOOM,
        zoomSnap=0.25,
        zoomDelta=0.5,
        maxBoundsViscosity=0.8,
    )
    # Instance attributes: folium's module-level defaults (CDN URLs) are read at import time only.
    js, css = map_assets(asset_mode, _icons(ds), static_url)
    if asset_mode == "static":
        # The icons' glyphs as a few-kB font subset inside the page's style, instead of Font Awesome's
        # two stylesheets and its 150 kB font: three requests fewer, glyphs ready with the markers.
        css = [(name, url) for name, url in css if not name.startswith("fontawesome")]
        icon_css = _memo(("icon_css", ds.version), lambda: inline_icon_css(_icons(ds)))
        # The licence is served with the other assets: no internet address in the page.
        icon_css = icon_css.replace("https://fontawesome.com/license/free",
                                    f"{static_url.rstrip('/')}/vendor/fontawesome/LICENSE.txt")
        m.get_root().header.add_child(_Style(icon_css), name="atlas_icon_css")
    m.default_js, m.default_css = js, css
    m.get_root().header.add_child(_Style(CSS), name="atlas_css")
    if tiles is not None and tiles.url:
        attribution = h(_html.unescape(tiles.attribution or ""))
        folium.TileLayer(
            tiles=tiles.url, attr=attribution, name="tiles", max_zoom=MAX_ZOOM, overlay=False, control=False
        ).add_to(m)
    m.fit_bounds(bounds, padding=(12, 12))
    _FocusWithoutScroll().add_to(m)
    _PinsAfterFont().add_to(m)
    _MetricScale().add_to(m)
    _ZoomClass(SHORT_LABEL_BELOW).add_to(m)
    min_zooms = label_min_zooms(ds, lang)
    m.get_root().header.add_child(_Style(_label_css(min_zooms)), name="atlas_label_css")
    _Control('<span aria-hidden="true">&#8593;</span><br>' + h(t("map.north", lang)), t("map.north_title", lang),
             "topright", "atlas-north").add_to(m)
    _Attribution(f'<span dir="{direction(lang)}">{h(t("map.attribution_regions", lang))}</span>').add_to(m)

    _Labels(_label_markers(ds, lang)).add_to(m)
    return m


def _label_markers(ds: Dataset, lang: str) -> list[tuple[float, float, str]]:
    """(lat, lon, escaped HTML) of every region label; cached per data version and language."""

    def build() -> list[tuple[float, float, str]]:
        min_zooms = label_min_zooms(ds, lang)
        out = []
        for code, (lat, lon, below) in label_positions(ds).items():
            full = h(_region_name(ds, code, lang))
            short = h(_short_name(ds, code, lang))
            out.append((lat, lon,
                        f'<div class="atlas-label{" atlas-label--below" if below else ""} '
                        f'atlas-minz-{round(min_zooms.get(code, MIN_ZOOM) * LABEL_STEPS)}" dir="{direction(lang)}" '
                        f'data-region="{h(code)}">'
                        f'<span class="atlas-label-full">{full}</span><span class="atlas-label-short">{short}</span>'
                        "</div>"))
        return out

    return _memo(("label_markers", ds.version, lang), build)


def _short_name(ds: Dataset, code: str, lang: str) -> str:
    """The first part of a region's name (``Tanger-Tétouan-Al Hoceima`` -> ``Tanger``)."""
    name = _region_name(ds, code, lang)
    return re.split(r"[-‐–]", name, maxsplit=1)[0].strip() or name


# --- Regions layer ---------------------------------------------------------------------------------------


def _classes(values: Sequence[float]) -> list[float]:
    """Quantile class edges (at most 5 classes) over the non-missing ``values``."""
    arr = np.array([v for v in values if v == v], dtype=float)
    if arr.size == 0:
        return []
    edges = sorted(set(np.round(np.quantile(arr, np.linspace(0, 1, len(CHOROPLETH) + 1)), 6).tolist()))
    return edges if len(edges) > 1 else [edges[0], edges[0]]


def _class_of(value: float, edges: Sequence[float]) -> int:
    for i in range(len(edges) - 2, -1, -1):
        if value >= edges[i]:
            return i
    return 0


def _palette(n: int) -> tuple[str, ...]:
    if n >= len(CHOROPLETH):
        return CHOROPLETH
    idx = np.linspace(0, len(CHOROPLETH) - 1, n).round().astype(int)
    return tuple(CHOROPLETH[i] for i in idx)


def _region_names(ds: Dataset, lang: str) -> dict[str, list[tuple[str, str]]]:
    """Region code -> [(institute id, escaped name)] in the dataset's order; cached per version and language."""

    def build() -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for iid, row in ds.institutes.iterrows():
            out.setdefault(str(row["region_code"]), []).append((str(iid), h(pick(row, "name", lang))))
        return out

    return _memo(("region_names", ds.version, lang), build)


def _region_tooltip(ds: Dataset, code: str, lang: str, shown_ids: set[str], figure_line: str) -> str:
    inst = _region_names(ds, lang).get(code, [])
    parts = [f'<div class="atlas-tip" dir="{direction(lang)}"><b>{h(_region_name(ds, code, lang))}</b>']
    if figure_line:
        parts.append(f"<div>{figure_line}</div>")
    if not inst:
        parts.append(f'<div class="muted">{h(t("common.no_institute", lang))}</div>')
    else:
        if len(inst) > TOOLTIP_MAX_NAMES:  # the ones on the map first
            inst = sorted(inst, key=lambda item: item[0] not in shown_ids)
        hidden_note = f' <span class="muted">({h(t("map.hidden_by_filters", lang))})</span>'
        items = [f"<li>{name}{'' if iid in shown_ids else hidden_note}</li>" for iid, name in inst[:TOOLTIP_MAX_NAMES]]
        parts.append("<ul>" + "".join(items) + "</ul>")
        if len(inst) > TOOLTIP_MAX_NAMES:
            more = t("scale.more_institutes", lang, count=fmt_number(len(inst) - TOOLTIP_MAX_NAMES, lang))
            parts.append(f'<div class="muted">{h(more)}</div>')
    parts.append("</div>")
    return "".join(parts)


def regions_layer(ds: Dataset, view: View, shown: pd.DataFrame, *, with_tiles: bool = False) -> folium.FeatureGroup:
    """The 12 regions (one GeoJSON layer) styled by coverage of ``shown``, or by ``view.figure``; with legend."""
    lang = view.lang
    shown_ids = set(shown.index)
    fill_opacity = 0.45 if with_tiles else 1.0
    styles: dict[str, dict[str, Any]] = {}
    figure_lines: dict[str, str] = {}
    legend_rows: list[str] = []
    figure = view.figure if view.figure and view.figure in ds.figure_defs.index else None

    if figure and figure in getattr(ds.figures, "columns", []):
        fdef = ds.figure_defs.loc[figure]
        unit = str(fdef["unit"])
        values = {code: float(ds.figures.loc[code, figure]) if code in ds.figures.index else float("nan")
                  for code in ds.regions.index}
        edges = _classes(list(values.values()))
        palette = _palette(max(len(edges) - 1, 1))
        label = pick(fdef, "label", lang)
        for code, value in values.items():
            colour = palette[_class_of(value, edges)] if value == value and edges else NO_DATA
            styles[code] = {"fillColor": colour, "color": BORDER, "weight": 1, "fillOpacity": fill_opacity,
                            "dashArray": None, "className": f"atlas-region atlas-region-{code}"}
            figure_lines[code] = f"{h(label)}: <b>{h(format_value(value, unit, lang))}</b>"
        for i in range(len(edges) - 1):
            lo, hi = format_value(edges[i], unit, lang), format_value(edges[i + 1], unit, lang)
            legend_rows.append(f'<div class="row"><span class="sw" style="background:{palette[i]}"></span>'
                               f"{h(lo)} – {h(hi)}</div>")
        if any(v != v for v in values.values()):
            legend_rows.append(f'<div class="row"><span class="sw" style="background:{NO_DATA}"></span>'
                               f"{h(t('map.legend.no_data', lang))}</div>")
        legend_title = h(label)
        source = t("map.legend.source", lang, source=str(fdef["source_publisher"]))
        unit_text = t(f"map.unit.{unit}", lang)
        legend = (f"<div class=\"note\">{h(unit_text)}</div>"
                  + "".join(legend_rows)
                  + f"<div class=\"note\">{h(source)}</div>")
    else:
        by_region: dict[str, list[str]] = {}
        for code, conf in zip(shown["region_code"].astype(str), shown["confidence"].astype(str), strict=True):
            by_region.setdefault(code, []).append(conf)
        for code in ds.regions.index:
            confs = by_region.get(code, [])
            if not confs:
                fill, dash = LAND, None
            elif all(c == "weak" for c in confs):
                fill, dash = COVERED_WEAK, "5 4"
            else:
                fill, dash = COVERED, None
            styles[code] = {"fillColor": fill, "color": BORDER, "weight": 1.4 if dash else 1,
                            "fillOpacity": fill_opacity, "dashArray": dash,
                            "className": f"atlas-region atlas-region-{code}"}
        filtered = view.is_filtered
        rows = [
            (COVERED, "", t("map.legend.covered_filtered" if filtered else "map.legend.covered", lang)),
            (COVERED_WEAK, " sw--weak", t("map.legend.covered_weak", lang)),
            (LAND, "", t("map.legend.uncovered_filtered" if filtered else "map.legend.uncovered", lang)),
        ]
        legend_title = h(t("map.legend.coverage_title", lang))
        legend = "".join(
            f'<div class="row"><span class="sw{extra}" style="background:{colour}"></span>{h(text)}</div>'
            for colour, extra, text in rows
        )

    features = []
    for feature in ds.geojson.get("features", []):
        code = str(feature.get("properties", {}).get("code", ""))
        if code not in ds.regions.index:
            continue
        features.append({
            "type": "Feature",
            "id": code,
            "properties": {
                "code": code,
                "tip": _region_tooltip(ds, code, lang, shown_ids, figure_lines.get(code, "")),
            },
            "geometry": feature["geometry"],
        })
    data = {"type": "FeatureCollection", "features": features}

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return styles.get(feature["id"], {"fillColor": LAND, "color": BORDER, "weight": 1})

    def highlight(feature: dict[str, Any]) -> dict[str, Any]:
        return {"weight": 3, "color": "#222222"}

    group = folium.FeatureGroup(name="regions", control=False)
    folium.GeoJson(
        data,
        name="regions_geojson",
        style_function=style,
        highlight_function=highlight,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True, class_name="atlas-tip-box"),
        zoom_on_click=False,
        control=False,
    ).add_to(group)
    _Legend(legend_title, legend, position="topleft", lang=lang).add_to(group)
    return group


# --- Institutes layer --------------------------------------------------------------------------------


def _kinds(ds: Dataset, institute_id: str, field: str, lang: str) -> str:
    """The source kinds backing ``field`` of an institute, as small badges."""
    src = ds.sources_for(institute_id)
    kinds = sorted(
        {str(k) for k, fields in zip(src["kind"], src["fields"], strict=True) if field in str(fields).split(";")},
        key=lambda k: SOURCE_KINDS.index(k) if k in SOURCE_KINDS else 99,
    )
    if not kinds:
        return ""
    return "".join(f'<span class="kind">{h(t(f"map.source_kind.{k}", lang))}</span>' for k in kinds)


def institute_popup(ds: Dataset, iid: str, row: Mapping[str, Any], lang: str) -> str:
    """The popup card of an institute: every data value escaped."""
    na = h(t("common.not_announced", lang))
    name = h(pick(row, "name", lang))
    kind = h(t(f"kind.{row['kind']}", lang))
    city = h(pick(row, "city", lang))
    region = h(_region_name(ds, str(row["region_code"]), lang))
    precision = h(t(f"precision.{row['location_precision']}", lang))
    commentary = str(row.get("specialisation_commentary") or "")
    comm_html = h(_spec_label(ds, commentary, lang)) if commentary else na
    focus = list(row.get("focus_list") or [])
    focus_html = "<ul>" + "".join(f"<li>{h(_spec_label(ds, k, lang))}</li>" for k in focus) + "</ul>" if focus else na
    status = h(t(f"status.{row['status']}", lang))
    date = h(status_date(row, lang))
    confidence = h(t(f"confidence.{row['confidence']}", lang))
    partners = [p.strip() for p in pick(row, "partners", lang).split(";") if p.strip()]
    partners_html = "<ul>" + "".join(f"<li>{h(p)}</li>" for p in partners) + "</ul>" if partners else na

    items = []
    for _, src in ds.sources_for(iid).iterrows():
        publisher = h(src["publisher"])
        kind_label = t(f"map.source_kind.{src['kind']}", lang)
        kind_badge = f'<span class="kind">{h(kind_label)}</span>'
        published = ""
        if str(src.get("published") or ""):
            try:
                published = " · " + h(fmt_date(str(src["published"]), lang))
            except ValueError:
                published = " · " + h(src["published"])
        url = str(src.get("url") or "")
        if url.startswith(("https://", "http://")):
            link = f'<a href="{h(url)}" rel="noopener noreferrer" target="_blank">{publisher}</a>'
        else:
            link = f'{publisher} <span class="muted">({h(t("map.popup.no_url", lang))})</span>'
        items.append(f"<li>{link}{kind_badge}{published}</li>")
    sources_html = "<ol>" + "".join(items) + "</ol>" if items else na

    notes = pick(row, "notes", lang)
    notes_html = (f"<details><summary>{h(t('map.popup.notes', lang))}</summary>{h(notes)}</details>"
                  if notes else "")
    return (
        f'<div class="atlas-card" dir="{direction(lang)}" lang="{h(lang)}" data-id="{h(iid)}">'
        f"<h4>{name}</h4>"
        f'<div class="muted">{kind} · {city} · {region}</div>'
        f'<div class="muted">{h(t("map.popup.location", lang))}: {precision}</div>'
        "<table><tr>"
        f"<th>{h(t('map.popup.commentary', lang))}{_kinds(ds, iid, 'specialisation_commentary', lang)}</th>"
        f"<th>{h(t('map.popup.conventions', lang))}{_kinds(ds, iid, 'focus_areas', lang)}</th>"
        f"</tr><tr><td>{comm_html}</td><td>{focus_html}</td></tr></table>"
        "<dl>"
        f"<dt>{h(t('map.popup.status', lang))}:</dt> <dd>{status} ({date})</dd>"
        f"<dt>{h(t('map.popup.confidence', lang))}:</dt> <dd>{confidence}</dd>"
        f"<dt>{h(t('map.popup.partners', lang))}:</dt> <dd>{partners_html}</dd>"
        f"<dt>{h(t('map.popup.sources', lang))}:</dt> <dd>{sources_html}</dd>"
        "</dl>"
        f"{notes_html}</div>"
    )


def institute_tooltip(ds: Dataset, row: Mapping[str, Any], lang: str) -> str:
    status = t(f"status.{row['status']}", lang)
    return (
        f'<div class="atlas-tip" dir="{direction(lang)}"><b>{h(pick(row, "name", lang))}</b><br>'
        f'{h(pick(row, "city", lang))} · {h(status)}</div>'
    )


def _pin_html(colour: str, icon: str, *, hub: bool, weak: bool, label: str) -> str:
    classes = "atlas-pin" + (" atlas-pin--hub" if hub else "") + (" atlas-pin--weak" if weak else "")
    return (
        f'<div class="{classes}" style="background:{colour};color:{_text_colour(colour)}" role="img" '
        f'aria-label="{h(label)}"><i class="fa-solid fa-{icon}" aria-hidden="true"></i></div>'
    )


def institutes_layer(ds: Dataset, view: View, shown: pd.DataFrame) -> folium.FeatureGroup:
    """One marker per institute of ``shown``, coloured by its lead focus area; with the legend of areas shown."""
    lang = view.lang
    group = folium.FeatureGroup(name="institutes", control=False)
    if len(shown) > POINTS_THRESHOLD:
        return _points_layer(ds, view, shown, group)
    used: list[str | None] = []
    any_weak = any_hub = False
    for iid, row in shown.iterrows():
        colour, icon, key = marker_style(ds, row)
        hub = str(row["kind"]) == "hub"
        weak = str(row["confidence"]) == "weak"
        any_weak |= weak
        any_hub |= hub
        if key not in used:
            used.append(key)
        size = 34 if hub else 28
        marker = folium.Marker(
            [float(row["lat"]), float(row["lon"])],
            icon=folium.DivIcon(
                html=_pin_html(colour, icon, hub=hub, weak=weak, label=pick(row, "name", lang)),
                icon_size=(size, size),
                icon_anchor=(size // 2, size // 2),
                popup_anchor=(0, -size // 2),
                class_name="atlas-pin-wrap",
            ),
            z_index_offset=1000,
            riseOnHover=True,
        )
        marker.atlas_id = str(iid)  # read by tests and by the page to check what is drawn
        tip, card = _memo(("marker_text", ds.version, lang, str(iid)),
                          lambda row=row, iid=iid: (institute_tooltip(ds, row, lang),
                                                    institute_popup(ds, str(iid), row, lang)))
        marker.add_child(
            _MarkerExtras({"code": str(row["region_code"]), "id": str(iid), "kind": "institute"}, tip, card)
        )
        marker.add_to(group)

    if used:
        _areas_legend(ds, lang, used, any_hub, any_weak).add_to(group)
    return group


def _areas_legend(ds: Dataset, lang: str, used: Sequence[str | None], any_hub: bool, any_weak: bool) -> _Legend:
    """The legend of the lead focus areas drawn (in the dataset's order), with the hub and weak notes."""
    order = {k: i for i, k in enumerate(ds.specialisations.index)}
    rows = []
    for key in sorted(used, key=lambda k: order.get(k, 999) if k else 1000):
        if key is None:
            colour, icon, text = FALLBACK_COLOUR, FALLBACK_ICON, t("map.legend.no_area", lang)
        else:
            spec = ds.specialisations.loc[key]
            colour, icon, text = _safe_colour(spec["colour"]), _safe_icon(spec["icon"]), pick(spec, "label", lang)
        rows.append(
            f'<div class="row"><span class="dot" style="background:{colour};color:{_text_colour(colour)}">'
            f'<i class="fa-solid fa-{icon}" aria-hidden="true"></i></span>{h(text)}</div>'
        )
    extras = []
    if any_hub:
        extras.append(f'<div class="note">{h(t("map.legend.hub", lang))}</div>')
    if any_weak:
        extras.append(f'<div class="row"><span class="dot dot--weak"></span>{h(t("map.legend.weak", lang))}</div>')
    return _Legend(h(t("map.legend.areas_title", lang)), "".join(rows) + "".join(extras), position="bottomright",
                   lang=lang)


# --- Many institutes: one canvas point layer ------------------------------------------------------------

POINT_RADIUS = 4
HUB_RADIUS = 6
_PAYLOADS: OrderedDict[tuple, str] = OrderedDict()
_PAYLOADS_MAX = 16


class _PointsLayer(MacroElement):
    """Institutes as ONE ``L.geoJSON`` point layer of circle markers on a canvas (see :func:`points_payload`).

    The payload is compact (one array a point plus lookup tables, every text HTML-escaped in Python);
    the browser turns it into a GeoJSON FeatureCollection (``properties.code`` and ``properties.id``
    for clicks, as for the pins) and builds each tooltip and popup only when it opens, by joining
    escaped strings with fixed markup. Once drawn, the map container gets ``data-atlas-points="N"``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group) {
            var d = /*atlas-points*/{{ this.payload }}/*end-atlas-points*/;
            var features = d.rows.map(function (r) {
                return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[0], r[1]]},
                        "properties": {"id": r[2], "code": d.regions[r[5]][0], "kind": "institute", "r": r}};
            });
            function tip(r) {
                return '<div class="atlas-tip" dir="' + d.dir + '"><b>' + r[3] + '</b><br>' + r[4] + ' · ' +
                    d.status[r[7]] + '</div>';
            }
            function card(r) {
                var focus = r[11].length ? r[11].map(function (i) { return d.specs[i]; }).join(", ") : d.text.na;
                return '<div class="atlas-card" dir="' + d.dir + '" lang="' + d.lang + '" data-id="' + r[2] + '">' +
                    '<h4>' + r[3] + '</h4><div class="muted">' + d.kinds[r[10]] + ' · ' + r[4] + ' · ' +
                    d.regions[r[5]][1] + '</div><dl><dt>' + d.text.status + ':</dt> <dd>' + d.status[r[7]] +
                    ' (' + d.dates[r[8]] + ')</dd><dt>' + d.text.confidence + ':</dt> <dd>' + d.conf[r[9]] +
                    '</dd><dt>' + d.text.focus + ':</dt> <dd>' + focus + '</dd><dt>' + d.text.sources +
                    ':</dt> <dd>' + r[12] + '</dd></dl></div>';
            }
            // Its own pane above the regions: in one pane Leaflet's CSS puts SVG (the regions) over canvas.
            var pane = "atlasPoints";
            var holder = new (L.Layer.extend({
                onAdd: function (map) {
                    if (!map.getPane(pane)) { map.createPane(pane).style.zIndex = 450; }
                    var renderer = L.canvas({"padding": 0.5, "pane": pane});
                    this._layer = L.geoJSON({"type": "FeatureCollection", "features": features}, {
                        "pointToLayer": function (f, latlng) {
                            var s = d.styles[f.properties.r[6]];
                            return L.circleMarker(latlng, {"renderer": renderer, "pane": pane, "radius": s[1],
                                "fillColor": s[0], "fillOpacity": s[2] ? 0.35 : 0.9, "color": "#1b1b1b",
                                "weight": 1, "dashArray": s[2] ? "2 2" : null});
                        },
                        "onEachFeature": function (f, l) {
                            l.bindTooltip(function () { return tip(f.properties.r); },
                                {"direction": "top", "className": "atlas-tip-box"});
                            l.bindPopup(function () { return card(f.properties.r); },
                                {"maxWidth": 340, "minWidth": 230, "maxHeight": 360, "autoPanPadding": [16, 16]});
                        }
                    });
                    map.addLayer(this._layer);
                    L.Util.requestAnimFrame(function () {  // after the canvas has drawn
                        map.getContainer().setAttribute("data-atlas-points", String(features.length));
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
        """
    )

    def __init__(self, payload: str, ids: Sequence[str]):
        super().__init__()
        self._name = "PointsLayer"
        self.payload = payload
        self.atlas_ids = list(ids)  # read by marker_ids(): one point per institute, in order


POINT_COLUMNS = ("lon", "lat", "id", "name", "city", "region", "style", "status", "date", "confidence", "kind",
                 "focus", "sources")
"""What each row of the point payload holds (indexes into the lookup tables for the small integers)."""


def _point_rows(ds: Dataset, lang: str) -> dict[str, Any]:
    """Per data version and language: every institute's payload row and the lookup tables."""

    def build() -> dict[str, Any]:
        regions = list(ds.regions.index)
        region_idx = {c: i for i, c in enumerate(regions)}
        specs = list(ds.specialisations.index)
        spec_idx = {k: i for i, k in enumerate(specs)}
        statuses = ["announced", "agreement_signed", "launched", "operational"]
        confs = ["confirmed", "medium", "weak"]
        kinds = ["hub", "regional"]
        styles: dict[tuple[str, int, bool], int] = {}
        dates: dict[str, int] = {}
        n_sources = ds.sources.groupby("institute_id").size().to_dict() if len(ds.sources) else {}
        rows: dict[str, list[Any]] = {}
        leads: dict[str, tuple[str | None, bool, bool]] = {}
        for iid, row in ds.institutes.iterrows():
            colour, _icon, key = marker_style(ds, row)
            hub = str(row["kind"]) == "hub"
            weak = str(row["confidence"]) == "weak"
            style = styles.setdefault((colour, HUB_RADIUS if hub else POINT_RADIUS, weak), len(styles))
            date = dates.setdefault(str(row.get("status_date") or ""), len(dates))
            for values, value in ((statuses, row["status"]), (confs, row["confidence"]), (kinds, row["kind"])):
                if str(value) not in values:
                    values.append(str(value))
            rows[str(iid)] = [
                round(float(row["lon"]), 5), round(float(row["lat"]), 5), h(iid), h(pick(row, "name", lang)),
                h(pick(row, "city", lang)), region_idx.get(str(row["region_code"]), 0), style,
                statuses.index(str(row["status"])), date, confs.index(str(row["confidence"])),
                kinds.index(str(row["kind"])),
                [spec_idx[k] for k in (row.get("focus_list") or []) if k in spec_idx],
                int(n_sources.get(str(iid), 0)),
            ]
            leads[str(iid)] = (key, hub, weak)
        tables = {
            "dir": direction(lang),
            "lang": h(lang),
            "regions": [[c, h(_region_name(ds, c, lang))] for c in regions],
            "styles": [[colour, radius, weak] for (colour, radius, weak) in styles],
            "status": [h(t(f"status.{v}", lang)) for v in statuses],
            "dates": [h(status_date({"status_date": v}, lang)) for v in dates],
            "conf": [h(t(f"confidence.{v}", lang)) for v in confs],
            "kinds": [h(t(f"kind.{v}", lang)) for v in kinds],
            "specs": [h(_spec_label(ds, k, lang)) for k in specs],
            "text": {
                "status": h(t("map.popup.status", lang)),
                "confidence": h(t("map.popup.confidence", lang)),
                "focus": h(t("map.popup.conventions", lang)),
                "sources": h(t("map.popup.sources", lang)),
                "na": h(t("common.not_announced", lang)),
            },
        }
        return {"rows": rows, "tables": tables, "leads": leads}

    return _memo(("point_rows", ds.version, lang), build)


def points_payload(ds: Dataset, lang: str, ids: Sequence[str]) -> str:
    """The point layer's data for the institutes ``ids`` (in that order), as script-safe JSON:
    ``{"cols": POINT_COLUMNS, "rows": [[lon, lat, id, name, ...], ...], <lookup tables>}``. Every text
    is HTML-escaped (``atlas.text.h``) and the JSON escapes ``<``, ``>``, ``&`` and ``'``."""
    key = (ds.version, lang, hash(tuple(ids)), len(ids))
    cached = _PAYLOADS.get(key)
    if cached is not None:
        _PAYLOADS.move_to_end(key)
        return cached
    data = _point_rows(ds, lang)
    payload = _json({"cols": list(POINT_COLUMNS), "rows": [data["rows"][i] for i in ids], **data["tables"]})
    _PAYLOADS[key] = payload
    while len(_PAYLOADS) > _PAYLOADS_MAX:
        _PAYLOADS.popitem(last=False)
    return payload


def points_geojson(payload: str | Mapping[str, Any]) -> dict[str, Any]:
    """The FeatureCollection the browser builds from a point payload (the same mapping as the layer's
    script): one Point feature per institute with ``id``, ``code`` and ``kind`` properties."""
    d = json.loads(payload) if isinstance(payload, str) else payload
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[0], r[1]]},
             "properties": {"id": _html.unescape(r[2]), "code": d["regions"][r[5]][0], "kind": "institute"}}
            for r in d["rows"]
        ],
    }


def _points_layer(ds: Dataset, view: View, shown: pd.DataFrame, group: folium.FeatureGroup) -> folium.FeatureGroup:
    ids = [str(i) for i in shown.index]
    _PointsLayer(points_payload(ds, view.lang, ids), ids).add_to(group)
    leads = _point_rows(ds, view.lang)["leads"]
    used = list(dict.fromkeys(leads[i][0] for i in ids))
    _areas_legend(ds, view.lang, used, any(leads[i][1] for i in ids), any(leads[i][2] for i in ids)).add_to(group)
    return group


# --- Assembly ---------------------------------------------------------------------------------------------


def map_layers(
    ds: Dataset, view: View, institutes: pd.DataFrame | None = None, *, with_tiles: bool = False
) -> list[folium.FeatureGroup]:
    """The view-dependent layers: ``[regions, institutes]``. ``institutes`` defaults to
    ``apply_filters(ds, view)``; pass the frame the page's table shows so both stay identical."""
    shown = apply_filters(ds, view) if institutes is None else institutes
    return [regions_layer(ds, view, shown, with_tiles=with_tiles), institutes_layer(ds, view, shown)]


def build_map(
    ds: Dataset,
    view: View,
    *,
    tiles: Tiles | None = None,
    asset_mode: str = "static",
    static_url: str = STATIC_URL,
    institutes: pd.DataFrame | None = None,
) -> folium.Map:
    """The whole map for ``view``: regions, institutes, legends, labels; nothing from a CDN.

    ``tiles``: base-map tiles (``atlas.config.tiles_setting()``); ``None`` or ``Tiles(None, ...)``
    draws without tiles. ``asset_mode``: ``"static"`` (``/app/static`` URLs, for the app) or
    ``"inline"`` (``data:`` URLs, for a standalone HTML file).
    """
    m = base_map(ds, view.lang, tiles=tiles, asset_mode=asset_mode, static_url=static_url)
    for layer in map_layers(ds, view, institutes, with_tiles=bool(tiles and tiles.url)):
        layer.add_to(m)
    return m


def marker_ids(layers: folium.Element | Sequence[folium.Element]) -> list[str]:
    """Ids of the institute markers in a map or list of layers, in drawing order."""
    items = [layers] if isinstance(layers, folium.Element) else list(layers)
    out: list[str] = []

    def walk(el: Any) -> None:
        if isinstance(el, folium.Marker) and getattr(el, "atlas_id", None):
            out.append(el.atlas_id)
        elif isinstance(el, _PointsLayer):
            out.extend(el.atlas_ids)
        for child in getattr(el, "_children", {}).values():
            walk(child)

    for el in items:
        walk(el)
    return out


# --- Clicks ------------------------------------------------------------------------------------------


def region_from_click(result: Mapping[str, Any] | None, ds: Dataset) -> tuple[str, str] | None:
    """``(region code, click token)`` for the last click ``st_folium`` reported, or None.

    The clicked feature's ``properties.code`` (every region and marker carries one) wins; otherwise
    the clicked point is placed with :func:`atlas.geo.region_for_point`. The token changes with every
    new click, so the caller can act on each click once (``st_folium`` keeps returning the last one).
    """
    if not isinstance(result, Mapping):
        return None
    clicked = result.get("last_object_clicked")
    drawing = result.get("last_active_drawing")
    lat = lng = None
    if isinstance(clicked, Mapping):
        try:
            lat, lng = float(clicked["lat"]), float(clicked["lng"])
        except (KeyError, TypeError, ValueError):
            lat = lng = None
    if lat is None:
        return None
    code = None
    if isinstance(drawing, Mapping):
        props = drawing.get("properties")
        candidate = props.get("code") if isinstance(props, Mapping) else None
        if isinstance(candidate, str) and candidate in ds.regions.index:
            code = candidate
    if code is None and ds.shapes:
        try:
            code = geo.region_for_point(lat, lng, ds.shapes)
        except ValueError:
            code = None
    if code is None:
        return None
    props = drawing.get("properties") if isinstance(drawing, Mapping) else None
    ident = props.get("id") if isinstance(props, Mapping) else None
    token = f"{lat:.6f},{lng:.6f},{code},{ident or ''}"
    return code, token


# --- Table -------------------------------------------------------------------------------------------------


TABLE_COLUMNS = (
    ("name", "table.name"),
    ("region", "map.table.region"),
    ("city", "table.city"),
    ("specialisation_commentary", "map.table.spec_commentary"),
    ("focus_areas", "map.table.focus_areas"),
    ("status", "table.status"),
    ("status_date", "map.table.date"),
    ("confidence", "map.table.confidence"),
)


def table_frame(ds: Dataset, institutes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table under the map: one row per marker drawn (same frame, same order), text in ``lang``.

    Columns (headers in ``lang``): name, region, city, the commentary's specialisation, the
    conventions' focus areas, status, status date (at its precision), confidence. Missing values
    read "not announced". The index is the institute id. The rows of the whole dataset are built
    once per data version and language; a view takes its rows from them.
    """
    full = _memo(("table", ds.version, lang), lambda: _table_rows(ds, ds.institutes, lang))
    ids = list(institutes.index)
    if all(i in full.index for i in ids):
        frame = full.loc[ids]
    else:  # rows that are not the dataset's own (a caller's edited frame): build them
        frame = _table_rows(ds, institutes, lang)
    return frame.rename(columns={c: t(key, lang) for c, key in TABLE_COLUMNS})


def _table_rows(ds: Dataset, institutes: pd.DataFrame, lang: str) -> pd.DataFrame:
    na = t("common.not_announced", lang)
    regions = {code: _region_name(ds, code, lang) for code in ds.regions.index}
    specs = {key: _spec_label(ds, key, lang) for key in ds.specialisations.index}
    statuses: dict[str, str] = {}
    confidences: dict[str, str] = {}
    dates: dict[str, str] = {}
    records = []
    for row in institutes.to_dict("records"):
        commentary = str(row.get("specialisation_commentary") or "")
        focus = list(row.get("focus_list") or [])
        status, conf, day = str(row["status"]), str(row["confidence"]), str(row.get("status_date") or "")
        if status not in statuses:
            statuses[status] = t(f"status.{status}", lang)
        if conf not in confidences:
            confidences[conf] = t(f"confidence.{conf}", lang)
        if day not in dates:
            dates[day] = status_date(row, lang)
        code = str(row["region_code"])
        records.append({
            "name": pick(row, "name", lang),
            "region": regions.get(code, code),
            "city": pick(row, "city", lang),
            "specialisation_commentary": specs.get(commentary, commentary) if commentary else na,
            "focus_areas": ", ".join(specs.get(k, k) for k in focus) if focus else na,
            "status": statuses[status],
            "status_date": dates[day],
            "confidence": confidences[conf],
        })
    return pd.DataFrame.from_records(records, columns=[c for c, _ in TABLE_COLUMNS], index=list(institutes.index))
