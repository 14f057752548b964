"""How current the data are: two dates, never one.

``last_verified`` (institutes.csv, accountability.csv) is the date of the newest source a row was
checked against; ``last_searched`` is when the sources were last searched again, nothing newer being
found (data/README.md). The region card, the scorecard and the map popup, the national summary, the
charts, the methods page, the briefs, the exports and the static edition all word them here, so a
reader never takes the newest source's date for the date of the last check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from atlas.i18n import fmt_date, t
from atlas.schema import parse_partial_date

if TYPE_CHECKING:
    from atlas.dataset import Dataset


def newest(values: Iterable[object]) -> str:
    """The latest of some partial dates (``""`` when there is none)."""
    dates = [str(v) for v in values if str(v or "")]
    return max(dates, key=lambda v: (parse_partial_date(v)[0], len(v))) if dates else ""


def later_search(verified: str, searched: str) -> str:
    """``searched`` when it records a search after the newest source ``verified``, else ``""``."""
    return searched if searched and searched != verified else ""


def checked_text(verified: str, searched: str, lang: str) -> str:
    """"newest source: 12 March 2026; last searched: December 2026, nothing newer found" (lower case,
    to sit inside a sentence; :func:`sentence` makes it one)."""
    searched = later_search(verified, searched)
    if searched:
        return t("data.checked_searched", lang, newest=fmt_date(verified, lang), searched=fmt_date(searched, lang))
    return t("data.checked", lang, newest=fmt_date(verified, lang))


def not_published_text(verified: str, searched: str, lang: str) -> str:
    """A scorecard question nothing public answers: "not published in the sources up to <newest
    source> (last searched <date>)"."""
    searched = later_search(verified, searched)
    if searched:
        return t("panel.acc.not_published_searched", lang, date=fmt_date(verified, lang),
                 searched=fmt_date(searched, lang))
    return t("panel.acc.not_published", lang, date=fmt_date(verified, lang))


def sentence(text: str) -> str:
    """``text`` as a sentence of its own: capital first letter (Arabic has none) and a full stop."""
    return (text[:1].upper() + text[1:] + ".") if text else ""


def dataset_dates(ds: Dataset) -> tuple[str, str]:
    """(newest source, last search) over the institutes; ``("", "")`` for an empty network."""
    return newest(ds.institutes["last_verified"]), newest(ds.institutes["last_searched"])


def dataset_checked_text(ds: Dataset, lang: str) -> str:
    """:func:`checked_text` for the whole network ("undated" when it has no institute)."""
    verified, searched = dataset_dates(ds)
    return checked_text(verified, searched, lang) if verified else t("panel.undated", lang)
