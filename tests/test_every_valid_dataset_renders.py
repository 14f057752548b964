"""Issues 10 and 32: every dataset that ``validate`` accepts renders every page (AppTest, fr and ar),
every export format and the static edition's pages, feeds and API. Explicit reproductions first, then
property tests over generated variants of the shipped dataset: variants that stay valid, and the
shapes of issue 32 (``tests/dataset_shapes.py``), which ``validate`` must refuse with
``FILE:ROW: FIELD: message`` lines or which must render."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from atlas import validate
from atlas.dataset import REQUIRED_FIGURES
from atlas.i18n import LANGS
from atlas.provinces import ESTIMATE_TOLERANCE, EXACT_SUMS
from tests.conftest import DATA, read_rows, write_rows
from tests.dataset_shapes import apply_shape, shapes
from tests.render_all import build_edition, build_exports, render_pages

OPTIONAL_FIGURES = [k for k in (r["key"] for r in read_rows(DATA / "figures.csv")[1]) if k not in REQUIRED_FIGURES]
INSTITUTE_IDS = [r["id"] for r in read_rows(DATA / "institutes.csv")[1]]
REGION_CODES = [f"{i:02d}" for i in range(1, 13)]
LONG_TEXT_COLUMNS = [f"{b}_{lang}" for b in ("name", "city", "partners", "notes") for lang in LANGS]


def keep_institutes(data: Path, keep: list[str]) -> None:
    header, rows = read_rows(data / "institutes.csv")
    write_rows(data / "institutes.csv", header, [r for r in rows if r["id"] in keep])
    header, rows = read_rows(data / "sources.csv")
    write_rows(data / "sources.csv", header, [r for r in rows if r["institute_id"] in keep])
    # The files that name institutes keep only the rows of the institutes kept.
    for name, column in (("changes.csv", "subject"), ("accountability.csv", "institute_id")):
        if (data / name).exists():
            header, rows = read_rows(data / name)
            write_rows(data / name, header, [r for r in rows if r[column] in keep or r[column] in REGION_CODES])
    if (data / "change_sources.csv").exists():  # and the sources of the changes kept
        changes = {r["id"] for r in read_rows(data / "changes.csv")[1]} if (data / "changes.csv").exists() else set()
        header, rows = read_rows(data / "change_sources.csv")
        write_rows(data / "change_sources.csv", header, [r for r in rows if r["change_id"] in changes])


def drop_figures(data: Path, keys: set[str]) -> None:
    header, rows = read_rows(data / "figures.csv")
    write_rows(data / "figures.csv", header, [r for r in rows if r["key"] not in keys])
    for name in ("region_figures.csv", "province_figures.csv"):
        header, rows = read_rows(data / name)
        write_rows(data / name, [h for h in header if h not in keys], rows)
    header, rows = read_rows(data / "flags.csv")
    flags = {r["key"] for r in rows if r["figure"] in keys}
    write_rows(data / "flags.csv", header, [r for r in rows if r["figure"] not in keys])
    header, rows = read_rows(data / "caveats.csv")
    for r in rows:
        r["figures"] = ";".join(k for k in r["figures"].split(";") if k and k not in keys)
        r["flags"] = ";".join(k for k in r["flags"].split(";") if k and k not in flags)
    write_rows(data / "caveats.csv", header, rows)


def _scale(rows: list[dict[str, str]], key: str, want: int) -> None:
    """Whole numbers in ``rows[*][key]`` that keep their proportions and add up to ``want`` exactly."""
    if not rows:
        return
    total = sum(float(r[key]) for r in rows)
    for r in rows[:-1]:
        r[key] = str(int(float(r[key]) * want // total) if total else 0)
    rows[-1][key] = str(want - sum(int(r[key]) for r in rows[:-1]))


def set_figure(data: Path, code: str, key: str, value: str) -> None:
    """A region's figure set to ``value``; its provinces' counts (and for the population, their
    communes') scaled to add up to it exactly."""
    header, rows = read_rows(data / "region_figures.csv")
    for r in rows:
        if r["code"] == code and key in r:
            r[key] = value
    write_rows(data / "region_figures.csv", header, rows)
    if key not in (*EXACT_SUMS, *ESTIMATE_TOLERANCE):
        return
    header, rows = read_rows(data / "province_figures.csv")
    mine = [r for r in rows if r["code"].startswith(code + ".") and key in r]
    _scale(mine, key, int(float(value)))
    write_rows(data / "province_figures.csv", header, rows)
    if key == "population":
        c_header, communes = read_rows(data / "communes.csv")
        for province in mine:
            _scale([c for c in communes if c["province_code"] == province["code"]], key, int(province[key]))
        write_rows(data / "communes.csv", c_header, communes)


def set_institute_text(data: Path, column: str, text: str, ids: list[str] | None = None) -> None:
    header, rows = read_rows(data / "institutes.csv")
    for r in rows:
        if ids is None or r["id"] in ids:
            r[column] = text
    write_rows(data / "institutes.csv", header, rows)


LINE = re.compile(r'^[\w.]+:(\d+|-): ([\w.-]+|".*"): .+$', re.S)


def check(data: Path, lang: str, code: str = "10") -> None:
    ds, problems = validate(data)
    assert problems == [], [str(p) for p in problems[:5]]
    render_pages(data, lang, sel=code)
    build_exports(data, lang, code)
    build_edition(data, lang, code)


# --- The reproductions of the issue, each rendered in fr and ar ------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_an_empty_network_renders_everywhere(data_copy: Path, lang):
    keep_institutes(data_copy, [])
    check(data_copy, lang)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_six_thousand_character_note_is_cut_in_the_pdf(data_copy: Path, lang):
    word = "ملاحظة" if lang == "ar" else "remarque"
    set_institute_text(data_copy, f"notes_{lang}", " ".join([word] * 700)[:6000])
    set_institute_text(data_copy, f"partners_{lang}", "x" * 3000)  # one word with no space to break at
    files = build_exports(data_copy, lang, "10")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf:regions:None"])).pages)
    assert "…" in text


OPTIONAL_TABLES = ["flags.csv", "caveats.csv", "claims.csv", "region_areas.csv", "changes.csv", "change_sources.csv",
                   "accountability.csv"]


def test_every_table_that_may_be_empty_renders_with_its_header_only(data_copy: Path):
    """Issue 32: a table other than institutes.csv holding only its header. These may: the pages
    show no flag, caveat, claim, area, change or scorecard."""
    apply_shape(data_copy, [("header_only", name) for name in OPTIONAL_TABLES])
    check(data_copy, "ar", "10")


def test_an_empty_network_renders_without_specialisations(data_copy: Path):
    keep_institutes(data_copy, [])
    apply_shape(data_copy, [("header_only", "specialisations.csv"), ("header_only", "changes.csv"),
                            ("header_only", "change_sources.csv")])
    check(data_copy, "fr", "01")


# --- The properties -----------------------------------------------------------------------------


@st.composite
def variants(draw):
    """A list of edits that keep the shipped dataset valid, and the page language."""
    edits = []
    size = draw(st.sampled_from(["all", "empty", "one", "some"]))
    if size == "empty":
        edits.append(("keep", []))
    elif size == "one":
        edits.append(("keep", [draw(st.sampled_from(INSTITUTE_IDS))]))
    elif size == "some":
        edits.append(("keep", draw(st.lists(st.sampled_from(INSTITUTE_IDS), min_size=1, unique=True))))
    dropped = draw(st.sets(st.sampled_from(OPTIONAL_FIGURES)))
    if dropped:
        edits.append(("drop", dropped))
    kept = [k for k in (*REQUIRED_FIGURES, *OPTIONAL_FIGURES) if k not in dropped]
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from(kept))
        huge = "100" if key.endswith(("_share", "_rate")) or key.startswith("literacy") else "1e12"
        value = draw(st.sampled_from(["1" if key == "population" else "0", huge]))
        edits.append(("figure", draw(st.sampled_from(REGION_CODES)), key, value))
    for _ in range(draw(st.integers(0, 2))):
        column = draw(st.sampled_from(LONG_TEXT_COLUMNS))
        unit = draw(st.sampled_from(["mot ", "كلمة ", "Word", "a-b "]))
        edits.append(("text", column, (unit * draw(st.integers(200, 2000))).strip()))
    if draw(st.booleans()):  # the same name for every institute (names are not identifiers)
        edits.append(("text", draw(st.sampled_from(["name_fr", "name_ar", "name_en"])), "Jazari"))
    return edits, draw(st.sampled_from(["fr", "ar"])), draw(st.sampled_from(REGION_CODES))


def apply(data: Path, edits: list) -> None:
    for edit in edits:
        if edit[0] == "keep":
            keep_institutes(data, edit[1])
        elif edit[0] == "drop":
            drop_figures(data, edit[1])
        elif edit[0] == "figure":
            set_figure(data, *edit[1:])
        else:
            set_institute_text(data, edit[1], edit[2])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(variants())
def test_every_valid_variant_renders_every_page_and_export(case):
    edits, lang, code = case
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(DATA, data)
        apply(data, edits)
        check(data, lang, code)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(shapes(), st.sampled_from(["fr", "ar"]), st.sampled_from(REGION_CODES))
def test_every_shape_of_issue_32_is_refused_with_its_row_or_renders(edits, lang, code):
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(DATA, data)
        apply_shape(data, edits)
        ds, problems = validate(data)
        if problems:
            assert ds is None
            for p in problems:
                assert LINE.match(str(p)), str(p)
        else:
            check(data, lang, code)
