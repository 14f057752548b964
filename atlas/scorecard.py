"""The accountability scorecard (``data/accountability.csv``): per institute, seven questions, each a
sourced fact or "not published" with the date of the newest source and of the last search
(:mod:`atlas.checked`).

A scorecard is never a score: it counts published answers, and an unanswered question says what was
looked for and when. The side panel, the map popup (:func:`scorecard_html`), the
regions page, the exports and the briefs all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from atlas.checked import not_published_text
from atlas.i18n import direction, fmt_date, pick, t
from atlas.present import SourceRef, source_date_text
from atlas.text import h

if TYPE_CHECKING:
    from atlas.dataset import Dataset

@dataclass(frozen=True)
class ScoreLine:
    """One question of an institute's scorecard: a sourced fact, or "not published (sources up to
    <newest source>; last searched: <date>)"."""

    question: str
    label: str  # the question in the language
    published: bool
    answer: str  # the fact, or "not published (sources up to 12 March 2026; last searched: December 2026)"
    note: str  # what was looked for ("" when nothing to add)
    source: SourceRef | None  # the fact's source (None when not published)
    verified: str  # the newest source's partial date
    verified_text: str
    searched: str = ""  # when the sources were last searched ("" when not recorded)


@dataclass(frozen=True)
class Scorecard:
    institute_id: str
    institute: str
    lines: tuple[ScoreLine, ...]
    published: int
    total: int
    count_text: str  # "published answers: 1 of 7"


def scorecard(ds: Dataset, institute_id: str, lang: str) -> Scorecard | None:
    """Institute ``institute_id``'s scorecard in ``lang``, or None when the dataset has none."""
    acc = ds.accountability
    if acc is None or acc.empty or institute_id not in set(acc["institute_id"]):
        return None
    rows = acc[acc["institute_id"] == institute_id]
    lines = []
    for _, row in rows.iterrows():
        published = str(row["state"]) == "published"
        verified = str(row["last_verified"])
        searched = str(row.get("last_searched", "") or "")
        source = None
        if published:
            date = str(row["source_date"] or "")
            source = SourceRef(publisher=str(row["source_publisher"]), url=str(row["source_url"]), date=date,
                               date_text=source_date_text(date, lang), kind="press", fields=())
        lines.append(
            ScoreLine(
                question=str(row["question"]),
                label=t(f"panel.acc.q.{row['question']}", lang),
                published=published,
                answer=pick(row, "answer", lang) if published else not_published_text(verified, searched, lang),
                note="" if published else pick(row, "note", lang),
                source=source,
                verified=verified,
                verified_text=fmt_date(verified, lang),
                searched=searched,
            )
        )
    count = sum(1 for line in lines if line.published)
    return Scorecard(
        institute_id=institute_id,
        institute=pick(ds.institutes.loc[institute_id], "name", lang),
        lines=tuple(lines),
        published=count,
        total=len(lines),
        count_text=t("panel.acc.count", lang, published=count, total=len(lines)),
    )


def region_scorecard_count(ds: Dataset, code: str, lang: str) -> tuple[int, int, str]:
    """(published answers, questions, text) over the institutes of region ``code``; (0, 0, "") when
    it has none or the dataset has no scorecard."""
    cards = [scorecard(ds, str(i), lang) for i in ds.institutes_in(code).index]
    cards = [c for c in cards if c is not None]
    if not cards:
        return 0, 0, ""
    published, total = sum(c.published for c in cards), sum(c.total for c in cards)
    return published, total, t("panel.acc.count", lang, published=published, total=total)


def scorecard_html(ds: Dataset, institute_id: str, lang: str) -> str:
    """The institute's scorecard as a compact, escaped HTML checklist for the map popup ("" when
    there is none). Every piece of text passes :func:`atlas.text.h`; URLs are http(s) only (the
    loader checks them) and escaped too (braces included, so no template engine can read the text)."""
    card = scorecard(ds, institute_id, lang)
    if card is None:
        return ""
    items = []
    for line in card.lines:
        mark = "✓" if line.published else "–"
        text = f"<b>{h(line.label)}</b>: {h(line.answer)}"
        if line.source is not None and line.source.url:
            text += (f' (<a href="{h(line.source.url)}" target="_blank" rel="noopener noreferrer">'
                     f"{h(line.source.publisher)}</a>, {h(line.source.date_text)})")
        items.append(f'<li class="{"pub" if line.published else "nopub"}"><span aria-hidden="true">{mark}</span> '
                     f"{text}</li>")
    return (
        f'<div class="atlas-scorecard" dir="{direction(lang)}" lang="{h(lang)}">'
        f"<div><b>{h(t('panel.acc.title', lang))}</b> · {h(card.count_text)}</div>"
        f'<ul style="margin:2px 0;padding-inline-start:16px">{"".join(items)}</ul></div>'
    )
