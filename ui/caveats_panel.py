"""The caveats panel beside the map: the commentary's points, each with what it says, the evidence
for the 12 regions or for the region selected, and our own reading apart.

Layout only: the panel is one HTML block made by :func:`atlas.caveats.panel_html` (every data text
escaped by its template), cached per data version, region and language. A caveat opens and closes in
the browser (``<details>``), with no rerun. Each caveat has a stable anchor (``#caveat-critical-mass``);
a page opened with such a link opens that caveat and scrolls to it (``caveat_anchor.js``, a constant
script with no data in it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from atlas import caveats

if TYPE_CHECKING:
    from ui.layout import Context

PANEL_KEY = "caveats_panel"
"""Key of the panel's container (its ``st-key-caveats_panel`` class styles it in ui/a11y.css)."""
ANCHOR_SCRIPT = Path(__file__).with_name("caveat_anchor.js")


@st.cache_data(show_spinner=False, max_entries=256)
def _panel_html(version: str, code: str | None, lang: str, _ds) -> str:  # type: ignore[no-untyped-def]
    return caveats.panel_html(_ds, code, lang)


@st.cache_data(show_spinner=False, max_entries=1)
def _anchor_script() -> str:
    # Streamlit's sanitiser drops a script whose text holds "<" followed by a letter: the file has none.
    return f"<script>{ANCHOR_SCRIPT.read_text(encoding='utf-8')}</script>"


def prepare(ds, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Fill the cache of the national panel before a visitor asks for it (the server's start-up)."""
    _panel_html(ds.version, None, lang, ds)


def render_caveats_panel(ctx: Context) -> None:
    """The panel for ``ctx.view.selected`` (the 12 regions when nothing is selected)."""
    ds, lang = ctx.ds, ctx.lang
    code = ctx.view.selected if ctx.view.selected in ds.regions.index else None
    with st.container(key=PANEL_KEY):
        st.html(_panel_html(ds.version, code, lang, ds))
        # The script is a file of this package, not data: it only opens the caveat the URL points to.
        st.html(_anchor_script(), unsafe_allow_javascript=True)
