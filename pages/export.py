"""Export page: every format of the current view (tables, briefs, standalone map), its preview and
its metadata and credits. The files are built by :mod:`atlas.exports` / :mod:`atlas.brief`; the PDF
only when asked (it takes about a second)."""

from __future__ import annotations

import streamlit as st

from atlas import exports, tables
from atlas.brief_pdf import FontNotFound
from atlas.i18n import LANG_NAMES, pick, t
from atlas.text import md_escape
from ui.downloads import app_base_url, deferred
from ui.layout import context
from ui.markdown import rtl_frame

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


def button(label_key: str, fmt: str, *, table: str = "regions", brief_code: str | None = None,
           help_key: str | None = None, bundle: bool = False) -> None:
    kind = exports.kind_of(fmt, table)
    st.download_button(
        t(label_key, lang),
        data=deferred(fmt, ds, view, code=brief_code, table=table, base_url=base, bundle=bundle),
        file_name=exports.filename(kind, view, brief_code, fmt, ds=ds, bundle=bundle),
        mime=exports.mime(fmt, bundle),
        key=f"export_{kind}_{fmt}",
        help=t(help_key or exports.REGISTRY[fmt].help_key, lang),
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )


def on_request(spec: exports.Format) -> None:
    """A slow format (``on_request``): a button builds the file, then a second one downloads it."""
    key = (ds.version, lang, code, view, spec.key)
    if st.button(t(f"export.page.{spec.key}_prepare", lang), key=f"export_{spec.key}_prepare",
                 icon=spec.icon, help=t(spec.help_key, lang), width="stretch"):
        with st.spinner(t(f"export.page.{spec.key}_building", lang)):
            try:
                data = exports.export_bytes(spec.key, ds, view, code=code, base_url=base)
                st.session_state[f"export_{spec.key}"] = (key, data)
            except FontNotFound as exc:
                st.session_state.pop(f"export_{spec.key}", None)
                st.error(t(f"export.page.{spec.key}_failed", lang, error=md_escape(exc)))
    ready = st.session_state.get(f"export_{spec.key}")
    if ready and ready[0] == key:
        st.download_button(
            t(spec.label_key, lang),
            data=ready[1],
            file_name=exports.filename(spec.kind, view, code, spec.key, ds=ds),
            mime=spec.mime,
            key=f"export_{spec.kind}_{spec.key}",
            icon=":material/download:",
            on_click="ignore",
            type="primary",
            width="stretch",
        )


CSV_LABELS = {"csv": "export.page.csv_std", "csv-fr": "export.page.csv_fr"}
by_kind = {kind: [f for f in exports.REGISTRY.values() if f.kind == kind and not f.tables]
           for kind in ("summary", "provinces", "brief", "map")}

st.subheader(t("export.page.tables", lang))
csv_fmt = st.radio(
    t("export.page.csv_format", lang), exports.CSV_FORMATS, format_func=lambda f: t(CSV_LABELS[f], lang),
    horizontal=True, key="export_csv_format",
) or "csv"
st.caption(t("export.page.csv_note", lang))
CSV_PER_ROW = 4  # more side by side would cut the buttons' labels short at 1440 px
for start in range(0, len(tables.TABLES), CSV_PER_ROW):
    for column, table_name in zip(st.columns(CSV_PER_ROW), tables.TABLES[start:start + CSV_PER_ROW], strict=False):
        with column:
            button(f"export.btn.csv_{table_name}", csv_fmt, table=table_name,
                   help_key=exports.REGISTRY[csv_fmt].help_key, bundle=True)
summary_formats = by_kind["summary"] + by_kind["provinces"]
for column, spec in zip(st.columns(len(summary_formats)), summary_formats, strict=True):
    with column:
        button(spec.label_key, spec.key)

st.subheader(t("export.page.briefs", lang))
for column, spec in zip(st.columns(len(by_kind["brief"])), by_kind["brief"], strict=True):
    with column:
        if spec.on_request:
            on_request(spec)
        else:
            button(spec.label_key, spec.key, brief_code=code)

st.subheader(t("export.page.map", lang))
for spec in by_kind["map"]:
    button(spec.label_key, spec.key)

st.subheader(t("export.page.preview", lang))
st.dataframe(rtl_frame(tables.regional_summary(ds, view), lang), hide_index=True, key="export_preview")

with st.expander(t("export.page.about", lang)):
    meta = tables.metadata(ds, view, base)
    lines = [f"- **{md_escape(label)}**: {md_escape(value)}" for label, value in tables.metadata_rows(meta, lang)]
    st.markdown("\n".join(lines))
