"""Home page: the map of the institutes, the side panel, and the table of exactly what the map shows.

The map is ``st_folium``: its base (assets, view, labels) only changes with the language or the
tiles, and the filtered layers travel as ``feature_group_to_add``, so filtering swaps the layers in
the browser without reloading the map or sending it back to its start view. Only clicks come back
(``returned_objects``): panning and zooming never rerun this script. A click on a region or a
marker selects that region.

Speed (see docs/performance.md): the map is drawn before the side panel and the table, and on a
session's first run the browser gets a moment to draw it before they come
(:func:`_let_the_map_paint_first`); the map's parts are cached in :mod:`atlas.mapview` per data
version, the filtered set per view; the server's sockets send small responses at once
(``atlas.serverfix``, applied by ``app.py``).
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

import streamlit as st
import streamlit_folium

from atlas import assets, config, mapview
from atlas.i18n import pick, t
from atlas.text import md_escape
from atlas.view import apply_filters, query_specialisations
from pages._layout import context, select_region, sync_url
from pages._panels import rtl_frame

MAP_HEIGHT = 600
RETURNED = ["last_object_clicked", "last_active_drawing"]
# Seconds the first run of a session in a browser waits between the map and the side panel (0: never).
# (A comment, not a string: Streamlit's "magic" would print a bare string of a page script.)
FIRST_PAINT_PAUSE_S = float(os.environ.get("ATLAS_FIRST_PAINT_PAUSE", "0.45"))


def _let_the_map_paint_first() -> None:
    """On a session's first view of this page in a browser, pause before the side panel and the table.

    Streamlit sends the map's message at once (the pause holds no lock and uses no CPU), and the
    browser creates the map's frame, loads Leaflet and draws the markers before it gets busy with the
    side panel's Markdown and the table's ~1.5 MB of data-grid code; without the pause those come in
    the same instant and the markers wait for them. Measured on a 2-core machine: markers about
    0.45 s sooner, the table (below the fold) about 0.2 s later (docs/performance.md). Skipped in
    AppTest (no browser, no request headers). ``ATLAS_FIRST_PAINT_PAUSE`` sets the seconds.
    """
    if FIRST_PAINT_PAUSE_S <= 0 or st.session_state.get("map_first_paint"):
        return
    st.session_state["map_first_paint"] = True
    try:
        in_browser = bool(st.context.headers)
    except Exception:  # noqa: BLE001 - no request context
        in_browser = False
    if in_browser:
        time.sleep(FIRST_PAINT_PAUSE_S)


@st.cache_data(show_spinner=False, max_entries=256)
def _shown_ids(version: str, filters: tuple, _ds, _view) -> list[str]:
    """Ids of the institutes passing the view's filters, cached per data version and filters."""
    return [str(i) for i in apply_filters(_ds, _view).index]


ctx = context()
ds, view, lang = ctx.ds, ctx.view, ctx.lang

try:
    assets.ensure_static_assets()
except (OSError, ImportError) as exc:  # the map cannot draw without Leaflet: say why
    st.error(t("map.assets_missing", lang, detail=str(exc)))

st.title(t("app.title", lang))
st.caption(t("app.tagline", lang))
st.markdown(t("map.intro", lang))

tiles = config.tiles_setting()
if tiles.problem:
    st.warning(t("map.tiles_problem", lang, detail=tiles.problem))

filters = (view.specialisations, view.regions, view.statuses, view.confidences, view.query)
shown = ds.institutes.loc[_shown_ids(ds.version, filters, ds, view)]
if shown.empty:
    st.info(t("map.no_match", lang))

base_path = str(st.get_option("server.baseUrlPath") or "").strip("/")
static_url = (f"/{base_path}" if base_path else "") + assets.STATIC_URL

if view.query:
    named = query_specialisations(ds, view.query, lang)
    if named:
        labels = t("panel.list_sep", lang).join(pick(ds.specialisations.loc[k], "label", lang) for k in named)
        st.caption(t("panel.query_specialisation", lang, query=md_escape(view.query), labels=md_escape(labels)))

# The map at full width; the region card (or the national picture) below it at full width, so card,
# figures and caveats read as one view (and on a phone the card follows the map).
with st.container():
    result = streamlit_folium.st_folium(
        mapview.base_map(ds, lang, tiles=tiles, static_url=static_url),
        key="atlas_map",
        feature_group_to_add=mapview.map_layers(ds, view, shown, with_tiles=bool(tiles.url)),
        returned_objects=RETURNED,
        use_container_width=True,
        height=MAP_HEIGHT,
    )
    hit = mapview.region_from_click(result, ds)
    if hit is not None and hit[1] != st.session_state.get("map_last_click"):
        st.session_state["map_last_click"] = hit[1]  # st_folium keeps returning the last click
        if hit[0] != view.selected:
            # Select it for this run too (the panel is drawn below), without a second script run.
            select_region(hit[0])
            view = view.with_(selected=hit[0])
            ctx = replace(ctx, view=view)
            st.session_state["_ctx"] = ctx
            sync_url(view)

_let_the_map_paint_first()

from pages._panels import render_side_panel  # noqa: E402

render_side_panel(ctx, shown)

st.subheader(t("map.table.title", lang))
st.caption(t("map.table.caption", lang, shown=len(shown), total=len(ds.institutes)))
st.dataframe(rtl_frame(mapview.table_frame(ds, shown, lang), lang), hide_index=True)

from pages._downloads import render_downloads  # noqa: E402

render_downloads(ctx, "map")
