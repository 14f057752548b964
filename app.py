"""Jazari Atlas: entry point and router.

Run with ``streamlit run app.py``. Shared controls (language, filters) live here so they survive
page changes; each page is a file in ``pages/``.
"""

from pathlib import Path

import streamlit as st

from atlas.i18n import t
from pages import _layout, _serverfix
from pages._streamlit_mode import leave_legacy_pages_mode

ICON = Path(__file__).parent / "static" / "favicon.png"  # local: a Material icon would load a web font
st.set_page_config(page_title="Jazari Atlas", page_icon=str(ICON), layout="wide")
leave_legacy_pages_mode()
_serverfix.apply_once()

# The navigation first: the sidebar leaves out what the current page draws itself.
lang = _layout.current_lang()
# .streamlit/config.toml hides the legacy pages-folder menu; the menu of st.navigation is wanted.
st.set_option("client.showSidebarNavigation", True)
navigation = st.navigation(
    [
        st.Page("pages/map.py", title=t("nav.map", lang), icon=":material/map:", default=True),
        st.Page("pages/regions.py", title=t("nav.regions", lang), icon=":material/table_chart:", url_path="regions"),
        st.Page("pages/export.py", title=t("nav.export", lang), icon=":material/download:", url_path="export"),
        st.Page("pages/methods.py", title=t("nav.methods", lang), icon=":material/menu_book:", url_path="methods"),
    ]
)
st.session_state["_ctx"] = _layout.bootstrap(navigation.url_path)
navigation.run()
