"""Where the region's talent lives (the region card's province section) and the within-reach
comparison of the regions page. Layout only: the content comes from :mod:`atlas.provinceview`,
:mod:`atlas.reach` and :mod:`atlas.mapview.provinces`; data text is escaped before it reaches Markdown
(:func:`atlas.text.md_escape`) or HTML (:func:`atlas.text.h`, in ``province_table_html``).

:func:`render_province_data` places the hidden element that carries the map's province layer
(``data-atlas-provinces``, :func:`atlas.mapview.provinces.carrier_html`): the map draws the selected
region's provinces from it, so they are sent for the selected region only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from atlas import charts, reachview
from atlas.i18n import t
from atlas.mapview import provinces as mp
from atlas.provinceview import RegionProvinces, region_provinces
from atlas.text import md_escape

if TYPE_CHECKING:
    from ui.layout import Context


@st.cache_data(show_spinner=False, max_entries=256)
def _carriers(version: str, code: str, lang: str, figure: str, _ds: Any) -> tuple[str, str]:
    """The two carriers of the map's province data for region ``code``
    (:func:`~atlas.mapview.provinces.carrier_html`: the view moves, the view stays), per data version,
    language and figure: the data is built once, and no run escapes it again."""
    layer = mp.layer_json(mp.layer_data(_ds, code, lang, figure))
    return mp.carrier_html(layer), mp.carrier_html(layer, keep_view=True)


@st.cache_resource(show_spinner=False, max_entries=256)
def _section(version: str, code: str, lang: str, _ds: Any) -> tuple[RegionProvinces | None, str]:
    """The region's provinces and their table, per data version and language (shared, not copied on
    every run: both are read only)."""
    rp = region_provinces(_ds, code, lang)
    if rp is None:
        return None, ""
    return rp, mp.province_table_html(rp)


def render_province_data(ctx: Context, code: str | None, keep_view: bool = False) -> None:
    """The hidden element the map draws region ``code``'s provinces from (nothing when ``code`` is
    None, is not a region, or has no provinces), coloured by the view's figure. ``keep_view``: the
    region was just picked by opening an institute's card, and the map does not move."""
    ds = ctx.ds
    if code is None or code not in ds.regions.index:
        return
    html = _carriers(ds.version, code, ctx.lang, mp.province_figure(ds, ctx.view.figure), ds)[keep_view]
    if html:
        st.html(html)


def render_provinces(ctx: Context, code: str) -> None:
    """The region card's section "Where the region's talent lives": one summary sentence, the
    province table (the province map's text alternative) and each institute's within-reach figures."""
    ds, lang = ctx.ds, ctx.lang
    rp, table = _section(ds.version, code, lang, ds)
    if rp is None:
        return
    with st.container(key="provinces_section"):
        st.markdown(f"#### {t('prov.title', lang)}")
        st.markdown(md_escape(rp.summary))
        st.html(table)
        for line in rp.reach:  # one column per radius, the method folded: the card stays short
            st.markdown(f"**{t('prov.reach.title', lang)} · {md_escape(line.institute)}**")
            for column, sentence in zip(st.columns(len(line.sentences)), line.sentences, strict=True):
                column.markdown(md_escape(sentence))
        with st.expander(t("prov.method", lang), icon=":material/info:"):
            st.caption(md_escape(rp.note))
            if rp.reach:
                st.caption(md_escape(rp.reach_note))


@st.cache_resource(show_spinner=False, max_entries=16)
def _reach_chart(version: str, lang: str, _ds: Any):  # type: ignore[no-untyped-def]
    return charts.reach_chart(_ds, lang)


def render_reach_comparison(ctx: Context) -> None:
    """The regions page's comparison of every institute's within-reach figures: a table and a chart."""
    ds, lang = ctx.ds, ctx.lang
    if ds.provinces is None or ds.institutes.empty:
        return
    st.header(t("reach.title", lang))
    st.caption(t("reach.intro", lang))
    st.html(reachview.comparison_html(ds, lang))
    summary = reachview.chart_summary(ds, lang)
    st.altair_chart(_reach_chart(ds.version, lang, ds).properties(description=summary), width="content")
    st.caption(md_escape(summary))
    st.caption(md_escape(t("prov.reach.note", lang)))
