"""The commentary's caveats: what it says, the atlas's own reading apart, and the evidence that speaks
to each, for the side panel beside the map, the briefs and the static edition (no Streamlit).

Each row of ``data/caveats.csv`` is one point of the commentary, in our own words:

- :func:`caveat_texts`: title, what the commentary says (``commentary_*``) with the paragraphs it comes
  from, and our reading (``reading_*``), kept apart so that nothing of ours reads as the commentary's;
- :func:`caveat_evidence`: the same, with the evidence for the whole country (``code=None``: how many
  regions raise each flag, which ones, the lowest and highest values; how many institutes publish an
  answer to each scorecard question; where each institute stands) or for one region (its figures, its
  flags, its institutes' scorecard answers with their sources, status and partners);
- :func:`panel_html`: the side panel as HTML (``atlas/templates/page/caveats_panel.html``, autoescaped).

The paragraphs are counted in the commentary as published: each paragraph once, headings not counted
(the copy in the research notes repeats several); ``cues`` are a few of its words in each paragraph,
so a test can check that every caveat still points to text the commentary contains.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from atlas import regionview as rv
from atlas.i18n import direction, fmt_date, pick, t
from atlas.present import list_sep, region_name
from atlas.schema import STATUSES, split_list
from atlas.scorecard import Scorecard, ScoreLine, scorecard

if TYPE_CHECKING:
    from jinja2 import Template

    from atlas.dataset import Dataset

OPEN_BY_DEFAULT = ("resourcing", "critical_mass")
"""The caveats open when the panel first shows: the two the design card names beside the map."""
PAGE_TEMPLATES = Path(__file__).resolve().parent / "templates" / "page"


def anchor(key: str) -> str:
    """The caveat's stable anchor in pages and links: ``critical_mass`` -> ``caveat-critical-mass``."""
    return "caveat-" + key.replace("_", "-")


def _joined(items: list[str], lang: str) -> str:
    """``5, 7 and 19`` in the language."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + t("cv.and", lang) + items[-1]


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaveatText:
    """A caveat in one language: the commentary's point and our reading, never mixed."""

    key: str
    order: int
    anchor: str
    title: str
    commentary: str  # what the commentary says, paraphrased
    reading: str  # the atlas's own reading ("" when none)
    paragraphs: tuple[int, ...]
    source_text: str  # "paragraph 12" / "paragraphs 10 and 16"
    figures: tuple[str, ...]
    flags: tuple[str, ...]
    questions: tuple[str, ...]
    institute_fields: tuple[str, ...]


@dataclass(frozen=True)
class FlagEvidence:
    """A flag behind a caveat: nationally, how many regions raise it and which; for a region, whether
    it is raised. ``detail`` adds the threshold and, nationally, the range of its figure."""

    line: rv.FlagLine
    summary: str  # "raised for 3 of the 12 regions: A, B, C" / "flag raised: 47,196 against a threshold of …"
    detail: str  # the threshold in words (and nationally the lowest and highest values)


@dataclass(frozen=True)
class QuestionEvidence:
    """Nationally: how many institutes have a published answer to one scorecard question."""

    label: str
    published: int
    total: int
    text: str


@dataclass(frozen=True)
class InstituteStanding:
    """Where an institute stands: status and date, and how many scorecard answers are published."""

    name: str
    region: str
    status: str
    status_label: str
    date_text: str
    step_text: str  # "step 2 of 4"
    published_text: str  # scorecard answers published: "1 of 7" ("" without a scorecard)
    partners: tuple[str, ...]
    answers: tuple[ScoreLine, ...]  # this caveat's questions (region view)


@dataclass(frozen=True)
class CaveatEvidence:
    text: CaveatText
    open: bool
    badge: str  # the closed caveat's one-line summary of its evidence ("" when none)
    flags: tuple[FlagEvidence, ...]
    figures: tuple[rv.FigureLine, ...]  # the caveat's figures that no flag carries
    figure_texts: tuple[str, ...]
    questions: tuple[QuestionEvidence, ...]  # nationally
    institutes: tuple[InstituteStanding, ...]
    show_status: bool
    show_partners: bool
    show_answers: bool
    scope_text: str  # "in the 12 regions" / "in this region"


# --------------------------------------------------------------------------------------------
# Texts
# --------------------------------------------------------------------------------------------


def caveat_texts(ds: Dataset, lang: str) -> list[CaveatText]:
    """Every caveat in order, in ``lang``."""
    out = []
    for key, row in ds.caveats.iterrows():
        paragraphs = tuple(int(p) for p in split_list(str(row["paragraphs"])))
        numbers = _joined([str(p) for p in paragraphs], lang)
        source = t("cv.paragraph" if len(paragraphs) == 1 else "cv.paragraphs", lang, numbers=numbers)
        out.append(CaveatText(
            key=str(key),
            order=int(row["order"]),
            anchor=anchor(str(key)),
            title=pick(row, "title", lang),
            commentary=pick(row, "commentary", lang),
            reading=pick(row, "reading", lang),
            paragraphs=paragraphs,
            source_text=source,
            figures=tuple(k for k in split_list(str(row["figures"])) if k in ds.figure_defs.index),
            flags=tuple(k for k in split_list(str(row["flags"])) if k in ds.flag_rules.index),
            questions=tuple(split_list(str(row.get("questions", "") or ""))),
            institute_fields=tuple(split_list(str(row.get("institute_fields", "") or ""))),
        ))
    return out


# --------------------------------------------------------------------------------------------
# Evidence
# --------------------------------------------------------------------------------------------


def _flag_evidence(ds: Dataset, key: str, code: str | None, lang: str) -> FlagEvidence:
    line = rv.flag_line(ds, key, code, lang)
    if code is not None:
        summary = t("cv.flag_up" if line.raised else "cv.flag_down", lang, value=line.value_text,
                    threshold=line.threshold_text)
        return FlagEvidence(line=line, summary=summary, detail=line.numbers_text)
    total = len(ds.regions)
    if line.regions:
        names = list_sep(lang).join(r.label for r in line.regions)
        key = "cv.flag_one_region" if len(line.regions) == 1 else "cv.flag_regions"
        summary = t(key, lang, count=len(line.regions), total=total, names=names)
    else:
        summary = t("cv.flag_no_region", lang, total=total)
    fig = rv.figure_line(ds, line.figure, None, lang)
    spread = t("cv.range", lang, low=fig.low_text, high=fig.high_text) if fig.low_text else ""
    return FlagEvidence(line=line, summary=summary, detail=f"{line.numbers_text} {spread}".strip())


def _figure_text(f: rv.FigureLine, lang: str) -> str:
    if f.value is None:
        return t("cv.figure_national", lang, label=f.label, national=f.national_text,
                 national_label=f.national_label, low=f.low_text, high=f.high_text)
    return t("cv.figure_region", lang, label=f.label, value=f.value_text, national=f.national_text,
             national_label=f.national_label, comparison=f.comparison_text)


def _standing(ds: Dataset, iid: str, questions: tuple[str, ...], card: Scorecard | None,
              lang: str) -> InstituteStanding:
    row = ds.institutes.loc[iid]
    status = str(row["status"])
    partners = tuple(p.strip() for p in pick(row, "partners", lang).split(";") if p.strip())
    code = str(row["region_code"])
    return InstituteStanding(
        name=pick(row, "name", lang),
        region=region_name(ds, code, lang) if code in ds.regions.index else code,
        status=status,
        status_label=t(f"status.{status}", lang),
        date_text=fmt_date(str(row["status_date"]), lang),
        step_text=t("cv.step", lang, step=STATUSES.index(status) + 1, steps=len(STATUSES)),
        published_text=t("cv.published_of", lang, published=card.published, total=card.total) if card else "",
        partners=partners,
        answers=tuple(line for line in card.lines if line.question in questions) if card else (),
    )


def _questions_national(cards: list[Scorecard], questions: tuple[str, ...], lang: str) -> tuple[QuestionEvidence, ...]:
    out = []
    for question in questions:
        lines = [(c.institute, line) for c in cards for line in c.lines if line.question == question]
        if not lines:
            continue
        who = [name for name, line in lines if line.published]
        label = t(f"panel.acc.q.{question}", lang)
        text = t("cv.question_national", lang, question=label, count=len(who), total=len(lines))
        out.append(QuestionEvidence(label=label, published=len(who), total=len(lines), text=text))
    return tuple(out)


def _badge(flags: tuple[FlagEvidence, ...], code: str | None, answers: list[ScoreLine],
           questions: tuple[QuestionEvidence, ...], lang: str) -> str:
    parts = []
    if flags and code is None:
        regions = {r.key for f in flags for r in f.line.regions}
        parts.append(t("cv.badge_national", lang, flags=len(flags), regions=len(regions)))
    elif flags:
        parts.append(t("cv.badge_region", lang, raised=sum(f.line.raised for f in flags), flags=len(flags)))
    if code is None and questions:
        parts.append(t("panel.acc.count", lang, published=sum(q.published for q in questions),
                       total=sum(q.total for q in questions)))
    elif answers:
        parts.append(t("panel.acc.count", lang, published=sum(a.published for a in answers), total=len(answers)))
    return " · ".join(parts)


def caveat_evidence(ds: Dataset, code: str | None, lang: str) -> list[CaveatEvidence]:
    """Every caveat with its evidence, for region ``code`` or (``None``) the whole country. Raises
    ``KeyError`` for an unknown region code."""
    if code is not None and code not in ds.regions.index:
        raise KeyError(code)
    institute_ids = [str(i) for i in (ds.institutes_in(code).index if code else ds.institutes.index)]
    # Each scorecard, flag and figure once, however many caveats it speaks to.
    cards = {i: scorecard(ds, i, lang) for i in institute_ids}
    flag_cache: dict[str, FlagEvidence] = {}
    figure_cache: dict[str, rv.FigureLine] = {}

    def flag(key: str) -> FlagEvidence:
        if key not in flag_cache:
            flag_cache[key] = _flag_evidence(ds, key, code, lang)
        return flag_cache[key]

    def figure(key: str) -> rv.FigureLine:
        if key not in figure_cache:
            figure_cache[key] = rv.figure_line(ds, key, code, lang)
        return figure_cache[key]

    out = []
    for text in caveat_texts(ds, lang):
        flags = tuple(flag(k) for k in text.flags)
        flagged = {f.line.figure for f in flags}
        figures = tuple(figure(k) for k in text.figures if k not in flagged)
        show_status = "status" in text.institute_fields
        show_partners = code is not None and "partners" in text.institute_fields
        show_answers = code is not None and bool(text.questions)
        standings = tuple(_standing(ds, i, text.questions, cards[i], lang) for i in institute_ids) if (
            show_status or show_partners or show_answers) else ()
        known = [c for c in cards.values() if c is not None]
        questions = _questions_national(known, text.questions, lang) if code is None else ()
        answers = [a for s in standings for a in s.answers]
        out.append(CaveatEvidence(
            text=text,
            open=text.key in OPEN_BY_DEFAULT,
            badge=_badge(flags, code, answers, questions, lang),
            flags=flags,
            figures=figures,
            figure_texts=tuple(_figure_text(f, lang) for f in figures),
            questions=questions,
            institutes=standings,
            show_status=show_status,
            show_partners=show_partners,
            show_answers=show_answers,
            scope_text=t("cv.in_region" if code else "cv.in_regions", lang, total=len(ds.regions)),
        ))
    return out


# --------------------------------------------------------------------------------------------
# The side panel as HTML
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _template() -> Template:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined  # only the pages render HTML

    env = Environment(loader=FileSystemLoader(str(PAGE_TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("caveats_panel.html")


def panel_html(ds: Dataset, code: str | None, lang: str) -> str:
    """The caveats panel for region ``code`` (``None``: the 12 regions) in ``lang``: HTML where every
    piece of data text is escaped by the template; links are the scorecard's http(s) sources and the
    caveats' own anchors."""
    items = caveat_evidence(ds, code, lang)
    scope = (t("cv.scope_region", lang, region=region_name(ds, code, lang)) if code
             else t("cv.scope_national", lang, total=len(ds.regions)))
    return _template().render(
        items=items, lang=lang, dir=direction(lang), code=code, scope=scope,
        title=t("panel.caveats_title", lang), intro=t("cv.intro", lang, count=len(items)),
        t=lambda key, **values: t(key, lang, **values),
        no_institute=t("common.no_institute", lang), not_announced=t("common.not_announced", lang),
        sep=list_sep(lang),
    )


# --------------------------------------------------------------------------------------------
# The briefs and the static edition
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefCaveat:
    """A caveat as the briefs and the static edition print it: the commentary's point with its
    paragraphs, the flags that bear on it, and our reading, each under its own label."""

    anchor: str
    title: str  # "3. Announcements versus real capacity"
    said_label: str  # "The commentary (paragraph 22):"
    commentary: str
    flags_label: str  # "Flags:" ("" when the caveat has none)
    flags_text: str  # region: "Thin talent pool (raised); …"; country: "Thin talent pool: 3 of the 12 regions; …"
    reading_label: str  # "Our reading, not the commentary's:"
    reading: str


def brief_caveats(ds: Dataset, lang: str, code: str | None = None) -> list[BriefCaveat]:
    """Every caveat for the brief of region ``code`` (``None``: the country), in ``lang``."""
    out = []
    for text in caveat_texts(ds, lang):
        parts = []
        for key in text.flags:
            line = rv.flag_line(ds, key, code, lang)
            if code is None:
                key = "cv.brief_flag_national_one" if len(line.regions) == 1 else "cv.brief_flag_national"
                parts.append(t(key, lang, flag=line.label, count=len(line.regions), total=len(ds.regions)))
            else:
                state = t("cv.brief_raised" if line.raised else "cv.brief_not_raised", lang)
                parts.append(t("cv.brief_flag_region", lang, flag=line.label, state=state))
        out.append(BriefCaveat(
            anchor=text.anchor,
            title=f"{text.order}. {text.title}",
            said_label=t("cv.said", lang, source=text.source_text),
            commentary=text.commentary,
            flags_label=t("cv.brief_flags", lang) if parts else "",
            flags_text=list_sep(lang).join(parts),
            reading_label=t("cv.ours", lang) + t("cv.colon", lang).rstrip(),
            reading=text.reading,
        ))
    return out
