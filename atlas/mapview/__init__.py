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

Where things are:

- ``safe.py``: how text reaches the page without ever being a template (read it first);
- ``style.py`` and ``static/map.css``: colours, icons, styles; ``elements.py`` and ``static/*.js``:
  our Leaflet elements (scripts are real files, data goes in as escaped JSON);
- ``regions.py``: region layer, choropleth, coverage legend; ``markers.py``: pins, tooltip and
  popup card; ``legends.py``: the specialisations legend; ``points.py``: scale mode;
  ``labels.py``: region label placement; ``clicks.py``: click -> region; ``table.py``: the table;
- ``cache.py``: the one cache of the package (per data version and language).

Every region feature and institute marker carries its region code (``feature.properties.code``) so
a click maps back to a region: see :func:`region_from_click`.
"""

from __future__ import annotations

import html as _html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
import pandas as pd

from atlas import geo
from atlas.assets import STATIC_URL, inline_icon_css, map_assets
from atlas.config import Tiles
from atlas.i18n import direction, t
from atlas.mapview.cache import memo
from atlas.mapview.clicks import clicked_institute, region_from_click
from atlas.mapview.elements import (
    Accessibility,
    Attribution,
    Control,
    FocusWithoutScroll,
    Labels,
    MetricScale,
    PinsAfterFont,
    SelectionOutline,
    ZoomClass,
)
from atlas.mapview.labels import (
    LABEL_STEPS,
    POINTS_THRESHOLD,
    SHORT_LABEL_BELOW,
    label_css,
    label_markers,
    label_min_zooms,
    label_points,
    label_positions,
)
from atlas.mapview.markers import institute_popup, institute_tooltip, pins_layer
from atlas.mapview.points import PointsLayer, points_geojson, points_layer, points_payload
from atlas.mapview.provinces import ProvinceLayer, layer_data
from atlas.mapview.regions import TOOLTIP_MAX_NAMES, regions_layer
from atlas.mapview.safe import RawHTML, SafeFeatureGroup, SafeMap
from atlas.mapview.style import (
    BORDER,
    CHOROPLETH,
    COVERED,
    COVERED_WEAK,
    FALLBACK_COLOUR,
    FALLBACK_ICON,
    LAND,
    MAX_ZOOM,
    MIN_ZOOM,
    NO_DATA,
    SEA,
    css,
    icons,
)
from atlas.mapview.table import TABLE_COLUMNS, TABLE_MAX_ROWS, table_frame, table_html
from atlas.text import h
from atlas.view import View, apply_filters

if TYPE_CHECKING:
    from atlas.dataset import Dataset

__all__ = [
    "BORDER", "CHOROPLETH", "COVERED", "COVERED_WEAK", "FALLBACK_COLOUR", "FALLBACK_ICON", "LAND", "NO_DATA",
    "POINTS_THRESHOLD", "SEA", "TABLE_ANCHOR", "TABLE_COLUMNS", "TABLE_MAX_ROWS", "TOOLTIP_MAX_NAMES",
    "base_map", "build_map", "institute_popup", "institute_tooltip", "institutes_layer", "label_points",
    "label_positions", "map_bounds", "map_layers", "marker_ids", "points_geojson",
    "clicked_institute", "points_payload", "region_from_click", "regions_layer", "table_frame", "table_html",
]


TABLE_ANCHOR = "atlas-map-table"
"""Id of the heading of the table under the map (``pages/map.py``): the map's text alternative, which the
map's frame names with ``aria-describedby``."""


def map_bounds(ds: Dataset) -> list[list[float]]:
    """[[south, west], [north, east]] of all regions (southern regions included)."""
    if ds.shapes:  # the bounds of the union are the extremes of the bounds (no union needed)
        b = np.array([shape.bounds for shape in ds.shapes.values()], dtype=float)
        minx, miny, maxx, maxy = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    else:
        minx, miny, maxx, maxy = geo.MOROCCO_BOUNDS
    return [[round(float(miny), 3), round(float(minx), 3)], [round(float(maxy), 3), round(float(maxx), 3)]]


def _style(css_text: str) -> RawHTML:
    """A ``<style>`` block for the page header (kept by ``st_folium``, which only drops links and scripts)."""
    return RawHTML(f"<style>{css_text}</style>")


def base_map(
    ds: Dataset,
    lang: str,
    *,
    tiles: Tiles | None = None,
    asset_mode: str = "static",
    static_url: str = STATIC_URL,
    selected: str | None = None,
    provinces: dict[str, Any] | None = None,
) -> folium.Map:
    """The part of the map that does not depend on filters: assets, styles, view, labels, tiles, and
    the outline of the selected region and its provinces (``selected`` and ``provinces``, the
    provinces' :func:`~atlas.mapview.provinces.layer_data`, for a standalone file; in the app the
    browser follows the page's URL and the region card)."""
    bounds = map_bounds(ds)
    (south, west), (north, east) = bounds
    pad = 8.0
    m = SafeMap(
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
    js, css_links = map_assets(asset_mode, icons(ds), static_url)
    if asset_mode == "static":
        # The icons' glyphs as a few-kB font subset inside the page's style, instead of Font Awesome's
        # two stylesheets and its 150 kB font: three requests fewer, glyphs ready with the markers.
        css_links = [(name, url) for name, url in css_links if not name.startswith("fontawesome")]
        icon_css = memo(("icon_css", ds.version), lambda: inline_icon_css(icons(ds)))
        # The licence is served with the other assets: no internet address in the page.
        icon_css = icon_css.replace("https://fontawesome.com/license/free",
                                    f"{static_url.rstrip('/')}/vendor/fontawesome/LICENSE.txt")
        m.get_root().header.add_child(_style(icon_css), name="atlas_icon_css")
    m.default_js, m.default_css = js, css_links
    m.get_root().header.add_child(_style(css()), name="atlas_css")
    if tiles is not None and tiles.url:
        attribution = h(_html.unescape(tiles.attribution or ""))
        folium.TileLayer(
            tiles=tiles.url, attr=attribution, name="tiles", max_zoom=MAX_ZOOM, overlay=False, control=False
        ).add_to(m)
    # The whole country at once: not a zoom from zoom_start played after the layers are drawn (that
    # animation also swallowed any view set in its first 250 ms: Leaflet ignores a zoom meanwhile).
    fit = folium.map.FitBounds(bounds, padding=(12, 12))
    fit.options["animate"] = False
    fit.add_to(m)
    FocusWithoutScroll().add_to(m)
    PinsAfterFont().add_to(m)
    MetricScale().add_to(m)
    ZoomClass(SHORT_LABEL_BELOW, LABEL_STEPS).add_to(m)
    m.get_root().header.add_child(_style(label_css(label_min_zooms(ds, lang))), name="atlas_label_css")
    Control('<span aria-hidden="true">&#8593;</span><br>' + h(t("map.north", lang)), t("map.north_title", lang),
            "topright", "atlas-north").add_to(m)
    Attribution(f'<span dir="{direction(lang)}">{h(t("map.attribution_regions", lang))}</span>').add_to(m)
    Labels(label_markers(ds, lang)).add_to(m)
    SelectionOutline(selected).add_to(m)
    ProvinceLayer(provinces).add_to(m)
    Accessibility({"map": t("a11y.map", lang), "frame": t("a11y.frame", lang), "close": t("a11y.close", lang),
                   "describedby": TABLE_ANCHOR}).add_to(m)
    return m


def institutes_layer(ds: Dataset, view: View, shown: pd.DataFrame) -> folium.FeatureGroup:
    """The institutes of ``shown``: pins (:mod:`~atlas.mapview.markers`) up to :data:`POINTS_THRESHOLD`,
    one canvas point layer (:mod:`~atlas.mapview.points`) above it."""
    group = SafeFeatureGroup(name="institutes", control=False)
    if len(shown) > POINTS_THRESHOLD:
        return points_layer(ds, view, shown, group)
    return pins_layer(ds, view, shown, group)


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
    provinces = layer_data(ds, view.selected, view.lang, view.figure) if view.selected else None
    m = base_map(ds, view.lang, tiles=tiles, asset_mode=asset_mode, static_url=static_url, selected=view.selected,
                 provinces=provinces)
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
        elif isinstance(el, PointsLayer):
            out.extend(el.atlas_ids)
        for child in getattr(el, "_children", {}).values():
            walk(child)

    for el in items:
        walk(el)
    return out
