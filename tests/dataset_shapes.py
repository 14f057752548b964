"""The kinds of data issue 32 found that ``validate`` accepted and a page, an export or ``publish``
then could not handle, as hypothesis strategies: a table holding only its header; numbers that are
not finite, too large or too small, negative, written with full-width digits or underscores; flag
thresholds of every kind; two caveats or claims with the same order; text in key, source id,
language, icon and date columns. Each edit is applied to a copy of the shipped dataset
(:func:`apply_shape`); the tests check that ``validate`` refuses the result with
``FILE:ROW: FIELD: message`` lines or that everything renders."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from tests.conftest import DATA, read_rows, write_rows

TABLES = sorted(p.name for p in DATA.glob("*.csv"))
NUMBERS = ["0", "1e15", "999999999999999", "1e16", "1e308", "1e400", "nan", "inf", "-inf", "-1", "-0",
           "0.000001", "1e-7", "1e-300", "１２", "1_000", "0x10", " 12", "+5", "1.", ".5", "", "12,5"]
ORDERS = ["0", "7", "999999", "1000000", "-1", "１", "1.5", "1e3", ""]
TEXT = ["Bad Key", "a.b", "<b>x</b>", "{{ 7*7 }}", "ключ", "k" * 120, "", " padded", "x\ufffey"]
LANGUAGES = ["fr", "de", "zh", "zz", "FR", "fra", "<b>", ""]
ICONS = ["droplet", "bolt", "not-an-icon-xyz", "<i>", "{{x}}", "Droplet", "fa-bolt"]
DATES = ["2025", "2025-04", "2025-02-30", "２０２５", "2025_04", "soon", "n.d.", "2999", "-2025", ""]
COLUMNS = {  # (file, column) -> the values tried there
    **{("region_figures.csv", c): NUMBERS for c in ("population", "households", "higher_education_share",
                                                     "higher_education_people", "businesses_per_1000")},
    ("institutes.csv", "lat"): NUMBERS + ["３４.0209", "34.02_09"],
    ("institutes.csv", "lon"): NUMBERS,
    ("flags.csv", "threshold"): NUMBERS + ["1000", "1000.5"],
    ("region_areas.csv", "official_area_km2"): NUMBERS,
    ("caveats.csv", "order"): ORDERS,
    ("claims.csv", "order"): ORDERS,
    **{(f, "key"): TEXT for f in ("specialisations.csv", "figures.csv", "flags.csv", "caveats.csv", "claims.csv")},
    ("sources.csv", "source_id"): TEXT + ["SY1", "s_1-b"],
    ("sources.csv", "language"): LANGUAGES,
    ("specialisations.csv", "icon"): ICONS,
    ("institutes.csv", "status_date"): DATES,
    ("institutes.csv", "last_verified"): DATES,
    ("sources.csv", "published"): DATES,
    ("figures.csv", "source_date"): DATES,
    ("region_areas.csv", "source_date"): DATES,
    ("changes.csv", "date"): DATES,
    ("accountability.csv", "last_verified"): DATES,
    ("changes.csv", "what_fr"): TEXT,
    ("change_sources.csv", "source_id"): TEXT + ["S999", "S020"],
    ("sources.csv", "publisher"): TEXT,
}


@st.composite
def shapes(draw: st.DrawFn) -> list[tuple]:
    """One to three edits of the kinds above."""
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["header_only", "cell", "cell", "same_order"]))
        if kind == "header_only":
            edits.append(("header_only", draw(st.sampled_from(TABLES))))
        elif kind == "same_order":
            edits.append(("same_order", draw(st.sampled_from(["caveats.csv", "claims.csv"]))))
        else:
            file, column = draw(st.sampled_from(sorted(COLUMNS)))
            edits.append(("cell", file, column, draw(st.integers(0, 11)), draw(st.sampled_from(COLUMNS[file, column]))))
    return edits


def apply_shape(data: Path, edits: list[tuple]) -> None:
    for edit in edits:
        path = data / edit[1]
        header, rows = read_rows(path)
        if edit[0] == "header_only":
            rows = []
        elif edit[0] == "same_order" and len(rows) > 1:
            rows[1]["order"] = rows[0]["order"]
        elif edit[0] == "cell" and rows:
            rows[edit[3] % len(rows)][edit[2]] = edit[4]
        write_rows(path, header, rows)
