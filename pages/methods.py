"""Sources and methods: where every fact and figure comes from, and the credits."""

import pandas as pd
import streamlit as st

from atlas import provenance
from atlas.checked import dataset_checked_text
from atlas.i18n import pick, t
from atlas.present import status_definitions
from atlas.text import md_escape
from ui.layout import context
from ui.markdown import flag_rule_md, rtl_frame

ctx = context()
ds, lang = ctx.ds, ctx.lang

st.title(t("methods.title", lang))
st.write(t("methods.intro", lang))
if len(ds.institutes):
    st.caption(t("methods.version", lang, version=ds.version, checked=dataset_checked_text(ds, lang)))
else:  # an empty network is a valid dataset
    st.caption(t("methods.version_no_institute", lang, version=ds.version))

link = st.column_config.LinkColumn
st.header(t("methods.sources", lang))
st.caption(t("methods.sources_help", lang, count=len(ds.sources)))
if provenance.english_only_notes(ds, lang):
    st.caption(t("panel.english_only", lang))
sources = provenance.sources_table(ds, lang)
st.dataframe(rtl_frame(sources, lang), hide_index=True, column_config={t("prov.col.url", lang): link()},
             key="methods_sources")

st.header(t("methods.statuses", lang))
st.markdown("\n".join(f"- {md_escape(line)}" for line in status_definitions(lang)))
st.write(t("methods.statuses_body", lang))

st.header(t("methods.figures", lang))
figures = provenance.figures_table(ds, lang).drop(columns="key")
st.dataframe(rtl_frame(figures, lang), hide_index=True, column_config={t("prov.col.url", lang): link()},
             key="methods_figures")

st.header(t("methods.flags", lang))
st.caption(t("methods.flags_help", lang))
for _, rule in ds.flag_rules.iterrows():
    st.markdown(flag_rule_md(pick(rule, "label", lang), pick(rule, "rule", lang), pick(rule, "reading", lang), lang))

st.header(t("methods.geometry", lang))
st.write(t("methods.geometry_body", lang))
geometry = provenance.geometry_table(ds, lang)
approx = geometry[geometry["approximate"]]
if len(approx):
    names = ", ".join(map(md_escape, approx[t("prov.col.region", lang)]))
    st.warning(t("methods.geometry_warning", lang, regions=names))
st.dataframe(
    rtl_frame(geometry.drop(columns=["code", "approximate"]), lang), hide_index=True,
    column_config={t("prov.col.url", lang): link()}, key="methods_geometry",
)
st.write(t("methods.provinces_body", lang))

st.header(t("methods.credits", lang))
credits = pd.DataFrame(
    [
        {
            t("methods.col.name", lang): c.name,
            t("methods.col.role", lang): t(c.role_key, lang),
            t("methods.col.licence", lang): c.licence,
            t("prov.col.url", lang): c.url,
        }
        for c in provenance.CREDITS
    ]
)
st.dataframe(rtl_frame(credits, lang), hide_index=True, column_config={t("prov.col.url", lang): link()},
             key="methods_credits")
st.write(t("methods.credit_commentary", lang))

st.header(t("methods.update", lang))
st.write(t("methods.update_body", lang))
