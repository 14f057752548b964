"""Markdown-active text written into every free-text column of a dataset copy (tests only)."""

from __future__ import annotations

from pathlib import Path

from atlas.i18n import LANGS
from tests.conftest import read_rows, write_rows

PAYLOAD = "![im](http://127.0.0.1:9/x.png) **bold** <b>x</b> [a](http://x) :red[c] $x^2$"
RAW_MARKERS = ("![im](", "**bold**", "<b>x</b>", "[a](http", ":red[c]", "$x^2$")
"""Substrings that only appear if the payload reached Markdown unescaped."""

# Columns that hold free text (names, labels, notes...), file by file; the others are keys, codes,
# enumerations, numbers, dates or URLs that validate checks.
TEXT_COLUMNS = {
    "institutes.csv": [f"{b}_{lang}" for b in ("name", "city", "partners", "notes") for lang in LANGS],
    "sources.csv": ["publisher", "note"],
    "specialisations.csv": ["label_fr", "label_ar", "label_en", "note"],
    "regions.csv": ["name_fr", "name_ar", "name_en"],
    "figures.csv": [f"{b}_{lang}" for b in ("label", "definition") for lang in LANGS]
    + ["source_field", "source_publisher", "licence"],
    "flags.csv": [f"{b}_{lang}" for b in ("label", "rule", "reading") for lang in LANGS],
    "caveats.csv": [f"{b}_{lang}" for b in ("title", "commentary", "reading") for lang in LANGS],
    "claims.csv": [f"{b}_{lang}" for b in ("claim", "finding") for lang in LANGS],
    "region_areas.csv": ["source_publisher", "note"],
}


def write_payload(data: Path, payload: str = PAYLOAD) -> None:
    """Every text column of every row becomes ``payload`` plus a row number (labels stay unique)."""
    for name, columns in TEXT_COLUMNS.items():
        header, rows = read_rows(data / name)
        for i, row in enumerate(rows):
            for col in columns:
                if col in row:
                    row[col] = f"{payload} {i}"
        write_rows(data / name, header, rows)
