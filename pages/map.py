"""Home page: the map of the institutes with the commentary's caveats beside it, the region card below,
and the table of exactly what the map shows.

The map is ``st_folium``: its base (assets, view, labels) only changes with the language or the
tiles, and the filtered layers travel as ``feature_group_to_add``, so filtering swaps the layers in
the browser without reloading the map or sending it back to its start view. Only clicks come back
(``returned_objects``): panning and zooming never rerun this script. A click on a region or a
marker selects that region.

The toolbar above the map (lens, specialisation), the map and the caveats panel beside it, the region
card, the table and the downloads are one fragment (``_view_part``): a change there reruns that part
only, so the browser redraws the map without re-rendering the sidebar and the title first.

Speed (see docs/performance.md): the selected region's provinces (a hidden element the map draws
them from) come first, before the map, the map before the panels and the table, and the
table is plain HTML (the data grid's code would hold the map back on a first load); the map's
parts are cached in :mod:`atlas.mapview` per data version, the filtered set per view. The layers are
new objects on every run: folium changes a layer while streamlit-folium turns it into script.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
import streamlit_folium

from atlas import assets, config, mapview
from atlas.i18n import pick, t
from atlas.text import md_escape
from atlas.view import apply_filters, query_specialisations, rows_by_ids
from ui import layout
from ui.caveats_panel import render_caveats_panel
from ui.downloads import render_downloads
from ui.layout import context, select_region, sync_url
from ui.panels import render_side_panel
from ui.provinces import render_province_data

MAP_HEIGHT = 600
MAP_ROW = "map_row"  # the row of the map and the caveats panel (styled in ui/a11y.css)
PROVINCE_DATA = "province_data"  # the hidden place of the selected region's provinces (ui/a11y.css)
RETURNED = ["last_object_clicked", "last_active_drawing"]


@st.cache_data(show_spinner=False, max_entries=256)
def _shown_ids(version: str, filter_key: tuple, _ds, _view) -> list[str]:
    """Ids of the institutes passing the view's filters, cached per data version and ``View.filter_key``."""
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
    st.warning(t("map.tiles_problem", lang, detail=md_escape(tiles.problem)))

static_url = assets.under_base(st.get_option("server.baseUrlPath"), assets.STATIC_URL)

if view.query:
    named = query_specialisations(ds, view.query, lang)
    if named:
        labels = t("panel.list_sep", lang).join(pick(ds.specialisations.loc[k], "label", lang) for k in named)
        st.caption(t("panel.query_specialisation", lang, query=md_escape(view.query), labels=md_escape(labels)))


@st.fragment
def _view_part(tiles: config.Tiles, static_url: str) -> None:
    """The toolbar (lens, specialisation), the map and the caveats beside it, the card below, the table
    and the downloads: everything the toolbar and a click on the map change. A fragment, so such a change reruns this
    part alone: the sidebar and the title are not sent again, and the map is the first thing the
    browser redraws (docs/performance.md). The sidebar's filters rerun the whole page."""
    ctx = st.session_state["_ctx"]  # this run's (app.py), or the last full run's on a fragment rerun
    ds, lang = ctx.ds, ctx.lang
    view = layout.toolbar_view(lang)
    changed = view != ctx.view
    if changed:
        ctx = replace(ctx, view=view)
        st.session_state["_ctx"] = ctx
    # The selected region's provinces, for the map to draw (hidden: ui/a11y.css). The first thing this
    # part sends, so the browser has them before anything else of a rerun. A region picked by a click on
    # the map comes after them, in the place left for it, and the map draws the last: what the page had
    # stays until it is replaced.
    with st.container(key=PROVINCE_DATA):
        render_province_data(ctx, view.selected)
        picked_provinces = st.empty()
    # The toolbar's place comes next and the map is drawn before the toolbar: on a first visit the
    # browser then starts the map's frame without waiting for the pills' code (docs/performance.md).
    toolbar = layout.map_toolbar_slot()
    if changed:
        sync_url(view)
    shown = rows_by_ids(ds.institutes, _shown_ids(ds.version, view.filter_key, ds, view))
    if shown.empty:
        st.info(t("map.no_match", lang))

    # One row: the map and, beside it, the caveats panel (ui/a11y.css: side by side on a wide screen,
    # the panel after the map on a narrow one, mirrored in Arabic). The panel's place is taken after
    # the map's, and filled once the click is read, so the map is drawn first and the panel follows it.
    with st.container(horizontal=True, gap="small", key=MAP_ROW):
        with st.container(key="map_col"):
            result = streamlit_folium.st_folium(
                mapview.base_map(ds, lang, tiles=tiles, static_url=static_url),
                key="atlas_map",
                feature_group_to_add=mapview.map_layers(ds, view, shown, with_tiles=bool(tiles.url)),
                returned_objects=RETURNED,
                use_container_width=True,
                height=MAP_HEIGHT,
                render=False,  # st_folium renders the map itself; the whole HTML page would be thrown away
            )
        beside = st.container(key="caveats_col")
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
            with picked_provinces:  # a card opened on the map stays where it is: no move
                render_province_data(ctx, view.selected, keep_view=mapview.clicked_institute(result) is not None)

    with toolbar:
        layout.map_toolbar(ds, lang)
    with beside:
        render_caveats_panel(ctx)

    # Below the row, at full width: the region picker, the region card or the national picture.
    render_side_panel(ctx, shown)

    st.subheader(t("map.table.title", lang), anchor=mapview.TABLE_ANCHOR)  # the map's frame points here
    st.html(mapview.table_html(mapview.table_frame(ds, shown, lang), lang, total=len(ds.institutes)))

    render_downloads(ctx, "map", menu=True)


_view_part(tiles, static_url)
