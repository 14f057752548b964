"""The validator: one broken fixture per rule, each reported as FILE:ROW: FIELD: message."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from atlas import DataError, load, validate
from tests.conftest import REPO, read_rows, set_cell, write_rows

INST = "institutes.csv"
SRC = "sources.csv"


def _cell(file: str, key_col: str, key: str, column: str, value: str) -> Callable[[Path], int]:
    def apply(d: Path) -> int:
        return set_cell(d / file, key_col, key, column, value)

    return apply


def _drop_column(file: str, column: str) -> Callable[[Path], int]:
    def apply(d: Path) -> int:
        header, rows = read_rows(d / file)
        write_rows(d / file, [h for h in header if h != column], rows)
        return 1

    return apply


def _add_column(file: str, column: str) -> Callable[[Path], int]:
    def apply(d: Path) -> int:
        header, rows = read_rows(d / file)
        write_rows(d / file, [*header, column], [{**r, column: "x"} for r in rows])
        return 1

    return apply


def _duplicate_row(file: str) -> Callable[[Path], int]:
    def apply(d: Path) -> int:
        header, rows = read_rows(d / file)
        write_rows(d / file, header, [*rows, rows[0]])
        return len(rows) + 2

    return apply


def _drop_sources_of(institute: str) -> Callable[[Path], int]:
    def apply(d: Path) -> int:
        header, rows = read_rows(d / SRC)
        write_rows(d / SRC, header, [r for r in rows if r["institute_id"] != institute])
        _, inst = read_rows(d / INST)
        return next(i + 2 for i, r in enumerate(inst) if r["id"] == institute)

    return apply


def _latin1(d: Path) -> int:
    text = (d / INST).read_text(encoding="utf-8")
    (d / INST).write_bytes(text.encode("utf-8").replace("Fès".encode(), b"F\xe8s"))
    return text[: text.index("Fès")].count("\n") + 1


def _not_csv(d: Path) -> int:
    (d / INST).write_text('id,kind\n"unterminated,hub\n', encoding="utf-8")
    return 2  # the row where the open quote starts


# (rule, mutation, file, field, words expected in the message)
CASES = [
    ("missing column", _drop_column(INST, "confidence"), INST, "confidence", "missing"),
    ("unknown column", _add_column(INST, "colour"), INST, "colour", "unknown column"),
    ("type", _cell(INST, "id", "jazari-dakhla", "lon", "west"), INST, "lon", "not a number"),
    ("empty required", _cell(INST, "id", "jazari-fes", "name_fr", ""), INST, "name_fr", "empty"),
    ("duplicate id", _duplicate_row(INST), INST, "id", "duplicate"),
    ("unknown region", _cell(INST, "id", "jazari-nador", "region_code", "13"), INST, "region_code", "region code"),
    ("unknown specialisation", _cell(INST, "id", "jazari-nador", "focus_areas", "energy;space"), INST,
     "focus_areas", "unknown specialisation 'space'"),
    ("unknown commentary specialisation", _cell(INST, "id", "jazari-guelmim", "specialisation_commentary", "fish"),
     INST, "specialisation_commentary", "unknown specialisation"),
    ("unknown status", _cell(INST, "id", "jazari-fes", "status", "planned"), INST, "status", "allowed values"),
    ("unknown confidence", _cell(INST, "id", "jazari-fes", "confidence", "sure"), INST, "confidence", "allowed"),
    ("malformed date", _cell(INST, "id", "jazari-fes", "status_date", "10/03/2026"), INST, "status_date", "not a date"),
    ("impossible date", _cell(INST, "id", "jazari-fes", "status_date", "2026-02-30"), INST, "status_date", "real date"),
    ("future date", _cell(INST, "id", "jazari-fes", "last_verified", "2999-01-01"), INST, "last_verified", "future"),
    ("outside Morocco", _cell(INST, "id", "jazari-fes", "lat", "48.8566"), INST, "lat", "outside Morocco"),
    ("outside its region", _cell(INST, "id", "jazari-guelmim", "lat", "23.6848"), INST, "lat", "outside region 10"),
    ("not an http URL", _cell(SRC, "source_id", "S001", "url", "javascript:alert(1)"), SRC, "url", "not an http(s)"),
    ("unsourced institute", _drop_sources_of("jazari-benguerir"), INST, "id", "no row in sources.csv"),
    ("control character", _cell(INST, "id", "jazari-root", "name_en", "JAZARI\x07ROOT"), INST, "name_en", "control"),
    ("unknown source institute", _cell(SRC, "source_id", "S002", "institute_id", "jazari-mars"), SRC,
     "institute_id", "unknown institute"),
    ("search before the newest source", _cell(INST, "id", "jazari-fes", "last_searched", "2026-03-01"), INST,
     "last_searched", "before last_verified"),
    ("search in the future", _cell(INST, "id", "jazari-fes", "last_searched", "2999-01"), INST, "last_searched",
     "future"),
    ("scorecard search before its source",
     _cell("accountability.csv", "last_verified", "2026-03-12", "last_searched", "2025"), "accountability.csv",
     "last_searched", "before last_verified"),
    ("unknown claim status", _cell("claims.csv", "key", "dakhla_500_mw", "status", "half"), "claims.csv", "status",
     "partly_confirmed"),
    ("partly confirmed without a source", _cell("claims.csv", "key", "dakhla_500_mw", "source_urls", ""), "claims.csv",
     "source_urls", "partly_confirmed claim needs the sources"),
    ("not UTF-8", _latin1, INST, "-", "not UTF-8"),
    ("not CSV", _not_csv, INST, "-", "not valid CSV"),
]


@pytest.mark.parametrize(("rule", "mutate", "file", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_names_file_row_and_field(data_copy: Path, rule, mutate, file, field, words):
    row = mutate(data_copy)
    ds, problems = validate(data_copy)
    assert ds is None
    lines = [str(p) for p in problems]
    prefix = f"{file}:{row}: {field}: "
    matching = [line for line in lines if line.startswith(prefix)]
    assert matching, f"{rule}: expected a line starting {prefix!r}, got {lines}"
    assert any(words in line for line in matching), (rule, matching)


def test_shipped_dataset_is_valid():
    ds, problems = validate(REPO / "data")
    assert problems == []
    assert ds is not None and len(ds.institutes) >= 6


def test_load_raises_one_error_with_every_problem(data_copy: Path):
    set_cell(data_copy / INST, "id", "jazari-fes", "status", "planned")
    set_cell(data_copy / INST, "id", "jazari-nador", "lat", "north")
    with pytest.raises(DataError) as info:
        load(data_copy)
    fields = {p.field for p in info.value.problems}
    assert {"status", "lat"} <= fields
    assert "institutes.csv:" in str(info.value)


def test_html_in_a_name_is_allowed_data(data_copy: Path):
    set_cell(data_copy / INST, "id", "jazari-fes", "name_en", "<img src=x onerror=alert(1)>")
    ds = load(data_copy)
    assert ds.institutes.loc["jazari-fes", "name_en"] == "<img src=x onerror=alert(1)>"


def test_missing_file_and_directory(tmp_path: Path, data_copy: Path):
    (data_copy / SRC).unlink()
    _, problems = validate(data_copy)
    assert any(str(p).startswith("sources.csv:-: -: file is missing") for p in problems)
    _, problems = validate(tmp_path / "nowhere")
    assert problems and "does not exist" in problems[0].message


def _cli(*args: str, env_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ}
    if env_dir is not None:
        env["ATLAS_DATA_DIR"] = str(env_dir)
    return subprocess.run([sys.executable, "-m", "atlas", *args], capture_output=True, text=True, cwd=REPO, env=env)


def test_cli_validate_ok_prints_summary():
    out = _cli("validate")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "valid" in out.stdout and "regions: 12" in out.stdout
    assert "Traceback" not in out.stderr


def test_cli_validate_broken_copy_from_env(data_copy: Path):
    row = set_cell(data_copy / INST, "id", "jazari-fes", "status", "planned")
    out = _cli("validate", env_dir=data_copy)
    assert out.returncode == 1
    assert f"institutes.csv:{row}: status: " in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_cli_validate_garbage_file_never_tracebacks(data_copy: Path):
    (data_copy / "regions.geojson").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (data_copy / SRC).write_bytes(bytes(range(256)))
    out = _cli("validate", str(data_copy))
    assert out.returncode == 1
    assert "regions.geojson:" in out.stdout and "sources.csv:" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
