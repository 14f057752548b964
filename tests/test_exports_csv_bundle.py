"""CSV files that carry their metadata (zip bundle), the French-Excel CSV variant, the accountability
scorecard in every table export, and Arabic list separators: read back as a user's tool would."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import pytest

from atlas import exports, tables
from atlas import scorecard as sc
from atlas.i18n import LANGS, t
from atlas.view import View
from tests.test_exports import FORMULA_START, HOSTILE, _is_number, assert_same, expected_frame, hostile_ds  # noqa: F401

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        return {name: zf.read(name) for name in zf.namelist()}


def read_fr_csv(data: bytes, table: tables.Table) -> pd.DataFrame:
    """Read a ``csv-fr`` file the way a French spreadsheet does: ``;`` between cells, decimal comma."""
    text_cols = {h: str for h, k in zip(table.headers, table.kinds, strict=True) if k in ("text", "url")}
    empty_is_missing = {h: [""] for h in table.headers if h not in text_cols}
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", sep=";", decimal=",", dtype=text_cols,
                       keep_default_na=False, na_values=empty_is_missing)


# --- French-locale Excel CSV ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("table", tables.TABLES)
def test_csv_fr_round_trips_with_semicolons_and_decimal_commas(ds, lang, table):
    view = View(lang=lang)
    data = exports.to_csv(ds, view, table, "csv-fr")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    tb = tables.table_data(ds, view, table)
    assert_same(read_fr_csv(data, tb), expected_frame(tb))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == exports.safe_frame(tb.frame()).columns.tolist()
    assert all(len(r) == len(rows[0]) for r in rows)  # every row opens in the same columns


def test_csv_fr_writes_decimal_commas_where_the_standard_csv_writes_points(ds):
    view = View(lang="fr", regions=("01",))
    tb = tables.summary_table(ds, view)
    fr = next(csv.DictReader(io.StringIO(exports.to_csv(ds, view, "regions", "csv-fr").decode("utf-8-sig")),
                             delimiter=";"))
    std = next(csv.DictReader(io.StringIO(exports.to_csv(ds, view, "regions", "csv").decode("utf-8-sig"))))
    decimals = [h for h, k in zip(tb.headers, tb.kinds, strict=True) if k in ("float1", "float2")]
    assert decimals
    for header in decimals:
        value = tb.rows[0][tb.keys[tb.headers.index(header)]]
        if value is None or float(value).is_integer():
            continue
        assert "," in fr[header] and "." not in fr[header], (header, fr[header])
        assert std[header] == fr[header].replace(",", "."), header
    population = tables.figure_header(ds, "population", "fr")
    assert fr[population] == std[population] and fr[population].isdigit()  # integers: no separator at all


@pytest.mark.parametrize("table", tables.TABLES)
def test_hostile_csv_fr_cells_cannot_run_as_formulas(hostile_ds, table):  # noqa: F811
    data = exports.to_csv(hostile_ds, View(lang="fr"), table, "csv-fr").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(data), delimiter=";") for cell in row]
    risky = [c for c in cells if c.startswith(FORMULA_START) and not _is_number(c.replace(",", "."))]
    assert risky == []
    assert any(c.startswith("'=HYPERLINK") or c.startswith("'@SUM") for c in cells)


def test_unknown_csv_format_is_refused(ds):
    with pytest.raises(ValueError, match="unknown CSV format"):
        exports.to_csv(ds, View(), "regions", "tsv")
    with pytest.raises(ValueError, match="zip bundle"):
        exports.export_bytes("xlsx", ds, View(), bundle=True)


# --- The CSV bundle: table + metadata.json + README.txt ---------------------------------------------


@pytest.mark.parametrize("fmt", exports.CSV_FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_csv_bundle_holds_the_bare_csv_and_its_version_date_and_filters(ds, fmt, lang):
    view = View(lang=lang, specialisations=("water",), regions=("10",))
    data = exports.to_csv_bundle(ds, view, "institutes", fmt, base_url="https://atlas.example.org/", now=NOW)
    files = unzip(data)
    csv_name = exports.filename("institutes", view, None, fmt, ds=ds, now=NOW)
    assert sorted(files) == sorted([csv_name, "metadata.json", "README.txt"])
    assert csv_name.endswith(".csv") and ("excel-fr" in csv_name) is (fmt == "csv-fr")
    assert files[csv_name] == exports.to_csv(ds, view, "institutes", fmt)  # the CSV stays a bare table

    doc = json.loads(files["metadata.json"])
    meta = doc["metadata"]
    assert meta["dataset_version"] == ds.version
    assert meta["exported_at"] == "2026-11-29T09:30:00Z"
    assert meta["filters"]["specialisations"] == ["water"] and meta["filters"]["regions"] == ["10"]
    assert meta["view_url"].startswith("https://atlas.example.org/?")
    assert doc["table"] == "institutes"
    assert doc["csv"]["file"] == csv_name
    assert (doc["csv"]["separator"], doc["csv"]["decimal"]) == ((";", ",") if fmt == "csv-fr" else (",", "."))
    assert [f["key"] for f in doc["fields"]] == tables.institutes_table_data(ds, view).keys

    readme = files["README.txt"].decode("utf-8-sig")
    assert csv_name in readme
    assert f"{t('export.meta.version', lang)}: {ds.version}" in readme
    assert f"{t('export.meta.exported_at', lang)}: 2026-11-29T09:30:00Z" in readme
    assert f"{t('export.meta.filters', lang)}: {tables.filters_text(ds, view)}" in readme
    assert "CC BY 4.0" in readme and "MIT" in readme


def test_export_bytes_gives_the_bundle_or_the_bare_csv(ds):
    view = View(lang="fr")
    bare = exports.export_bytes("csv-fr", ds, view, table="sources")
    assert bare == exports.to_csv(ds, view, "sources", "csv-fr")
    files = unzip(exports.export_bytes("csv-fr", ds, view, table="sources", bundle=True))
    assert bare in files.values()
    assert exports.mime("csv-fr") == "text/csv" and exports.mime("csv", bundle=True) == "application/zip"


def test_filenames_of_the_french_csv_and_of_bundles(ds):
    view = View(regions=("10",))
    assert exports.filename("summary", view, None, "csv-fr", ds=ds, now=NOW) == (
        "jazari-atlas_excel-fr_10-guelmim-oued-noun_2026-11-29.csv"
    )
    assert exports.filename("accountability", View(), None, "csv", ds=ds, now=NOW, bundle=True) == (
        "jazari-atlas_accountability_maroc_2026-11-29.zip"
    )


# --- The accountability scorecard in every table export ---------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_accountability_table_is_the_scorecard_of_every_shown_institute(ds, lang):
    tb = tables.accountability_table_data(ds, View(lang=lang))
    with_card = [i for i in ds.institutes.index if sc.scorecard(ds, i, lang) is not None]
    assert with_card and sorted({r["institute_id"] for r in tb.rows}) == sorted(with_card)
    for inst_id in with_card:
        card = sc.scorecard(ds, inst_id, lang)
        rows = [r for r in tb.rows if r["institute_id"] == inst_id]
        assert [r["question_key"] for r in rows] == [line.question for line in card.lines]
        assert [r["answer"] for r in rows] == [line.answer for line in card.lines]
        published = [r for r in rows if r["state"] == t("export.acc.published", lang)]
        assert len(published) == card.published
        assert all(r["source_url"].startswith("http") and r["source_publisher"] for r in published)
    assert all(r["answer"].strip() for r in tb.rows)  # never blank: a fact or "not published as of ..."
    missing = [r for r in tb.rows if r["state"] == t("export.acc.not_published", lang)]
    assert missing and all(r["answer"].startswith(t("panel.acc.not_published", lang, date="")[:5]) for r in missing)


def test_accountability_follows_the_view_filters(ds):
    tb = tables.accountability_table_data(ds, View(regions=("10",)))
    assert {r["region_code"] for r in tb.rows} == {"10"}
    assert len(tb.rows) == sc.region_scorecard_count(ds, "10", "fr")[1]
    assert tables.accountability_table_data(ds, View(regions=("01",))).rows == []  # no institute there


def test_accountability_is_a_sheet_of_the_workbook_and_a_key_of_the_json(ds):
    view = View(lang="ar", regions=("03",))
    tb = tables.accountability_table_data(ds, view)
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(ds, view, now=NOW)))
    sheet = wb[t("export.sheet.accountability", "ar")]
    assert sheet.sheet_view.rightToLeft
    assert [c.value for c in sheet[1]] == tb.headers
    assert sheet.max_row == len(tb.rows) + 1 == 8
    doc = json.loads(exports.to_json(ds, view, now=NOW))
    assert doc["accountability"] == tb.records()
    assert [f["key"] for f in doc["fields"]["accountability"]] == tb.keys


# --- Language of the cells ---------------------------------------------------------------------------


def test_arabic_cells_separate_list_items_with_the_arabic_comma(ds):
    for lang, sep in (("ar", "، "), ("fr", "; ")):
        tb = tables.institutes_table_data(ds, View(lang=lang))
        several = [r["focus_areas"] for r in tb.rows if len(ds.institutes.at[r["id"], "focus_list"]) > 1]
        assert several and all(sep in cell for cell in several), (lang, several)
        if lang == "ar":
            assert not any("; " in cell for cell in several)
        sources = tables.sources_table_data(ds, View(lang=lang))
        multi = [r["fields"] for r in sources.rows if sep.strip() in r["fields"]]
        assert multi, lang


def test_sources_note_column_is_not_labelled_english_but_the_metadata_says_so(ds):
    assert "(" not in t("export.col.note", "fr") and "(" not in t("export.col.note", "ar")
    fr = tables.metadata(ds, View(lang="fr"), now=NOW)
    assert fr["english_only"] == ["sources"]
    lines = dict(tables.metadata_rows(fr, "fr"))
    assert t("export.sheet.sources", "fr") in lines[t("export.meta.english_only_label", "fr")]
    assert tables.metadata(ds, View(lang="en"), now=NOW)["english_only"] == []
