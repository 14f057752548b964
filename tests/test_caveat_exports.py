"""The commentary's caveats as an exported table: one row per caveat in each language, the view's region
scope, our reading apart from the commentary, in the Excel file and the JSON, and formula-safe."""

from __future__ import annotations

import csv
import io
import json
import shutil

import openpyxl
import pandas as pd
import pytest

from atlas import exports, load, tables
from atlas.caveats import caveat_evidence
from atlas.i18n import LANGS, pick, t
from atlas.view import View
from tests.conftest import DATA, read_rows, write_rows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def caveats(ds, view: View) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {row["key"]: row for row in tables.table_data(ds, view, "caveats").rows}


@pytest.mark.parametrize("lang", LANGS)
def test_one_row_per_caveat_in_order_with_its_anchor_texts_and_paragraphs(ds, lang):
    table = tables.table_data(ds, View(lang=lang), "caveats")
    assert [row["key"] for row in table.rows] == list(ds.caveats.index)
    assert [row["order"] for row in table.rows] == sorted(int(o) for o in ds.caveats["order"])
    assert table.headers == [t(f"export.col.cv.{k}", lang) for k in table.keys]
    for row in table.rows:
        source = ds.caveats.loc[row["key"]]
        assert row["anchor"] == "#caveat-" + row["key"].replace("_", "-")
        assert row["title"] == pick(source, "title", lang)
        assert row["commentary"] == pick(source, "commentary", lang)
        assert [int(p) for p in row["paragraphs"].replace("،", ",").split(",")] == [
            int(p) for p in str(source["paragraphs"]).split(";")]
        assert row["scope"] == t("export.cv.scope_national", lang, total=12)


@pytest.mark.parametrize("lang", LANGS)
def test_our_reading_has_its_own_column_labelled_as_the_atlas_s(ds, lang):
    table = tables.table_data(ds, View(lang=lang), "caveats")
    labels = dict(zip(table.keys, table.headers, strict=True))
    assert labels["reading"] != labels["commentary"]
    assert labels["reading"] == t("export.col.cv.reading", lang)
    frame = table.frame()
    for key, row in zip(ds.caveats.index, frame.to_dict("records"), strict=True):
        reading = pick(ds.caveats.loc[key], "reading", lang)
        assert row[labels["reading"]] == reading
        if reading:
            assert reading not in row[labels["commentary"]]


def test_national_evidence_counts_the_regions_each_flag_is_raised_for_and_credits_the_census(ds):
    rows = caveats(ds, View(lang="en"))
    for item in caveat_evidence(ds, None, "en"):
        row = rows[item.text.key]
        lines = row["flags"].split("\n") if row["flags"] else []
        assert len(lines) == len(item.flags)
        for line, flag in zip(lines, item.flags, strict=True):
            assert line.startswith(f"{flag.line.label}: {flag.summary}")
            for region in flag.line.regions:
                assert region.label in line
        has_figures = bool(item.flags or item.figure_texts)
        assert row["figures_credit"] == (t("cv.credit", "en") if has_figures else "")
    assert "HCP, RGPH 2024" in rows["critical_mass"]["figures_credit"]
    assert rows["announcements_vs_capacity"]["figures_credit"] == ""
    guelmim = ds.institutes.loc["jazari-guelmim", "name_en"]
    assert guelmim in rows["announcements_vs_capacity"]["institutes"]


def test_the_selected_region_or_the_one_region_filter_gives_that_region_s_evidence(ds):
    selected = caveats(ds, View(lang="fr", selected="10"))
    filtered = caveats(ds, View(lang="fr", regions=("10",)))
    assert selected == filtered
    row = selected["critical_mass"]
    assert row["scope"] == t("export.cv.scope_region", "fr", regions="10 Guelmim-Oued Noun")
    evidence = {e.text.key: e for e in caveat_evidence(ds, "10", "fr")}
    for flag in evidence["critical_mass"].flags:
        state = t("cv.flag_up" if flag.line.raised else "cv.flag_down", "fr", value=flag.line.value_text,
                  threshold=flag.line.threshold_text)
        assert f"{flag.line.label} : {state}. {flag.line.rule}" in row["flags"]
    assert "Dakhla" not in row["flags"]  # no other region's evidence
    assert ds.institutes.loc["jazari-guelmim", "name_fr"] in selected["announcements_vs_capacity"]["institutes"]
    assert "JAZARI ROOT" not in selected["announcements_vs_capacity"]["institutes"]
    national = caveats(ds, View(lang="fr"))
    assert national["critical_mass"]["flags"] != row["flags"]
    # The institute filters choose institutes, not caveats.
    assert caveats(ds, View(lang="fr", selected="10", specialisations=("industry",))) == selected


def test_several_regions_give_each_region_s_evidence_under_its_name(ds):
    rows = caveats(ds, View(lang="en", regions=("02", "10")))
    row = rows["critical_mass"]
    assert row["scope"] == t("export.cv.scope_regions", "en", regions="02 Oriental, 10 Guelmim-Oued Noun")
    lines = row["flags"].split("\n")
    per_region = len(caveat_evidence(ds, "10", "en")[1].flags)
    assert [line.split(":")[0] for line in lines] == ["Oriental"] * per_region + ["Guelmim-Oued Noun"] * per_region
    assert row["flag_reading"].count("\n") == per_region - 1  # our reasoning once, not once per region


@pytest.mark.parametrize("lang", LANGS)
def test_the_excel_file_has_a_caveats_sheet_in_the_language(ds, lang):
    view = View(lang=lang, selected="10")
    data = exports.to_xlsx(ds, view)
    name = t("export.sheet.caveats", lang)
    sheet = pd.read_excel(io.BytesIO(data), sheet_name=name, keep_default_na=False, dtype=object)
    table = tables.table_data(ds, view, "caveats")
    assert list(sheet.columns) == table.headers
    assert len(sheet) == len(ds.caveats)
    assert sheet[t("export.col.cv.reading", lang)].tolist() == [r["reading"] for r in table.rows]
    assert sheet[t("export.col.cv.flags", lang)].tolist() == [r["flags"] for r in table.rows]
    ws = openpyxl.load_workbook(io.BytesIO(data))[name]
    assert ws.sheet_view.rightToLeft is (True if lang == "ar" else None)


def test_the_json_export_carries_the_caveats_with_their_labels(ds):
    doc = json.loads(exports.to_json(ds, View(lang="ar", regions=("10",))))
    assert [r["key"] for r in doc["caveats"]] == list(ds.caveats.index)
    labels = {f["key"]: f["label"] for f in doc["fields"]["caveats"]}
    assert labels["reading"] == t("export.col.cv.reading", "ar")
    region = "10 " + ds.regions.at["10", "name_ar"]
    assert doc["caveats"][0]["scope"] == t("export.cv.scope_region", "ar", regions=region)
    assert doc["caveats"][0]["reading"] == ds.caveats.iloc[0]["reading_ar"]


def test_the_export_page_and_the_command_line_offer_the_caveats_csv(ds):
    assert "caveats" in tables.TABLES
    for lang in LANGS:
        assert t("export.btn.csv_caveats", lang)
    data = exports.export_bytes("csv-fr", ds, View(lang="fr"), table="caveats")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert header == [t(f"export.col.cv.{k}", "fr") for k in tables.table_data(ds, View(), "caveats").keys]


# --- A hostile caveats.csv ---------------------------------------------------------------------------

HOSTILE = {"title_fr": '=HYPERLINK("http://x","y")', "commentary_fr": "@SUM(A1)", "reading_fr": "+1+1",
           "title_en": "-2-2", "reading_en": "=1+1", "commentary_ar": "=WEBSERVICE(\"http://x\")"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):  # type: ignore[no-untyped-def]
    target = tmp_path_factory.mktemp("caveats") / "data"
    shutil.copytree(DATA, target)
    header, rows = read_rows(target / "caveats.csv")
    rows[0].update(HOSTILE)
    write_rows(target / "caveats.csv", header, rows)
    return load(target)


@pytest.mark.parametrize("fmt", ["csv", "csv-fr"])
@pytest.mark.parametrize("lang", LANGS)
def test_caveat_text_starting_with_a_formula_sign_stays_text_in_the_csv(hostile, fmt, lang):
    data = exports.to_csv(hostile, View(lang=lang), "caveats", fmt).decode("utf-8-sig")
    sep = ";" if fmt == "csv-fr" else ","
    cells = [cell for row in csv.reader(io.StringIO(data), delimiter=sep) for cell in row]
    assert [c for c in cells if c.startswith(FORMULA_START)] == []
    written = {"fr": ("title_fr", "commentary_fr", "reading_fr"), "en": ("title_en", "reading_en"),
               "ar": ("commentary_ar",)}[lang]
    for field in written:
        assert "'" + HOSTILE[field] in cells, field


def test_caveat_text_starting_with_a_formula_sign_stays_text_in_excel_and_as_is_in_json(hostile):
    for lang in LANGS:
        wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(hostile, View(lang=lang))))
        ws = wb[t("export.sheet.caveats", lang)]
        values = []
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), (cell.coordinate, cell.value)
                    values.append(cell.value)
        if lang == "fr":
            assert "'" + HOSTILE["title_fr"] in values and "'" + HOSTILE["reading_fr"] in values
    doc = json.loads(exports.to_json(hostile, View(lang="fr")))
    assert doc["caveats"][0]["title"] == HOSTILE["title_fr"]  # JSON is data: kept exactly
