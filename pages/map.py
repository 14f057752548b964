"""Home page: the institutes of the network (the map arrives with the map issue)."""

import streamlit as st

from atlas.i18n import pick, t
from atlas.view import apply_filters
from pages._layout import context

ctx = context()
ds, lang = ctx.ds, ctx.lang
st.title(t("app.title", lang))
st.caption(t("app.tagline", lang))
rows = apply_filters(ds, ctx.view)
st.dataframe(
    {
        t("table.name", lang): [pick(r, "name", lang) for _, r in rows.iterrows()],
        t("table.city", lang): [pick(r, "city", lang) for _, r in rows.iterrows()],
        t("table.status", lang): [t(f"status.{s}", lang) for s in rows["status"]],
    },
    hide_index=True,
)
