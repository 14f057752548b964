"""Translations and locale formatting: French first, then Arabic (right to left) and English.

Interface strings live in ``atlas/locales/*.toml``, one table per key with ``fr``, ``ar`` and
``en`` values; placeholders use ``str.format`` names (``{count}``). Data text (institute names,
caveats, ...) lives in ``data/`` as ``<field>_fr``, ``<field>_ar``, ``<field>_en`` columns; see
:func:`pick`. Where a translation is missing the French is shown with :data:`MISSING_MARK`,
never an empty string.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

LANGS: tuple[str, ...] = ("fr", "ar", "en")
DEFAULT_LANG = "fr"
RTL_LANGS = frozenset({"ar"})
LOCALES = {"fr": "fr_MA", "ar": "ar_MA", "en": "en_GB"}  # Moroccan usage: Western digits
LANG_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}
MISSING_MARK = " [fr]"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"


def normalise_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def direction(lang: str) -> str:
    """``rtl`` for Arabic, ``ltr`` otherwise."""
    return "rtl" if lang in RTL_LANGS else "ltr"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Every interface string: key -> {lang: text}. Duplicate keys across files are an error."""
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for path in sorted(LOCALE_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            table = tomllib.load(fh)
        for key, values in _flatten(table):
            if key in merged:
                raise ValueError(f"{path.name}: key {key!r} is already defined in {origin[key]}")
            merged[key] = values
            origin[key] = path.name
    return merged


def _flatten(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping) and any(lang in value for lang in LANGS):
            out.append((full, {k: str(v) for k, v in value.items() if isinstance(v, str)}))
        elif isinstance(value, Mapping):
            out.extend(_flatten(value, full + "."))
    return out


def t(key: str, lang: str = DEFAULT_LANG, /, **values: Any) -> str:
    """The interface string ``key`` in ``lang``. Raises ``KeyError`` for an unknown key."""
    entry = catalogue()[key]
    text = entry.get(lang) or ""
    if not text:
        text = entry.get(DEFAULT_LANG, "") + (MISSING_MARK if lang != DEFAULT_LANG else "")
    return text.format(**values) if values else text


def pick(row: Mapping[str, Any], field: str, lang: str) -> str:
    """A data field in ``lang`` (``<field>_<lang>``), falling back to French with a marker."""
    value = str(row.get(f"{field}_{lang}", "") or "").strip()
    if value:
        return value
    french = str(row.get(f"{field}_{DEFAULT_LANG}", "") or "").strip()
    if french and lang != DEFAULT_LANG:
        return french + MISSING_MARK
    return french


def fmt_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """A number formatted for ``lang`` (Western digits); ``–`` for a missing value."""
    if value is None or value != value:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[normalise_lang(lang)])


def fmt_percent(value: float | None, lang: str, decimals: int = 1) -> str:
    """A value already in percent (12.3 -> ``12,3 %`` in French)."""
    if value is None or value != value:
        return "–"
    number = fmt_number(value, lang, decimals)
    return f"{number} %" if lang == "fr" else f"{number}%"


def fmt_date(value: date | str, lang: str, precision: str = "day") -> str:
    """A date for ``lang``; ``precision`` ``month`` or ``year`` hides what is not known."""
    if isinstance(value, str):
        from atlas.schema import parse_partial_date

        value, precision = parse_partial_date(value)
    locale = LOCALES[normalise_lang(lang)]
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return format_date(value, "LLLL y", locale=locale)
    return format_date(value, "long", locale=locale)
