"""``python -m atlas export``: each format writes its file; bad arguments and broken data are refused
with a message (exit 2 and 1), never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from atlas import cli
from atlas.i18n import t

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "atlas", "export", *args], cwd=REPO, capture_output=True, text=True, timeout=120,
        env=env,
    )


SIGNATURES = {
    "csv": b"\xef\xbb\xbf",
    "xlsx": b"PK\x03\x04",
    "json": b"{",
    "geojson": b"{",
    "md": b"# ",
    "pdf": b"%PDF-",
    "html": b"<!DOCTYPE html>",
}


@pytest.mark.parametrize("fmt", sorted(SIGNATURES))
def test_each_format_writes_its_file(tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = run("--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_bytes().startswith(SIGNATURES[fmt])
    assert str(out) in result.stdout


def test_directory_output_uses_the_standard_name_with_region_language_and_filters(tmp_path, ds):
    result = run("--format", "xlsx", "--region", "10", "--lang", "ar", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    (written,) = tmp_path.iterdir()
    assert written.name.startswith("jazari-atlas_10-guelmim-oued-noun_") and written.suffix == ".xlsx"
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames[0] == t("export.sheet.regions", "ar")
    sheet = pd.read_excel(written, sheet_name=0, dtype=object)
    assert sheet[t("export.col.code", "ar")].tolist() == ["10"]

    result = run("--format", "json", "-s", "industry", "-r", "3", "10", "-o", str(tmp_path / "x.json"))
    doc = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert [r["code"] for r in doc["regions"]] == ["03", "10"]
    assert [r["id"] for r in doc["institutes"]] == ["jazari-fes"]
    assert doc["metadata"]["filters"]["specialisations"] == ["industry"]


def test_csv_table_option_and_region_brief(tmp_path, ds):
    out = tmp_path / "sources.csv"
    assert run("--format", "csv", "--table", "sources", "-o", str(out)).returncode == 0
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert len(frame) == len(ds.sources)
    out = tmp_path / "brief.md"
    assert run("--format", "md", "--region", "12", "--lang", "en", "-o", str(out)).returncode == 0
    assert "Dakhla" in out.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--region", "13"], "unknown region code '13'"),
        (["--format", "csv", "--region", "Souss"], "unknown region code 'Souss'"),
        (["--format", "csv", "--specialisation", "space"], "unknown specialisation key(s) 'space'"),
        (["--format", "csv", "--lang", "de"], "invalid choice: 'de'"),
        (["--format", "docx"], "invalid choice: 'docx'"),
        (["--format", "pdf", "--region", "01", "02"], "one region or the whole country"),
        (["--format", "json", "--table", "sources"], "--table only applies to --format csv"),
        (["--format", "xlsx", "--zip"], "--zip only applies to --format csv or csv-fr"),
        (["--region", "01"], "the following arguments are required: --format"),
        (["--format", "csv", "-o", "/nonexistent/dir/out.csv"], "does not exist"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(tmp_path, args, message):
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "out")]
    result = run(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out").exists()


def test_broken_data_dir_exits_1_listing_problems(tmp_path, data_copy):
    inst = data_copy / "institutes.csv"
    inst.write_text(inst.read_text(encoding="utf-8").replace(",10,Guelmim,", ",99,Guelmim,", 1), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("--format", "csv", "--data-dir", str(data_copy), "-o", str(out))
    assert result.returncode == 1
    assert "institutes.csv:3: region_code:" in result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()


@pytest.mark.parametrize(("file", "key_col", "key", "column", "value"), [
    ("region_figures.csv", "code", "04", "population", "1e308"),
    ("region_figures.csv", "code", "04", "households", "１２"),
    ("flags.csv", "key", "thin_talent_pool", "threshold", "nan"),
    ("caveats.csv", "key", "critical_mass", "order", "1"),
])
def test_data_no_export_can_print_is_named_by_its_row_not_by_an_exception(tmp_path, data_copy, file, key_col, key,
                                                                          column, value):
    """Issue 32: not "error: the csv export failed: OverflowError", but the row to fix."""
    from tests.conftest import set_cell

    row = set_cell(data_copy / file, key_col, key, column, value)
    out = tmp_path / "out.csv"
    result = run("--format", "csv", "--data-dir", str(data_copy), "-o", str(out))
    assert result.returncode == 1
    assert f"{file}:{row}: {column}: " in result.stdout, result.stdout
    assert "export failed" not in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert not out.exists()


def test_missing_font_is_a_clear_error_not_a_traceback(tmp_path, monkeypatch, capsys):
    from atlas import brief_pdf

    monkeypatch.setattr(brief_pdf, "FONT_CANDIDATES", ("/nonexistent/DejaVuSans.ttf",))
    monkeypatch.setattr(brief_pdf.shutil, "which", lambda name: None)
    out = tmp_path / "brief.pdf"
    code = cli.main(["export", "--format", "pdf", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "fonts-dejavu-core" in err and "Traceback" not in err
    assert not out.exists()


def test_help_lists_the_formats():
    result = subprocess.run([sys.executable, "-m", "atlas", "export", "--help"], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0
    for fmt in ("csv", "csv-fr", "xlsx", "json", "geojson", "md", "pdf", "html", "accountability", "--zip"):
        assert fmt in result.stdout
    assert io.StringIO(result.stdout).readline().startswith("usage: python -m atlas export")


def test_french_excel_csv_of_the_scorecard_in_a_zip_with_its_metadata(tmp_path, ds):
    import zipfile

    from atlas import exports
    from atlas import scorecard as sc
    from atlas.view import View

    result = run("--format", "csv-fr", "--table", "accountability", "--zip", "--region", "3", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    (written,) = tmp_path.iterdir()
    assert written.name.startswith("jazari-atlas_accountability_excel-fr_03-fes-meknes_") and written.suffix == ".zip"
    with zipfile.ZipFile(written) as zf:
        names = zf.namelist()
        (csv_name,) = [n for n in names if n.endswith(".csv")]
        assert sorted(names) == sorted([csv_name, "metadata.json", "README.txt"])
        frame = pd.read_csv(zf.open(csv_name), encoding="utf-8-sig", sep=";", dtype=str)
        meta = json.loads(zf.read("metadata.json"))
    assert frame[t("export.col.acc.question", "fr")].tolist() == [
        line.label for line in sc.scorecard(ds, "jazari-fes", "fr").lines
    ]
    assert meta["metadata"]["dataset_version"] == ds.version
    assert meta["metadata"]["filters"]["regions"] == ["03"]
    assert meta["csv"]["separator"] == ";"

    bare = tmp_path / "summary.csv"
    assert run("--format", "csv-fr", "-o", str(bare)).returncode == 0
    assert bare.read_bytes() == exports.to_csv(ds, View(lang="fr"), "regions", "csv-fr")
