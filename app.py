"""Jazari Atlas: entry point and router.

Run with ``streamlit run serve.py`` (or ``streamlit run app.py``). Shared controls (language,
filters) are drawn here so they survive page changes; each page is a file of ``pages/``, listed in
:mod:`ui.navigation`.
"""

from pathlib import Path

import streamlit as st

from atlas.i18n import t
from ui import layout
from ui.navigation import HOME, PAGES
from ui.streamlit_mode import leave_legacy_pages_mode

ICON = Path(__file__).parent / "static" / "favicon.png"  # local: a Material icon would load a web font
st.set_page_config(page_title="Jazari Atlas", page_icon=str(ICON), layout="wide")
leave_legacy_pages_mode()

# The navigation first: the sidebar leaves out what the current page draws itself.
lang = layout.current_lang()
# .streamlit/config.toml hides the legacy pages-folder menu; the menu of st.navigation is wanted.
st.set_option("client.showSidebarNavigation", True)
navigation = st.navigation([
    st.Page(p.path, title=t(p.title_key, lang), icon=p.icon, default=p is HOME,
            **({"url_path": p.url_path} if p.url_path else {}))
    for p in PAGES
])
with st.container(key="page"):  # ui/a11y.css styles the page through this key's class
    st.session_state["_ctx"] = layout.bootstrap(navigation.url_path)
    navigation.run()
