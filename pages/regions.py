"""Regions page: the 12 regions side by side, three charts, coverage and the claims check.

Layout only: tables, charts and texts come from :mod:`atlas.network`, :mod:`atlas.regionview`,
:mod:`atlas.scorecard` and :mod:`atlas.charts`.
"""

import streamlit as st

from atlas import charts, network
from atlas import regionview as rv
from atlas import scorecard as sc
from atlas.chart_text import chart_summary
from atlas.i18n import direction, pick, t
from atlas.present import UNIT_DECIMALS, region_name
from atlas.text import md_escape
from atlas.view import regions_in_view
from ui.downloads import render_downloads
from ui.layout import context
from ui.markdown import md_help, md_link
from ui.provinces import render_reach_comparison

ROW_PX = 35  # st.dataframe's row height: tables show all 12 regions without an inner scroll
# The table's number formats from the one unit -> decimals table (atlas.present.UNIT_DECIMALS).
NUMBER_FORMATS = {unit: "localized" if places == 0 else f"%.{places}f" for unit, places in UNIT_DECIMALS.items()}

CHARTS = {
    "talent": charts.talent_pool_chart,
    "scatter": charts.population_scatter,
    "rollout": charts.rollout_chart,
}
CHART_KEY = "chart_{}"
# The content of each chart's keyed container: the chart keeps its place in the right-to-left page.
CHART_LTR_CSS = ":is(" + ", ".join(f".st-key-{CHART_KEY.format(name)}" for name in CHARTS) + ") > * { direction: ltr; }"


@st.cache_resource(show_spinner=False, max_entries=64)
def build_chart(_ds, version: str, data_dir: str, name: str, lang: str, highlight: tuple[str, ...]):
    """A chart, built once per dataset version, language and highlight (Altair validation is slow)."""
    return CHARTS[name](_ds, lang, highlight)


ctx = context()
ds, lang, view = ctx.ds, ctx.lang, ctx.view

if direction(lang) == "rtl":
    # Vega draws its SVG text by the CSS direction: in an RTL page axis labels and legends would
    # slide over the marks. Arabic labels still read right to left inside an LTR chart.
    st.html(f"<style>{CHART_LTR_CSS}</style>")  # style only: no room taken, no Markdown (see ui/layout.py)

st.title(t("regions.title", lang))
st.caption(t("regions.intro", lang))

table = network.comparison_table(ds, lang)
shown = network.filter_comparison(ds, table, view)
highlight = tuple(shown["code"]) if view.is_filtered else ()
if view.is_filtered:
    st.info(t("regions.filtered", lang, shown=len(shown), total=len(table)), icon=":material/filter_alt:")

# --- national picture ---------------------------------------------------------------------------
picture = network.national_picture(ds, lang)
cols = st.columns(4)
cols[0].metric(t("panel.metric_covered", lang), f"{picture.covered} / {picture.total_regions}")
cols[1].metric(t("panel.metric_none", lang), f"{len(picture.uncovered)} / {picture.total_regions}")
cols[2].metric(t("regions.metric_institutes", lang), str(picture.institutes), help=picture.kind_line)
cols[3].metric(t("regions.metric_flagged", lang), f"{picture.flagged_regions} / {picture.total_regions}",
               help=md_escape(picture.flagged_line))

# --- comparison table ---------------------------------------------------------------------------
st.header(t("regions.table_title", lang))
st.caption(t("regions.table_help", lang))
config = {
    "institutes": st.column_config.TextColumn(t("chart.institutes", lang)),
    "kind": st.column_config.TextColumn(t("regions.col.kind", lang)),
    "commentary": st.column_config.TextColumn(
        t("panel.spec_commentary", lang), help=t("regions.col.commentary_help", lang)
    ),
    "focus": st.column_config.TextColumn(t("panel.spec_conventions", lang), help=t("regions.col.focus_help", lang)),
    "status": st.column_config.TextColumn(t("table.status", lang)),
    "date": st.column_config.TextColumn(t("chart.date", lang), help=t("regions.col.date_help", lang)),
    "confidence": st.column_config.TextColumn(t("filter.confidence", lang)),
    "flag_count": st.column_config.NumberColumn(
        t("regions.col.flag_count", lang), help=t("regions.col.flags_help", lang)
    ),
    "flags": st.column_config.TextColumn(t("regions.col.flags", lang), help=t("regions.col.flags_help", lang)),
}
for key, defn in ds.figure_defs.iterrows():
    line = rv.figure_line(ds, str(key), None, lang)
    config[str(key)] = st.column_config.NumberColumn(
        pick(defn, "label", lang) + (" (%)" if defn["unit"] == "percent" else ""),
        help=md_help(line.help), format=NUMBER_FORMATS.get(str(defn["unit"]), "localized"),
    )
# accountability: published answers out of the questions asked, per region (sortable, a number)
counts = {str(c): sc.region_scorecard_count(ds, str(c), lang) for c in shown["code"]}
shown = shown.assign(
    acc_published=[counts[str(c)][0] if counts[str(c)][1] else None for c in shown["code"]],
    acc_total=[counts[str(c)][1] or None for c in shown["code"]],
)
totals = {n for _, n, _ in counts.values() if n}
acc_help = t("regions.col.acc_help", lang)
if len(totals) <= 1:  # every institute answers the same questions: "1 of 7" in one column
    acc_format = t("regions.col.acc_format", lang, total=next(iter(totals), 0)) if totals else "%d"
    shown = shown.drop(columns="acc_total")
else:
    acc_format = "%d"
    config["acc_total"] = st.column_config.NumberColumn(t("regions.col.acc_total", lang), help=acc_help, format="%d")
after = list(shown.columns).index("confidence") + 1
acc_cols = [c for c in ("acc_published", "acc_total") if c in shown.columns]
shown = shown[[*list(shown.columns)[:after], *acc_cols, *[c for c in list(shown.columns)[after:] if c not in acc_cols]]]
config["acc_published"] = st.column_config.NumberColumn(
    t("regions.col.acc_published", lang), help=acc_help, format=acc_format
)
config["code"] = st.column_config.TextColumn(
    t("regions.col.code", lang), help=t("regions.col.code_help", lang), width="small", pinned=True
)
config["region"] = st.column_config.TextColumn(t("chart.region", lang), pinned=True)
st.dataframe(shown, column_config=config, hide_index=True, key="regions_table", height=ROW_PX * (len(shown) + 1) + 3)
render_downloads(ctx, "regions")

# --- charts -------------------------------------------------------------------------------------
st.header(t("regions.charts_title", lang))
if highlight:
    st.caption(t("regions.charts_highlight", lang))
for name in CHARTS:
    summary = chart_summary(ds, name, lang)  # the chart's text alternative, with its key numbers
    chart = build_chart(ds, ds.version, str(ds.data_dir), name, lang, highlight).properties(description=summary)
    with st.container(key=CHART_KEY.format(name)):  # the key's class: left to right in Arabic (CHART_LTR_CSS)
        st.altair_chart(chart, width="content")
    st.caption(md_escape(summary))

render_reach_comparison(ctx)

# --- coverage -----------------------------------------------------------------------------------
st.header(t("regions.coverage_title", lang))
coverage = network.coverage_by_status(ds)
cols = st.columns(len(coverage))
for col, (status, row) in zip(cols, coverage.iterrows(), strict=True):
    names = t("panel.list_sep", lang).join(region_name(ds, c, lang) for c in row["codes"])
    col.metric(charts.status_label(str(status), lang), int(row["count"]), help=md_escape(names) or None)
st.caption(t("regions.coverage_note", lang, total=int(coverage["count"].sum())))

st.subheader(t("regions.matrix_title", lang))
st.caption(t("regions.matrix_legend", lang))
matrix = network.specialisation_matrix(ds)
display = network.matrix_display(ds, lang, regions_in_view(ds, view) if view.is_filtered else None,
                            list(view.specialisations))
st.dataframe(
    display, key="regions_matrix", height=ROW_PX * (len(display) + 1) + 3,
    column_config={col: st.column_config.TextColumn(col, width="small", help=col) for col in display.columns},
)
gaps = network.matrix_gaps(matrix)
overlaps = network.matrix_overlaps(matrix)
sep = t("panel.list_sep", lang)
st.markdown(
    "- " + t("regions.matrix_gaps", lang, count=len(gaps),
             names=md_escape(sep.join(region_name(ds, c, lang) for c in gaps)))
)
for spec, codes in overlaps.items():
    st.markdown(
        "- " + t("regions.matrix_overlap", lang, spec=md_escape(pick(ds.specialisations.loc[spec], "label", lang)),
                 count=len(codes), names=md_escape(sep.join(region_name(ds, c, lang) for c in codes)))
    )

# --- claims check -------------------------------------------------------------------------------
st.header(t("regions.claims_title", lang))
claims = network.claims_table(ds, lang)
st.caption(network.claims_intro(claims, lang))
for claim in claims.itertuples(index=False):
    with st.container(border=True, key=f"claim_{claim.key}"):
        st.badge(claim.status_label, color=network.CLAIM_COLOURS.get(claim.status, "gray"))
        st.markdown(f"**{t('regions.claim_label', lang)}** {md_escape(claim.claim)}")
        st.markdown(f"**{t('regions.finding_label', lang)}** {md_escape(claim.finding)}")
        if claim.sources:
            links = t("panel.list_sep", lang).join(md_link(pub, url) for pub, url in claim.sources)
            st.caption(f"{t('regions.claim_sources', lang)} {links}")
        else:
            st.caption(t("panel.no_source", lang))
