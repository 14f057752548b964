"""Export page: every format of the current view (tables, briefs, standalone map), its preview and
its metadata and credits. The files are built by :mod:`atlas.exports` / :mod:`atlas.brief`; the PDF
only when asked (it takes about a second)."""

from __future__ import annotations

import streamlit as st

from atlas import exports, tables
from atlas.brief_pdf import FontNotFound, to_pdf_brief
from atlas.i18n import LANG_NAMES, pick, t
from atlas.text import md_escape
from pages._downloads import app_base_url, deferred
from pages._layout import context
from pages._panels import rtl_frame

ctx = context()
ds, lang = ctx.ds, ctx.lang
base = app_base_url()

st.title(t("export.page.title", lang))
st.write(t("export.page.intro", lang))

codes = ["", *ds.regions.index]


def region_label(c: str) -> str:
    return f"{c} · {pick(ds.regions.loc[c], 'name', lang)}" if c else t("export.page.all_regions", lang)


selected = ctx.view.selected if ctx.view.selected in ds.regions.index else ""
code = st.selectbox(
    t("export.page.region", lang),
    codes,
    index=codes.index(selected),
    format_func=region_label,
    key=f"export_region_{selected or 'all'}",  # a new selection on the map becomes the new default
) or None
view = ctx.view.with_(regions=(code,)) if code else ctx.view

st.caption(t("export.page.language_note", lang, language=LANG_NAMES[lang]))
st.caption(t("export.page.filters_note", lang, filters=md_escape(tables.filters_text(ds, view))))


def button(label_key: str, fmt: str, kind: str, *, table: str = "regions", brief_code: str | None = None,
           help_key: str | None = None, bundle: bool = False) -> None:
    st.download_button(
        t(label_key, lang),
        data=deferred(fmt, ds, view, code=brief_code, table=table, base_url=base, bundle=bundle),
        file_name=exports.filename(kind, view, brief_code, fmt, ds=ds, bundle=bundle),
        mime=exports.mime(fmt, bundle),
        key=f"export_{kind}_{fmt}",
        help=t(help_key or f"export.help.{fmt}", lang),
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )


CSV_LABELS = {"csv": "export.page.csv_std", "csv-fr": "export.page.csv_fr"}
CSV_TABLES = {"regions": "summary", "institutes": "institutes", "sources": "sources",
              "accountability": "accountability"}

st.subheader(t("export.page.tables", lang))
csv_fmt = st.radio(
    t("export.page.csv_format", lang), exports.CSV_FORMATS, format_func=lambda f: t(CSV_LABELS[f], lang),
    horizontal=True, key="export_csv_format",
) or "csv"
st.caption(t("export.page.csv_note", lang))
row1 = st.columns(len(CSV_TABLES))
for column, (table_name, kind) in zip(row1, CSV_TABLES.items(), strict=True):
    with column:
        button(f"export.btn.csv_{table_name}", csv_fmt, kind,
               table=table_name, help_key="export.help.csv_fr" if csv_fmt == "csv-fr" else "export.help.csv",
               bundle=True)
row2 = st.columns(3)
with row2[0]:
    button("export.btn.xlsx", "xlsx", "summary")
with row2[1]:
    button("export.btn.json", "json", "summary")
with row2[2]:
    button("export.btn.geojson", "geojson", "summary")

st.subheader(t("export.page.briefs", lang))
left, right = st.columns(2)
with left:
    button("export.btn.md", "md", "brief", brief_code=code)
with right:
    pdf_key = (ds.version, lang, code, view)
    if st.button(t("export.page.pdf_prepare", lang), key="export_pdf_prepare", icon=":material/picture_as_pdf:",
                 help=t("export.help.pdf", lang), width="stretch"):
        with st.spinner(t("export.page.pdf_building", lang)):
            try:
                st.session_state["export_pdf"] = (pdf_key, to_pdf_brief(ds, view, code, base_url=base))
            except FontNotFound as exc:
                st.session_state.pop("export_pdf", None)
                st.error(t("export.page.pdf_failed", lang, error=md_escape(exc)))
    ready = st.session_state.get("export_pdf")
    if ready and ready[0] == pdf_key:
        st.download_button(
            t("export.btn.pdf", lang),
            data=ready[1],
            file_name=exports.filename("brief", view, code, "pdf", ds=ds),
            mime=exports.MIME["pdf"],
            key="export_brief_pdf",
            icon=":material/download:",
            on_click="ignore",
            type="primary",
            width="stretch",
        )

st.subheader(t("export.page.map", lang))
button("export.btn.html", "html", "map")

st.subheader(t("export.page.preview", lang))
st.dataframe(rtl_frame(tables.regional_summary(ds, view), lang), hide_index=True, key="export_preview")

with st.expander(t("export.page.about", lang)):
    meta = tables.metadata(ds, view, base)
    lines = [f"- **{md_escape(label)}**: {md_escape(value)}" for label, value in tables.metadata_rows(meta, lang)]
    st.markdown("\n".join(lines))
