"""Side panel beside the map: the selected region's card and caveats, or the national picture."""

from __future__ import annotations

import streamlit as st

from atlas.i18n import pick, t
from atlas.text import md_escape


def render_side_panel(ctx) -> None:
    """Region card + caveats for ``ctx.view.selected``; the national picture when nothing is selected."""
    ds, lang, code = ctx.ds, ctx.lang, ctx.view.selected
    with st.container(border=True):
        if code and code in ds.regions.index:
            st.subheader(pick(ds.regions.loc[code], "name", lang))
            inst = ds.institutes_in(code)
            if inst.empty:
                st.info(t("common.no_institute", lang))
            for _, row in inst.iterrows():
                status = t("status." + str(row["status"]), lang)
                st.markdown(f"**{md_escape(pick(row, 'name', lang))}** · {status}")
        else:
            st.subheader(t("panel.national_title", lang))
