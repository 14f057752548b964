"""The card below the map: the region picker, then the selected region's card (institutes with their
scorecard, census figures, flags) or the national picture. The caveats beside the map are
:mod:`ui.caveats_panel`.

Layout and widgets only; what is shown comes from :mod:`atlas.regionview`, :mod:`atlas.network` and
:mod:`atlas.scorecard`. Data text is escaped
with :func:`atlas.text.md_escape` before it reaches Streamlit Markdown.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import streamlit as st

from atlas import network
from atlas import regionview as rv
from atlas.i18n import LANGS, t
from atlas.present import region_name
from atlas.scorecard import Scorecard, ScoreLine
from atlas.text import md_escape
from ui import caveats_panel
from ui.markdown import flag_rule_md, md_link, sources_inline, sources_md
from ui.provinces import render_provinces

if TYPE_CHECKING:
    from ui.layout import Context

PICK_KEY = "panel_pick"
CONFIDENCE_COLOURS = {"confirmed": "green", "medium": "orange", "weak": "red"}


# --- the panel's content, cached per data version (pure functions of the data below) ---------------
# The card is drawn on every run of the map page (a filter change, a click): cached, its figures and
# flags are not recomputed each time (docs/performance.md). The data's content hash is the key, so new
# data is never served stale.


@st.cache_data(show_spinner=False, max_entries=256)
def _region_card(version: str, code: str, lang: str, _ds) -> rv.RegionCard:  # type: ignore[no-untyped-def]
    return rv.region_card(_ds, code, lang)


@st.cache_data(show_spinner=False, max_entries=256)
def _national_picture(version: str, lang: str, shown_key: str | None, _ds, _shown):  # type: ignore[no-untyped-def]
    return network.national_picture(_ds, lang, _shown)


def shown_key(shown) -> str | None:  # type: ignore[no-untyped-def]
    """One short digest of the ids in ``shown`` (None for all): the cache key. With the ids themselves
    as the key, Streamlit would hash them one by one on every run, thousands at scale."""
    if shown is None:
        return None
    return hashlib.sha256("\x1f".join(map(str, shown.index)).encode("utf-8")).hexdigest()


def national_picture(ds, lang: str, shown=None) -> network.NationalPicture:  # type: ignore[no-untyped-def]
    """The national picture for the filtered institutes ``shown`` (all when None), cached per data
    version and the ids shown."""
    return _national_picture(ds.version, lang, shown_key(shown), ds, shown)


def prepare_national_panel(ds, lang: str, shown=None) -> None:  # type: ignore[no-untyped-def]
    """Fill the caches of the national picture and of the caveats beside the map before a visitor asks
    for them (``serve.py``'s start-up pre-load)."""
    national_picture(ds, lang, shown)
    caveats_panel.prepare(ds, lang)


# --- region picker --------------------------------------------------------------------------


def _on_pick() -> None:
    from ui.layout import select_region

    select_region(st.session_state.get(PICK_KEY) or None)


def _on_clear() -> None:
    from ui.layout import select_region

    select_region(None)


def _picker(ctx: Context, code: str | None) -> None:
    """The twelve regions as pills (one chosen at most; none is the national picture): one click per
    region, and no menu widget on the first screen (docs/performance.md)."""
    ds, lang = ctx.ds, ctx.lang
    if st.session_state.get(PICK_KEY) != code:
        st.session_state[PICK_KEY] = code
    names = {c: region_name(ds, c, lang) for c in ds.regions.index}
    # A pill shows its text as Markdown: escape the data's name.
    st.pills(
        t("panel.picker", lang),
        list(ds.regions.index),
        key=PICK_KEY,
        format_func=lambda c: md_escape(names[c]),
        on_change=_on_pick,
        help=t("panel.picker_help", lang),
    )
    if code:
        st.button(t("panel.clear", lang), on_click=_on_clear, icon=":material/close:", key="panel_clear")


# --- figures and flags ----------------------------------------------------------------------


def _score_line_md(line: ScoreLine, lang: str) -> str:
    mark = "✅" if line.published else "▫️"
    text = f"{mark} **{md_escape(line.label)}**: {md_escape(line.answer)}"
    if line.source is not None:
        text += " (" + t("panel.acc.source", lang, source=md_link(line.source.publisher, line.source.url),
                         date=md_escape(line.source.date_text)) + ")"
    return text


def _figures_table(ds, card: rv.RegionCard, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Every census figure of the region beside its national reference, each with its source link."""
    st.markdown(f"#### {t('panel.figures_title', lang)}")
    head = [t("panel.fig.col_figure", lang), t("panel.fig.col_region", lang), t("panel.fig.col_national", lang),
            t("panel.fig.col_source", lang)]
    rows = [f"| {' | '.join(head)} |", "|" + "---|" * len(head)]
    for f in card.figures:
        year = str(ds.figure_defs.at[f.key, "source_date"])[:4]
        source = md_link(t("panel.fig.source_link", lang, date=year), f.source_url)
        rows.append(f"| {md_escape(f.label)} | **{md_escape(f.value_text)}** | {md_escape(f.national_text)} "
                    f"| {source} |")
    st.markdown("\n".join(rows))
    defs = ds.figure_defs
    publishers = "; ".join(dict.fromkeys(str(p) for p in defs["source_publisher"]))
    licences = "; ".join(dict.fromkeys(str(x) for x in defs["licence"]))
    st.caption(t("panel.fig.sources_note", lang, publisher=md_escape(publishers), licence=md_escape(licences)))


def _scorecard(sc: Scorecard | None, lang: str) -> None:
    if sc is None:
        return
    st.markdown(f"**{t('panel.acc.title', lang)}** · {md_escape(sc.count_text)}", help=t("panel.acc.intro", lang))
    st.markdown("\n".join(f"- {_score_line_md(line, lang)}" for line in sc.lines))


# --- region card ----------------------------------------------------------------------------


def _timeline_md(inst: rv.InstituteCard, lang: str) -> str:
    parts = []
    for step in inst.timeline:
        mark = "●" if step.current else ("✓" if step.reached else "○")
        text = md_escape(step.label)
        if step.current:
            text = f"**{text}** ({md_escape(step.date_text)})"
        parts.append(f"{mark} {text}")
    return " → ".join(parts) if lang != "ar" else " ← ".join(parts)


def _institute(inst: rv.InstituteCard, lang: str) -> None:
    with st.container(border=True):
        st.markdown(f"##### {md_escape(inst.name)}")
        st.caption(
            t("panel.institute_meta", lang, kind=md_escape(inst.kind_label), city=md_escape(inst.city),
              precision=md_escape(inst.location_precision_label))
        )
        st.markdown(f"**{t('panel.timeline', lang)}**\n\n{_timeline_md(inst, lang)}")
        st.badge(
            t("panel.confidence", lang, level=inst.confidence_label),
            color=CONFIDENCE_COLOURS.get(inst.confidence, "gray"),
            help=t(f"panel.confidence_help.{inst.confidence}", lang),
        )
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('panel.spec_commentary', lang)}**")
            if inst.commentary:
                st.markdown(md_escape(t("panel.list_sep", lang).join(x.label for x in inst.commentary)))
            else:
                st.markdown(md_escape(t("panel.commentary_silent", lang)))
            if inst.commentary:
                st.caption(sources_inline(inst.commentary_sources, lang))
        with right:
            st.markdown(f"**{t('panel.spec_conventions', lang)}**")
            if inst.focus:
                st.markdown(md_escape(t("panel.list_sep", lang).join(x.label for x in inst.focus)))
            else:
                st.markdown(md_escape(t("common.not_announced", lang)))
            st.caption(sources_inline(inst.focus_sources, lang))
        if inst.agree is False:
            st.caption(t("panel.specs_differ", lang))
        elif inst.agree:
            st.caption(t("panel.specs_agree", lang))
        partners = t("panel.list_sep", lang).join(inst.partners) if inst.partners else t("common.not_announced", lang)
        st.markdown(f"**{t('panel.partners', lang)}**  \n{md_escape(partners)}")
        if inst.notes:
            with st.expander(t("map.popup.notes", lang)):
                st.caption(md_escape(inst.notes))
        with st.expander(t("panel.sources_count", lang, count=len(inst.sources))):
            st.markdown(sources_md(inst.sources, lang))
            st.caption(md_escape(inst.checked_text))
        _scorecard(inst.scorecard, lang)


def _region(ctx: Context, code: str) -> None:
    ds, lang = ctx.ds, ctx.lang
    card = _region_card(ds.version, code, lang, ds)
    st.subheader(md_escape(card.name))
    others = [card.names[lg] for lg in LANGS if lg != lang and card.names[lg] != card.name]
    st.caption(md_escape(" · ".join(dict.fromkeys(others))) + f" · {t('panel.region_code', lang, code=code)}")
    # The figures table has four columns and the card is prose: a wider figures column balances the two.
    left, right = st.columns([1, 2], gap="medium")
    with left:
        if card.institutes:
            for inst in card.institutes:
                _institute(inst, lang)
        else:
            st.info(f"**{md_escape(card.no_institute_text)}**\n\n{t('panel.none_detail', lang)}",
                    icon=":material/info:")
    with right:
        _figures_table(ds, card, lang)
        if card.raised:
            # the one place a region's flag rules are written out
            lines = "\n".join(f"- **{md_escape(f.label)}** — {md_escape(f.numbers_text)}" for f in card.raised)
            st.warning(f"**{t('panel.flags_summary', lang, count=len(card.raised), rules=len(card.flags))}**"
                       f"\n\n{lines}", icon=":material/flag:")
            with st.expander(t("panel.flag_rules", lang)):
                st.markdown("\n\n".join(flag_rule_md(f.label, f.rule, f.reading, lang) for f in card.raised))
        else:
            st.info(t("panel.flags_none", lang, rules=len(card.flags)), icon=":material/flag:")
    render_provinces(ctx, code)


# --- national picture -----------------------------------------------------------------------


def _national(ctx: Context, shown=None) -> None:  # type: ignore[no-untyped-def]
    ds, lang = ctx.ds, ctx.lang
    pic = national_picture(ds, lang, shown)
    st.subheader(t("panel.national_title", lang))
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.markdown(f"**{md_escape(pic.summary)}**")
        st.markdown("\n".join(f"- {md_escape(line)}" for line in (*pic.status_lines, pic.kind_line)))
        st.markdown(md_escape(pic.uncovered_line))
    with right:
        st.caption(md_escape(pic.flagged_line))
        st.caption(t("panel.pick_hint", lang))


def render_side_panel(ctx: Context, shown=None) -> None:  # type: ignore[no-untyped-def]
    """The region picker and the card of ``ctx.view.selected``, at full width below the map; the national
    picture (following the filters: ``shown`` is the filtered institutes) when nothing is selected."""
    code = ctx.view.selected if ctx.view.selected in ctx.ds.regions.index else None
    with st.container(border=True, key="side_panel"):
        _picker(ctx, code)
        if code:
            _region(ctx, code)
        else:
            _national(ctx, shown)
