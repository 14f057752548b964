"""The server: ``app.py`` as a Streamlit ASGI app, with what must happen once when it starts.

Run with ``streamlit run serve.py`` (what ``scripts/start.sh``, the container and the tests do);
``streamlit run app.py`` still works, without the first-visitor parts below.

- Pre-load on start-up (``lifespan``, Streamlit's public ``st.App`` hook): the heavy imports, the
  validated dataset (the same ``st.cache_resource`` the pages read) and the default view's map and
  table, so the first visitor after a deploy or a replica restart does not pay for them; and
  Streamlit's once-per-process check of the first element drawn, already made
  (``ui/streamlit_mode.py``).
- The pre-loaded objects left out of Python's garbage collector (``freeze_preloaded``, after the
  pre-load): the dataset, the map parts and the imported modules live as long as the server, yet a
  full collection walks every one of them (``bench/gc_pause.py``), and while it runs no page is sent.
  Frozen, they are skipped; what sessions create later is collected as before.
- Browser caching of the map's files (``StaticCacheHeaders``): Leaflet, the icon font and the
  favicon under ``/app/static`` are the installed packages' files and never change while a server
  runs, so browsers keep them for a day instead of asking again on every visit.
"""

from __future__ import annotations

import gc
import time
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit.logger import get_logger

from atlas.assets import STATIC_URL, under_base

REPO = Path(__file__).resolve().parent
STATIC_MAX_AGE_S = 86_400

log = get_logger("jazari_atlas.serve")


def _served(path: str) -> str:
    """``path`` under the app's ``server.baseUrlPath`` (read per request: it is known once the
    configuration is loaded, after this module is imported)."""
    return under_base(st.get_option("server.baseUrlPath"), path)


def preload() -> float:
    """Imports, dataset and the default view's map parts, as the first page run needs them; seconds."""
    start = time.perf_counter()
    # Not streamlit_folium: Streamlit 1.67 registers a component only when it is declared inside a
    # script run, and a module is imported once, so importing it here leaves its frame a 404. The
    # page script imports it on the first run, as usual (folium.plugins below is most of the cost).
    import altair  # noqa: F401 - the regions page's charts
    import folium.plugins  # noqa: F401 - most of what importing streamlit_folium costs

    from atlas import assets, config, exports, mapview  # noqa: F401 - exports: the download buttons
    from atlas.i18n import LANGS
    from atlas.view import View, apply_filters
    from ui import layout, panels

    ds, _problems, _data_dir = layout.load_dataset()
    if ds is not None:
        assets.ensure_static_assets()
        tiles = config.tiles_setting()
        for lang in LANGS:
            view = View(lang=lang)
            shown = apply_filters(ds, view)
            mapview.base_map(ds, lang, tiles=tiles).get_root().render()
            mapview.map_layers(ds, view, shown, with_tiles=bool(tiles.url))  # fills mapview's cache of their parts
            mapview.table_html(mapview.table_frame(ds, shown, lang), lang, total=len(ds.institutes))  # + its template
            panels.prepare_national_panel(ds, lang, shown)  # the panel below the map
    return time.perf_counter() - start


def freeze_preloaded() -> int:
    """Collect once, then move every object tracked so far to the collector's permanent generation
    (``gc.freeze``), so later collections no longer walk them; returns how many were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@asynccontextmanager
async def lifespan(_app):
    from ui.streamlit_mode import run_first_element_check

    seconds = preload()
    run_first_element_check()  # after the pre-load's imports: the stack walk is then what a run meets
    frozen = freeze_preloaded()
    log.info("pre-loaded the dataset and the default map in %.2f s; %d objects frozen", seconds, frozen)
    yield {"preload_s": seconds, "frozen": frozen}


class StaticCacheHeaders:
    """ASGI middleware: ``Cache-Control`` on the files Streamlit serves under ``/app/static``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope.get("path", "").startswith(_served(STATIC_URL + "/")):
            await self.app(scope, receive, send)
            return

        async def send_with_cache(message):
            if message["type"] == "http.response.start" and message.get("status") == 200:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                headers.append((b"cache-control", f"public, max-age={STATIC_MAX_AGE_S}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cache)


app = st.App(
    REPO / "app.py",
    lifespan=lifespan,
    middleware=[Middleware(StaticCacheHeaders)],
)
