"""How a fact reads, wherever it is shown: one module for labels, names, dates and numbers.

The map's tooltips and popups, the side panel, the tables, the exports and the briefs all format
through here, so the same figure never reads "30,2" in one place and "30,25" in another:

- :func:`format_value`: a figure with its unit's decimals (:data:`UNIT_DECIMALS`), rounded half away
  from zero on the printed decimal, in the language's number format; "–" when missing;
- :func:`status_date`: a status date at the precision the sources give, or "not announced";
- :func:`spec_label`, :func:`spec_labels`, :func:`region_name`: labels in the view's language
  (an unknown key reads as itself, never as a crash);
- :func:`direction` and :func:`list_sep`: text direction and the list separator of a language.

Nothing here escapes: callers escape for where the text goes (``atlas.text.h`` for HTML,
``md_escape`` for Markdown, ``neutralise_formula`` for spreadsheets).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from atlas.i18n import direction, fmt_date, fmt_number, fmt_percent, pick, t
from atlas.schema import STATUSES, split_list

if TYPE_CHECKING:
    from atlas.dataset import Dataset

__all__ = [
    "UNIT_DECIMALS",
    "SourceRef",
    "SpecReading",
    "agreement_text",
    "spec_line",
    "spec_reading",
    "commentary_keys",
    "direction",
    "fmt_ratio",
    "format_exact",
    "format_value",
    "list_sep",
    "region_name",
    "spec_label",
    "source_date_text",
    "spec_labels",
    "status_date",
    "status_definitions",
]

UNIT_DECIMALS = {"people": 0, "households": 0, "count": 0, "percent": 1, "per_1000": 2, "per_100000": 1}
"""Decimals shown for each figure unit (an unknown unit shows one)."""


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, or None (missing, not a number, infinite)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


def _in_unit(number: float, unit: str, lang: str, decimals: int) -> str:
    return fmt_percent(number, lang, decimals) if unit == "percent" else fmt_number(number, lang, decimals)


def format_value(value: Any, unit: str, lang: str) -> str:
    """A figure in ``lang`` with its unit's usual precision (``–`` when missing or not a number).

    Rounds half away from zero on the printed decimal (a median of 242,084.5 people shows 242,085),
    the same everywhere it is shown."""
    number = _finite(value)
    if number is None:
        return "–"
    decimals = UNIT_DECIMALS.get(unit, 1)
    number = float(Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return _in_unit(number, unit, lang, decimals)


def format_exact(value: Any, unit: str, lang: str, max_decimals: int = 4) -> str:
    """A reference number (median, total, threshold) without rounding it away: at least the unit's
    usual decimals, more when the number has them (a median of 242,084.5 people, a threshold of
    16.965 %), so "strictly below" never compares two numbers that print the same."""
    number = _finite(value)
    if number is None:
        return "–"
    exact = Decimal(repr(number)).quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
    needed = max(0, -exact.normalize().as_tuple().exponent)  # type: ignore[operator]
    decimals = max(UNIT_DECIMALS.get(unit, 1), min(needed, max_decimals))
    return _in_unit(float(exact), unit, lang, decimals)


def fmt_ratio(ratio: float, lang: str) -> str:
    """A ratio to the median, cut (not rounded) to two decimals, so a region just under a
    "1.25 × the median" threshold never shows as 1.25."""
    cut = Decimal(repr(float(ratio))).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return fmt_number(float(cut), lang, 2)


def status_date(row: Mapping[str, Any], lang: str) -> str:
    """The status date at the precision the sources give (``2025``, ``avril 2025``, ``14 avril 2025``),
    or "not announced"."""
    value = str(row.get("status_date") or "")
    if not value:
        return t("common.not_announced", lang)
    try:
        return fmt_date(value, lang)
    except ValueError:
        return value


def spec_label(ds: Dataset, key: str, lang: str) -> str:
    """A specialisation's label in ``lang`` (the key itself if the dataset does not know it)."""
    if key in ds.specialisations.index:
        return pick(ds.specialisations.loc[key], "label", lang)
    return key


def commentary_keys(row: Mapping[str, Any]) -> list[str]:
    """The specialisation keys the commentary names for an institute (the column is a ``;`` list)."""
    return split_list(str(row.get("specialisation_commentary") or ""))


def list_sep(lang: str) -> str:
    """The separator between items of a list inside one cell or line: "، " in Arabic, ", " otherwise."""
    return "، " if direction(lang) == "rtl" else ", "


def spec_labels(ds: Dataset, keys: Iterable[str], lang: str) -> str:
    """Labels of several specialisations joined with the language's list separator ("" for none)."""
    return list_sep(lang).join(spec_label(ds, k, lang) for k in keys)


def region_name(ds: Dataset, code: str, lang: str) -> str:
    """A region's name in ``lang`` (the code itself if the dataset does not know it)."""
    return pick(ds.regions.loc[code], "name", lang) if code in ds.regions.index else code


# --- The specialisation lens ------------------------------------------------------------------------


@dataclass(frozen=True)
class SpecReading:
    """What an institute specialises in, read through a lens (``"commentary"`` or ``"conventions"``).

    ``key``: the specialisation that colours its pin (None: no source names one); ``hollow``: under the
    commentary lens, the commentary names none and the pin shows the conventions' lead area instead;
    ``agree``: True when every specialisation the commentary names is among the conventions' areas,
    False when they differ, None when the commentary names none (nothing to compare)."""

    key: str | None
    hollow: bool
    commentary: tuple[str, ...]
    conventions: tuple[str, ...]
    agree: bool | None

    @property
    def disagree(self) -> bool:
        return self.agree is False


def spec_reading(row: Mapping[str, Any], lens: str) -> SpecReading:
    """How ``row`` reads under ``lens`` (see :class:`SpecReading`)."""
    commentary = tuple(commentary_keys(row))
    conventions = tuple(str(k) for k in (row.get("focus_list") or []))
    agree = None if not commentary else all(k in conventions for k in commentary)
    lead = conventions[0] if conventions else None
    if lens == "commentary" and commentary:
        return SpecReading(commentary[0], False, commentary, conventions, agree)
    return SpecReading(lead, lens == "commentary" and lead is not None, commentary, conventions, agree)


def spec_line(ds: Dataset, row: Mapping[str, Any], lens: str, lang: str) -> str:
    """One line saying what an institute specialises in under ``lens``, naming the other source where
    they differ: "Water (commentary) · conventions: Agriculture, Energy, Health"."""
    reading = spec_reading(row, lens)
    com = spec_labels(ds, reading.commentary, lang)
    conv = spec_labels(ds, reading.conventions, lang)
    if reading.agree and set(reading.commentary) == set(reading.conventions):
        return t("lens.tip.agree", lang, labels=com)
    if not reading.commentary:
        if not reading.conventions:
            return t("lens.tip.none", lang)
        if lens == "commentary":
            return t("lens.tip.lead", lang, label=spec_label(ds, reading.key or "", lang))
        return t("lens.tip.conventions", lang, labels=conv)
    parts = [t("lens.tip.commentary", lang, labels=com)]
    if reading.conventions:
        parts.append(t("lens.tip.conventions", lang, labels=conv))
    if lens == "conventions":
        parts.reverse()
    return " · ".join(parts)


def agreement_text(row: Mapping[str, Any], lang: str) -> str:
    """Whether the commentary and the conventions agree, for tables and exports."""
    agree = spec_reading(row, "commentary").agree
    key = "lens.export.nothing_to_compare" if agree is None else "lens.export.agree" if agree else "lens.export.differ"
    return t(key, lang)


@dataclass(frozen=True)
class SourceRef:
    publisher: str
    url: str  # "" for the commentary, which has no public address in our notes
    date: str  # as in the data (YYYY, YYYY-MM or YYYY-MM-DD), "" when undated
    date_text: str  # formatted at its precision, or "n.d." in the language
    kind: str
    fields: tuple[str, ...]



def source_date_text(value: str, lang: str) -> str:
    """A source's partial date at its precision, or "n.d." in the language when undated."""
    if not value:
        return t("panel.undated", lang)
    return fmt_date(value, lang)


def status_definitions(lang: str) -> list[str]:
    """"Launched: a source reports …", one line per status: the one definition of each (``status_help.*``,
    which data/README.md gives in English), then the rule that the word the press uses does not decide."""
    lines = [t("status_help.line", lang, status=t(f"status.{s}", lang), definition=t(f"status_help.{s}", lang))
             for s in STATUSES]
    return [*lines, t("status_help.rule", lang)]
