"""Side panel beside the map: the selected region's card and caveats, or the national picture.

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
from atlas.scorecard import Scorecard, ScoreLine, scorecard
from atlas.text import md_escape
from ui.markdown import md_help, md_link, sources_inline, sources_md
from ui.provinces import render_provinces

if TYPE_CHECKING:
    from ui.layout import Context

PICK_KEY = "panel_pick"
CAVEAT_KEY = "caveat_"
"""Key prefix of the caveat expanders (``caveat_1`` … ``caveat_8``): their state says whether one is open."""
CONFIDENCE_COLOURS = {"confirmed": "green", "medium": "orange", "weak": "red"}


# --- the panel's content, cached per data version (pure functions of the data below) ---------------
# A panel is drawn on every run of the map page (a filter change, a click): without these, the eight
# caveats with their figures and flags were recomputed each time (most of a rerun's server time,
# docs/performance.md). The data's content hash is the key, so new data is never served stale.


@st.cache_data(show_spinner=False, max_entries=256)
def _caveat_items(version: str, code: str | None, lang: str, _ds) -> list[rv.CaveatItem]:  # type: ignore[no-untyped-def]
    return rv.caveat_panel(_ds, code, lang)


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
    """Fill the caches of the national panel (picture and caveats) before a visitor asks for it
    (``serve.py``'s start-up pre-load)."""
    national_picture(ds, lang, shown)
    _caveat_items(ds.version, None, lang, ds)


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


def _figure_line(f: rv.FigureLine, lang: str) -> None:
    if f.value is None:  # national picture
        body = t(
            "panel.figure_line_national", lang, label=md_escape(f.label), national_label=md_escape(f.national_label),
            national=md_escape(f.national_text), low=md_escape(f.low_text), high=md_escape(f.high_text),
        )
    else:
        body = t(
            "panel.figure_line", lang, label=md_escape(f.label), value=md_escape(f.value_text),
            national_label=md_escape(f.national_label), national=md_escape(f.national_text),
            comparison=md_escape(f.comparison_text),
        )
    st.markdown(body, help=md_help(f.help))


def _flag_block(fl: rv.FlagLine, lang: str, national: bool = False) -> None:
    title = md_escape(fl.label)
    rule = md_escape(fl.rule)
    numbers = md_escape(fl.numbers_text)
    if national:
        names = t("panel.list_sep", lang).join(r.label for r in fl.regions)
        who = (
            t("panel.flag_regions", lang, count=len(fl.regions), names=md_escape(names))
            if fl.regions
            else md_escape(t("panel.flag_no_region", lang))
        )
        body = f"**{title}**\n\n{rule}\n\n{numbers}\n\n{who}"
        (st.warning if fl.regions else st.info)(body, icon=":material/flag:" if fl.regions else None)
        return
    if fl.raised:
        st.warning(f"**{t('panel.flag_raised', lang)} · {title}**\n\n{rule}\n\n{numbers}", icon=":material/flag:")
    else:
        st.caption(f"{t('panel.flag_not_raised', lang)} · {title}: {numbers}", help=md_help(fl.rule))


def _figure_ref(f: rv.FigureLine, lang: str) -> str:
    """A figure in one short line (value beside its national reference), its definition in a tooltip."""
    if f.value is None:
        return t("panel.figure_line_national", lang, label=md_escape(f.label),
                 national_label=md_escape(f.national_label), national=md_escape(f.national_text),
                 low=md_escape(f.low_text), high=md_escape(f.high_text))
    return t("panel.figure_line", lang, label=md_escape(f.label), value=md_escape(f.value_text),
             national_label=md_escape(f.national_label), national=md_escape(f.national_text),
             comparison=md_escape(f.comparison_text))


def _score_line_md(line: ScoreLine, lang: str, institute: str = "") -> str:
    mark = "✅" if line.published else "▫️"
    who = f"{md_escape(institute)} · " if institute else ""
    text = f"{mark} {who}**{md_escape(line.label)}**: {md_escape(line.answer)}"
    if line.source is not None:
        text += " (" + t("panel.acc.source", lang, source=md_link(line.source.publisher, line.source.url),
                         date=md_escape(line.source.date_text)) + ")"
    return text


def _caveats(ds, code: str | None, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The caveats, collapsed, in four columns (two rows on a wide screen; stacked on a phone). A
    flag's rule is written once (in the flags block of
    the region, or here nationally); inside a region's caveat a flag is named with a pointer."""
    items = _caveat_items(ds.version, code, lang, ds)
    st.markdown(f"#### {t('panel.caveats_title', lang)}")
    st.caption(t("panel.caveats_intro", lang))
    cards = [c for c in (scorecard(ds, str(i), lang) for i in ds.institutes_in(code).index)] if code else []
    columns = st.columns(4)
    for index, item in enumerate(items):
        n = item.raised_count if code else sum(1 for f in item.flags if f.regions)
        label = f"{item.order}. {md_escape(item.title)}"
        if n:
            label += " · " + t("panel.flags_in_caveat", lang, count=n)
        elif not item.figures and not item.questions:
            label += " · " + t("panel.caveat_no_census", lang)
        # Drawn only when opened (a rerun on toggle): the eight closed caveats would otherwise put about
        # 600 hidden elements into the first render, which holds the map back (docs/performance.md).
        with columns[index % 4].expander(label, expanded=False, icon=":material/flag:" if n else None,
                                         key=f"{CAVEAT_KEY}{item.order}", on_change="rerun") as box:
            if not box.open:
                continue
            st.markdown(md_escape(item.body))
            if item.figures:
                st.markdown(f"**{t('panel.figures_for_caveat', lang)}**")
                for f in item.figures:
                    st.markdown("- " + _figure_ref(f, lang), help=md_help(f.help))
            elif not item.questions:
                st.caption(md_escape(item.no_figure_text))
            if item.flags:
                st.markdown(f"**{t('panel.flags_for_caveat', lang)}**")
                if code is None:
                    for fl in item.flags:
                        _flag_block(fl, lang, national=True)
                else:
                    st.markdown("\n".join(
                        "- " + (t("panel.flag_ref", lang, label=md_escape(fl.label)) if fl.raised
                                else t("panel.flag_ref_clear", lang, label=md_escape(fl.label)))
                        for fl in item.flags
                    ))
            if item.questions and code:
                st.markdown(f"**{t('panel.acc.in_caveat', lang)}**")
                lines = [
                    _score_line_md(line, lang, card.institute if len(cards) > 1 else "")
                    for card in cards if card is not None for line in card.lines if line.question in item.questions
                ]
                st.markdown("\n".join(f"- {x}" for x in lines) if lines else md_escape(t("common.no_institute", lang)))


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
                st.markdown("\n\n".join(f"**{md_escape(f.label)}**: {md_escape(f.rule)}" for f in card.raised))
        else:
            st.info(t("panel.flags_none", lang, rules=len(card.flags)), icon=":material/flag:")
    render_provinces(ctx, code)
    _caveats(ds, code, lang)


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
    _caveats(ds, None, lang)


def render_side_panel(ctx: Context, shown=None) -> None:  # type: ignore[no-untyped-def]
    """Region card + caveats for ``ctx.view.selected``, at full width below the map; the national
    picture (following the filters: ``shown`` is the filtered institutes) when nothing is selected."""
    code = ctx.view.selected if ctx.view.selected in ctx.ds.regions.index else None
    with st.container(border=True, key="side_panel"):
        _picker(ctx, code)
        if code:
            _region(ctx, code)
        else:
            _national(ctx, shown)
