"""Jazari Atlas: entry point and router.

Run with ``streamlit run app.py``. Shared controls (language, filters) live here so they survive
page changes; each page is a file in ``pages/``.
"""

import streamlit as st

from atlas.i18n import t
from pages import _layout

st.set_page_config(page_title="Jazari Atlas", page_icon=":material/map:", layout="wide")

ctx = _layout.bootstrap()
st.session_state["_ctx"] = ctx
lang = ctx.lang

navigation = st.navigation(
    [
        st.Page("pages/map.py", title=t("nav.map", lang), icon=":material/map:", default=True),
        st.Page("pages/methods.py", title=t("nav.methods", lang), icon=":material/menu_book:", url_path="methods"),
    ]
)
navigation.run()
