"""The translation catalogue: complete in French, Arabic and English, and every key used exists."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from atlas.i18n import LANGS, MISSING_MARK, catalogue, direction, fmt_date, fmt_number, fmt_percent, pick, t
from atlas.schema import CONFIDENCES, FIGURE_UNITS, KINDS, PRECISIONS, SOURCE_FIELDS, SOURCE_KINDS, STATUSES

REPO = Path(__file__).resolve().parent.parent
CODE = [*sorted((REPO / "atlas").rglob("*.py")), *sorted((REPO / "pages").glob("*.py")), REPO / "app.py"]
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_key_has_all_three_languages():
    missing = [(k, lang) for k, v in catalogue().items() for lang in LANGS if not v.get(lang, "").strip()]
    assert missing == []


def test_placeholders_agree_across_languages():
    for key, values in catalogue().items():
        names = {lang: sorted(PLACEHOLDER.findall(values[lang])) for lang in LANGS}
        assert names["fr"] == names["ar"] == names["en"], key


def test_arabic_strings_are_arabic():
    arabic = re.compile(r"[\u0600-\u06FF]")
    # Strings that are the same in every language (brand names, symbols) are exempt.
    for key, values in catalogue().items():
        if values["ar"] != values["en"]:
            assert arabic.search(values["ar"]), key


def test_no_key_defined_twice_across_files():
    seen: dict[str, str] = {}
    for path in sorted((REPO / "atlas" / "locales").glob("*.toml")):
        with path.open("rb") as fh:
            for key in tomllib.load(fh):
                assert key not in seen, f"{key} in {path.name} and {seen[key]}"
                seen[key] = path.name


def test_every_literal_key_in_the_code_exists():
    used = {m for path in CODE for m in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found no t() calls: the pattern is broken"
    assert sorted(used - set(catalogue())) == []


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("status", STATUSES),
        ("confidence", CONFIDENCES),
        ("kind", KINDS),
        ("precision", PRECISIONS),
        ("field", SOURCE_FIELDS),
        ("source_kind", SOURCE_KINDS),
        ("unit", FIGURE_UNITS),
        ("national", ("median", "total")),
        ("notice", ("unknown_param", "unknown_params", "unknown_value", "too_long", "repeated")),
    ],
)
def test_keys_built_from_enumerations_exist(prefix, values):
    for value in values:
        for lang in LANGS:
            assert t(f"{prefix}.{value}", lang)


def test_unknown_key_raises():
    with pytest.raises(KeyError):
        t("no.such.key", "fr")


def test_missing_translation_falls_back_to_french_with_a_marker():
    row = {"name_fr": "Institut", "name_ar": "", "name_en": ""}
    assert pick(row, "name", "ar") == "Institut" + MISSING_MARK
    assert pick(row, "name", "fr") == "Institut"
    assert pick({"name_fr": "A", "name_ar": "ب"}, "name", "ar") == "ب"


def test_formatting_follows_the_language_with_western_digits():
    assert fmt_number(1234567, "fr") == "1\u202f234\u202f567"
    assert fmt_number(1234567, "en") == "1,234,567"
    assert re.fullmatch(r"[0-9.,\u202f\u00a0]+", fmt_number(1234567.5, "ar", 1))
    assert fmt_percent(12.34, "fr") == "12,3 %"
    assert fmt_percent(12.34, "en") == "12.3%"
    assert fmt_date(date(2025, 4, 14), "fr") == "14 avril 2025"
    assert fmt_date("2025-04", "en") == "April 2025"
    assert re.search(r"\d{4}", fmt_date("2025-11-14", "ar")) and "2025" in fmt_date("2025-11-14", "ar")
    assert fmt_number(None, "fr") == "–"


def test_direction():
    assert direction("ar") == "rtl" and direction("fr") == direction("en") == "ltr"
