"""What a single value of the data may be: numbers every format can print, keys, source ids, change
ids, language codes and icon names. The row models of :mod:`atlas.schema` attach these checks to
their fields; each raises ``ValueError`` with the message ``validate`` shows on the value's row."""

from __future__ import annotations

import re

from babel import localedata

from atlas.assets import icon_codepoint

NUMBER_RE = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
ORDER_RE = re.compile(r"^[0-9]{1,6}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ICON_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
SOURCE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
CHANGE_ID_RE = re.compile(r"^C[0-9]{3,}$")
MAX_NUMBER = 1e15
MIN_NUMBER = 1e-6
"""Numbers in the data are 0 or between MIN_NUMBER and MAX_NUMBER in size: every integer up to
MAX_NUMBER is exact in a float, and every figure, ratio and threshold made from them stays within
what Babel, Excel, JSON and the PDF print (Babel's decimals fail from about 10^26)."""
MAX_RATIO = 1000.0
"""The largest ``median_ratio`` threshold of flags.csv (times a median of at most MAX_NUMBER)."""


def parse_number(value: str, minimum: float | None = None) -> float:
    """``value`` as a float, or ``ValueError`` saying why not: plain ASCII decimal notation (no
    full-width digits, no ``_``, no ``nan`` or ``inf``), 0 or between :data:`MIN_NUMBER` and
    :data:`MAX_NUMBER` in size, and at least ``minimum`` when given."""
    text = value.strip()
    if not NUMBER_RE.match(text):
        raise ValueError(f"{value[:40]!r} is not a number (ASCII digits and a decimal point, e.g. 1234.5)")
    number = float(text) + 0.0  # -0 reads as 0
    if not -MAX_NUMBER <= number <= MAX_NUMBER:
        raise ValueError(f"{value[:40]!r} is too large: at most {MAX_NUMBER:,.0f} in size")
    if number and abs(number) < MIN_NUMBER:
        raise ValueError(f"{value[:40]!r} is too small: 0 or at least {MIN_NUMBER:.6f} in size")
    if minimum is not None and number < minimum:
        raise ValueError(f"{value[:40]!r} is below {minimum:g}")
    return number


def number(value: object) -> object:
    """Before a float field: the text parsed by :func:`parse_number`."""
    return parse_number(value) if isinstance(value, str) else value


def amount(value: object) -> object:
    """Before a float field that is never negative."""
    return parse_number(value, minimum=0) if isinstance(value, str) else value


def order(value: object) -> object:
    """Before an int ``order`` field: a whole number 0 to 999999 in ASCII digits."""
    if isinstance(value, str) and not ORDER_RE.match(value):
        raise ValueError(f"{value[:40]!r} is not an order (a whole number 0 to 999999, ASCII digits)")
    return value


def key(value: str) -> str:
    if not KEY_RE.match(value):
        raise ValueError(f"{value[:60]!r} is not a lower-case key (a-z, 0-9, _)")
    return value


def source_id(value: str) -> str:
    if not SOURCE_ID_RE.match(value):
        raise ValueError(f"{value[:60]!r} is not a source id (letters, digits, - and _, e.g. S001)")
    return value


def change_id(value: str) -> str:
    if not CHANGE_ID_RE.match(value):
        raise ValueError(f"{value[:60]!r} is not a change id (C followed by at least three digits: C001)")
    return value


def language(value: str) -> str:
    if not LANGUAGE_RE.match(value) or not localedata.exists(value):
        raise ValueError(f"{value[:60]!r} is not a language code (ISO 639-1, two lower-case letters: fr, ar, en)")
    return value


def icon(value: str) -> str:
    if not ICON_RE.match(value) or icon_codepoint(value) is None:
        raise ValueError(f"{value[:60]!r} is not the name of a Font Awesome 6 solid icon (e.g. droplet, bolt)")
    return value
