"""Issue 10: every dataset that ``validate`` accepts renders, and hostile files end in a
``FILE:ROW: FIELD: message`` line (never a traceback, a hang or unbounded memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from atlas import validate
from atlas.geo import MAX_GEOJSON_BYTES
from tests.conftest import REPO, read_rows, set_cell, unreadable, write_rows

INST, SRC, FIG, RFIG, REG, GEO = (
    "institutes.csv", "sources.csv", "figures.csv", "region_figures.csv", "regions.csv", "regions.geojson",
)


def problems_of(data: Path) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a shapely RuntimeWarning is a failure too
        ds, problems = validate(data)
    assert ds is None, "expected the dataset to be refused"
    return [str(p) for p in problems]


def assert_line(lines: list[str], prefix: str, words: str) -> None:
    hits = [line for line in lines if line.startswith(prefix)]
    assert hits, f"no line starting {prefix!r} in {lines}"
    assert any(words in line for line in hits), hits


# --- Datasets that validate used to accept and pages could not render -------------------------


def test_source_date_must_be_a_date(data_copy: Path):
    row = set_cell(data_copy / FIG, "key", "population", "source_date", "n.d.")
    lines = problems_of(data_copy)
    assert_line(lines, f"{FIG}:{row}: source_date: ", "'n.d.' is not a date")
    assert len(lines) == 1, lines  # the figure's column and flags are not reported again as "unknown"


def test_population_must_be_above_zero(data_copy: Path):
    header, rows = read_rows(data_copy / RFIG)
    rows[0]["population"] = "0"
    write_rows(data_copy / RFIG, header, rows)
    assert_line(problems_of(data_copy), f"{RFIG}:2: population: ", "must be above zero")


def test_population_figure_is_required(data_copy: Path):
    """The figure removed with its column and every reference to it."""
    header, rows = read_rows(data_copy / FIG)
    write_rows(data_copy / FIG, header, [r for r in rows if r["key"] != "population"])
    for name in (RFIG, "province_figures.csv"):
        header, rows = read_rows(data_copy / name)
        write_rows(data_copy / name, [h for h in header if h != "population"], rows)
    header, rows = read_rows(data_copy / "flags.csv")
    dropped = {r["key"] for r in rows if r["figure"] == "population"}
    write_rows(data_copy / "flags.csv", header, [r for r in rows if r["figure"] != "population"])
    header, rows = read_rows(data_copy / "caveats.csv")
    for r in rows:
        r["figures"] = ";".join(k for k in r["figures"].split(";") if k and k != "population")
        r["flags"] = ";".join(k for k in r["flags"].split(";") if k and k not in dropped)
    write_rows(data_copy / "caveats.csv", header, rows)
    expected = "figures.csv:-: key: figure 'population' is required (the regions page charts it)"
    assert problems_of(data_copy) == [expected]


def test_sources_of_removed_institutes_are_refused(data_copy: Path):
    header, _ = read_rows(data_copy / INST)
    write_rows(data_copy / INST, header, [])
    lines = [line for line in problems_of(data_copy) if line.startswith(f"{SRC}:")]
    _, sources = read_rows(data_copy / SRC)
    assert len(lines) == len(sources) > 20  # one line per source row (changes.csv has its own lines)
    assert_line(lines, f"{SRC}:2: institute_id: ", "unknown institute 'jazari-root'")


@pytest.mark.parametrize(("file", "column"), [(FIG, "label_fr"), (FIG, "label_ar"), ("specialisations.csv", "label_en"),
                                              ("flags.csv", "label_fr"), (REG, "name_ar")])
def test_duplicate_labels_are_refused(data_copy: Path, file, column):
    header, rows = read_rows(data_copy / file)
    rows[1][column] = rows[0][column]
    write_rows(data_copy / file, header, rows)
    assert_line(problems_of(data_copy), f"{file}:3: {column}: ", "same label as row 2")


# --- Text that misleads -------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200c", "\u200d", "\ufeff"])
def test_bidi_and_zero_width_characters_are_refused(data_copy: Path, char):
    row = set_cell(data_copy / REG, "code", "10", "name_fr", f"Souss{char}-Massa")
    assert_line(problems_of(data_copy), f"{REG}:{row}: name_fr: ", f"U+{ord(char):04X}")


def test_the_issue_spoofed_region_name_is_refused(data_copy: Path):
    row = set_cell(data_copy / REG, "code", "10", "name_fr", "Souss\u200b-\u202eassaM\u202c")
    assert_line(problems_of(data_copy), f"{REG}:{row}: name_fr: ", "invisible character U+200B")


def test_direction_marks_stay_allowed(data_copy: Path):
    set_cell(data_copy / INST, "id", "jazari-fes", "notes_ar", "\u200fملاحظة (2025)\u200e")
    ds, problems = validate(data_copy)
    assert problems == []


# --- Hostile files --------------------------------------------------------------------------------


def test_a_directory_instead_of_a_file(data_copy: Path):
    (data_copy / INST).unlink()
    (data_copy / INST).mkdir()
    assert_line(problems_of(data_copy), f"{INST}:-: -: ", "is a directory")


def test_a_fifo_does_not_hang(data_copy: Path):
    (data_copy / INST).unlink()
    os.mkfifo(data_copy / INST)
    result = subprocess.run([sys.executable, "-m", "atlas", "validate", str(data_copy)], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"{INST}:-: -: is not a regular file" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_symlink_to_a_device_is_refused(data_copy: Path):
    (data_copy / INST).unlink()
    (data_copy / INST).symlink_to("/dev/zero")
    assert_line(problems_of(data_copy), f"{INST}:-: -: ", "symbolic link that leads out of the data directory")


def test_a_symlink_out_of_the_data_directory_is_not_followed(data_copy: Path, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FIRST-LINE,x\n1,2\n", encoding="utf-8")
    (data_copy / INST).unlink()
    (data_copy / INST).symlink_to(secret)
    lines = problems_of(data_copy)
    assert_line(lines, f"{INST}:-: -: ", "leads out of the data directory")
    assert "SECRET" not in "\n".join(lines)


def test_a_symlink_inside_the_data_directory_is_read(data_copy: Path):
    (data_copy / INST).rename(data_copy / "institutes-2026.csv")
    (data_copy / INST).symlink_to("institutes-2026.csv")
    ds, problems = validate(data_copy)
    assert problems == []


def test_a_csv_over_the_size_limit_is_not_read(data_copy: Path):
    from atlas.datafiles import MAX_CSV_BYTES

    with (data_copy / SRC).open("r+b") as fh:
        fh.truncate(MAX_CSV_BYTES + 1)  # sparse: no disk used
    assert_line(problems_of(data_copy), f"{SRC}:-: -: ", f"over the limit of {MAX_CSV_BYTES:,} bytes")


@pytest.mark.parametrize("depth", [100_000, MAX_GEOJSON_BYTES // 2 - 10])
def test_deeply_nested_geojson(data_copy: Path, depth: int):
    (data_copy / GEO).write_text("[" * depth + "]" * depth, encoding="utf-8")
    words = "nested too deeply" if 2 * depth <= MAX_GEOJSON_BYTES else "over the limit"
    assert_line(problems_of(data_copy), f"{GEO}:-: -: ", words)


def test_nan_coordinate_in_geojson_without_warning(data_copy: Path):
    text = (data_copy / GEO).read_text(encoding="utf-8")
    obj = json.loads(text)
    geometry = obj["features"][0]["geometry"]
    ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
    ring[1] = ["NaN-HERE", ring[1][1]]
    (data_copy / GEO).write_text(json.dumps(obj).replace('"NaN-HERE"', "NaN"), encoding="utf-8")
    assert_line(problems_of(data_copy), f"{GEO}:-: -: ", "NaN is not a number JSON allows")


def test_nan_coordinate_in_shapes_is_refused_without_warning():
    from atlas import geo

    obj = json.loads((REPO / "data" / GEO).read_text(encoding="utf-8"))
    geometry = obj["features"][0]["geometry"]
    ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
    ring[1] = [float("nan"), ring[1][1]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="not a finite number"):
            geo.shapes_from_geojson(obj)


def _replace_shape(data: Path, code: str, shape: shapely.Geometry) -> None:
    obj = json.loads((data / GEO).read_text(encoding="utf-8"))
    for feature in obj["features"]:
        if feature["properties"]["code"] == code:
            feature["geometry"] = json.loads(shapely.to_geojson(shape))
    (data / GEO).write_text(json.dumps(obj), encoding="utf-8")


def test_geometry_over_the_budget_is_refused(data_copy: Path):
    from atlas import geo

    shapes = geo.load_regions(data_copy / GEO)
    _replace_shape(data_copy, "10", shapely.segmentize(shapes["10"], 0.0005))  # about a megabyte
    assert (data_copy / GEO).stat().st_size > 10 * MAX_GEOJSON_BYTES
    assert_line(problems_of(data_copy), f"{GEO}:-: -: ", f"over the limit of {MAX_GEOJSON_BYTES:,} bytes")


def test_overlapping_regions_are_refused(data_copy: Path):
    from atlas import geo

    shapes = geo.load_regions(data_copy / GEO)
    _replace_shape(data_copy, "10", shapes["10"].buffer(0.2).simplify(0.05))
    assert_line(problems_of(data_copy), f"{GEO}:-: -: ", "overlap")


@pytest.mark.parametrize("kind", ["directory", "nested", "symlink"])
def test_hostile_files_show_the_error_panel(data_copy: Path, monkeypatch, kind):
    if kind == "directory":
        (data_copy / INST).unlink()
        (data_copy / INST).mkdir()
        expected = f"{INST}:-: -: is a directory"
    elif kind == "nested":
        (data_copy / GEO).write_text("[" * 20_000 + "]" * 20_000, encoding="utf-8")
        expected = f"{GEO}:-: -: not a usable GeoJSON of the regions: nested too deeply"
    else:
        (data_copy / INST).unlink()
        (data_copy / INST).symlink_to("/dev/zero")
        expected = f"{INST}:-: -: is a symbolic link"
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error
    assert expected in at.code[0].value


# --- Issue 32: what validate used to accept and a page, an export or publish could not handle ------


@pytest.mark.parametrize(("file", "words"), [
    (REG, "the 12 HCP regions are required"),
    (FIG, "figure 'population' is required"),
    (RFIG, "expected one row per region"),
])
def test_a_required_table_with_its_header_only_is_refused(data_copy: Path, file, words):
    header, _ = read_rows(data_copy / file)
    write_rows(data_copy / file, header, [])
    assert_line(problems_of(data_copy), f"{file}:", words)


@pytest.mark.parametrize(("value", "words"), [
    ("1e308", "too large"), ("1e400", "too large"), ("1e16", "too large"), ("nan", "is not a number"),
    ("inf", "is not a number"), ("-1", "below 0"), ("1e-300", "too small"), ("１２", "is not a number"),
    ("1_000", "is not a number"), ("0x10", "is not a number"),
])
def test_a_figure_that_no_format_can_print_is_refused(data_copy: Path, value, words):
    header, rows = read_rows(data_copy / RFIG)
    rows[3]["households"] = value
    write_rows(data_copy / RFIG, header, rows)
    assert_line(problems_of(data_copy), f"{RFIG}:5: households: ", words)


@pytest.mark.parametrize(("file", "key_col", "key", "column", "value", "words"), [
    ("flags.csv", "key", "thin_talent_pool", "threshold", "nan", "is not a number"),
    ("flags.csv", "key", "thin_talent_pool", "threshold", "-0.5", "below 0"),
    ("flags.csv", "key", "thin_talent_pool", "threshold", "inf", "is not a number"),
    ("flags.csv", "key", "thin_talent_pool", "threshold", "5000", "too large for a multiple of the median"),
    ("flags.csv", "key", "thin_talent_pool", "threshold", "０.5", "is not a number"),
    (INST, "id", "jazari-fes", "lat", "３４.0", "is not a number"),
    (INST, "id", "jazari-fes", "lon", "-5_0", "is not a number"),
    ("region_areas.csv", "code", "03", "official_area_km2", "1e400", "too large"),
    ("region_areas.csv", "code", "03", "official_area_km2", "２０", "is not a number"),
    ("caveats.csv", "key", "resourcing", "order", "１", "is not an order"),
    ("caveats.csv", "key", "resourcing", "order", "9" * 30, "is not an order"),
    ("caveats.csv", "key", "resourcing", "key", "Resourcing!", "is not a lower-case key"),
    ("claims.csv", "key", "ranking_111_to_87", "key", "a.b c", "is not a lower-case key"),
    (FIG, "key", "households", "key", "House holds", "is not a lower-case key"),
    ("flags.csv", "key", "thin_talent_pool", "key", "<b>thin</b>", "is not a lower-case key"),
    (SRC, "source_id", "S001", "source_id", "S 1 <i>", "is not a source id"),
    (SRC, "source_id", "S001", "language", "<b>français</b>", "is not a language code"),
    (SRC, "source_id", "S001", "language", "zz", "is not a language code"),
    ("specialisations.csv", "key", "water", "icon", "{{x}} <b>", "is not the name of a Font Awesome 6 solid"),
    ("specialisations.csv", "key", "water", "icon", "not-an-icon-xyz", "is not the name of a Font Awesome 6 solid"),
    (INST, "id", "jazari-fes", "status_date", "２０２５", "is not a date"),
    ("region_areas.csv", "code", "03", "source_date", "yesterday", "is not a date"),
    (SRC, "source_id", "S001", "published", "soon", "is not a date"),
    ("changes.csv", "id", "C001", "what_fr", "Convention\ufffe signée", "U+FFFE"),
    (SRC, "source_id", "S001", "publisher", "Hespress\uffff", "U+FFFF"),
])
def test_text_and_numbers_that_break_a_page_are_refused_on_their_row(data_copy, file, key_col, key, column, value,
                                                                     words):
    row = set_cell(data_copy / file, key_col, key, column, value)
    assert_line(problems_of(data_copy), f"{file}:{row}: {column}: ", words)


@pytest.mark.parametrize("file", ["caveats.csv", "claims.csv"])
def test_two_rows_with_the_same_order_are_refused(data_copy: Path, file):
    header, rows = read_rows(data_copy / file)
    rows[2]["order"] = rows[0]["order"]
    write_rows(data_copy / file, header, rows)
    assert_line(problems_of(data_copy), f"{file}:4: order: ", "same order as row 2")


def test_at_most_a_thousand_problems_are_listed_per_file(data_copy: Path):
    from atlas.datafiles import MAX_PROBLEMS_PER_FILE

    header, rows = read_rows(data_copy / SRC)
    bad = [{**rows[0], "source_id": f"S{i:05d}", "language": "??"} for i in range(MAX_PROBLEMS_PER_FILE + 250)]
    write_rows(data_copy / SRC, header, rows + bad)
    lines = [line for line in problems_of(data_copy) if line.startswith(f"{SRC}:")]
    assert len(lines) == MAX_PROBLEMS_PER_FILE + 1
    assert f"{SRC}:-: -: 250 more rows not checked (after the first 1,000 problems of this file)" in lines


def test_an_unreadable_data_directory_is_one_clear_problem(data_copy: Path, monkeypatch, capsys):
    from atlas import cli

    with unreadable(data_copy):
        assert problems_of(data_copy) == [f"{data_copy}:-: -: cannot read the data directory: Permission denied"]
        assert cli.main(["validate", str(data_copy)]) == 1
    out = capsys.readouterr()
    assert "cannot read the data directory: Permission denied" in out.out and "Traceback" not in out.err
