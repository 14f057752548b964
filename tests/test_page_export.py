"""The export page and the download buttons, run with Streamlit's AppTest in each language."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from atlas import exports, tables
from atlas.i18n import LANGS, t

REPO = Path(__file__).resolve().parent.parent

DOWNLOADS_HARNESS = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
import streamlit as st
from ui import layout
from ui.downloads import render_downloads
ctx = layout.bootstrap()
render_downloads(ctx, "map_table")
"""


def export_page(lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/export.py")
    at.run()
    return at


def download_labels(at: AppTest) -> list[str]:
    return [el.proto.label for el in at.get("download_button")]


@pytest.mark.parametrize("lang", LANGS)
def test_export_page_offers_every_format_in_the_language(lang):
    at = export_page(lang)
    assert not at.exception, at.exception
    assert at.title[0].value == t("export.page.title", lang)
    labels = download_labels(at)
    for key in ("csv_regions", "csv_institutes", "csv_sources", "csv_accountability", "csv_caveats", "xlsx", "json",
                "geojson", "md", "html"):
        assert t(f"export.btn.{key}", lang) in labels, key
    assert at.button(key="export_pdf_prepare").label == t("export.page.pdf_prepare", lang)
    preview = at.dataframe[0].value
    assert len(preview) == 12
    assert t("export.col.code", lang) in preview.columns
    # in Arabic the preview reads from the right, like the page: the HCP code comes last
    assert (list(preview.columns)[-1] if lang == "ar" else list(preview.columns)[0]) == t("export.col.code", lang)
    about = at.expander[0]
    assert about.label == t("export.page.about", lang)
    text = " ".join(md.value for md in about.markdown)
    assert "CC BY 4\\.0" in text and "MIT" in text


def test_export_page_defaults_to_the_selected_region_and_builds_the_pdf_on_request(apptest_navigation_mode):
    at = export_page("ar", sel="10")
    assert not at.exception, at.exception
    chooser = at.selectbox(key="export_region_10")
    assert chooser.value == "10"
    assert at.dataframe[0].value[t("export.col.code", "ar")].tolist() == ["10"]
    assert t("export.btn.pdf", "ar") not in download_labels(at)  # nothing is built until asked

    at.button(key="export_pdf_prepare").click().run()
    assert not at.exception, at.exception
    assert t("export.btn.pdf", "ar") in download_labels(at)
    key, pdf = at.session_state["export_pdf"]
    assert pdf.startswith(b"%PDF") and key[2] == "10"
    assert "كلميم-واد نون" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    at.selectbox(key="export_region_10").set_value("").run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 12
    assert t("export.btn.pdf", "ar") not in download_labels(at)  # the national brief needs its own build


def test_render_downloads_gives_csv_excel_json_of_the_view():
    at = AppTest.from_string(DOWNLOADS_HARNESS, default_timeout=60)
    at.query_params["lang"] = "en"
    at.query_params["spec"] = "water"
    at.run()
    assert not at.exception, at.exception
    labels = download_labels(at)
    assert labels == [t("export.dl.csv", "en"), t("export.dl.xlsx", "en"), t("export.dl.json", "en")]


def test_deferred_builders_make_the_files_of_the_view(ds):
    from atlas.view import View
    from ui.downloads import deferred

    view = View(lang="ar", specialisations=("water",))
    expected = tables.regional_summary(ds, view)
    institutes = expected[t("export.col.institutes", "ar")].tolist()
    assert deferred("csv", ds, view)() == exports.to_csv(ds, view)
    with zipfile.ZipFile(io.BytesIO(deferred("csv", ds, view, bundle=True)())) as zf:
        assert exports.to_csv(ds, view) in [zf.read(n) for n in zf.namelist()]
        assert json.loads(zf.read("metadata.json"))["metadata"]["filters"]["specialisations"] == ["water"]
    sheet = pd.read_excel(io.BytesIO(deferred("xlsx", ds, view)()), sheet_name=0, dtype=object, keep_default_na=False)
    assert sheet[t("export.col.institutes", "ar")].tolist() == institutes
    doc = json.loads(deferred("json", ds, view)())
    assert [r["institutes"] for r in doc["regions"]] == institutes
    assert doc["metadata"]["filters"]["specialisations"] == ["water"]



@pytest.mark.parametrize("lang", ("fr", "ar"))
def test_csv_downloads_follow_the_chosen_dialect_and_say_they_are_zips_with_metadata(lang):
    at = export_page(lang, sel="03")
    assert not at.exception, at.exception
    radio = at.radio(key="export_csv_format")
    assert radio.label == t("export.page.csv_format", lang)
    assert radio.options == [t("export.page.csv_std", lang), t("export.page.csv_fr", lang)]
    assert t("export.page.csv_note", lang) in [c.value for c in at.caption]
    ids = [el.proto.id for el in at.get("download_button")]
    tables = ("summary", "institutes", "sources", "accountability", "caveats")
    assert all(any(i.endswith(f"export_{k}_csv") for i in ids) for k in tables), ids

    radio.set_value("csv-fr").run()
    assert not at.exception, at.exception
    ids = [el.proto.id for el in at.get("download_button")]
    assert all(any(i.endswith(f"export_{k}_csv-fr") for i in ids) for k in tables), ids
    assert not any(i.endswith("_csv") for i in ids)
    helps = {el.proto.label: el.proto.help for el in at.get("download_button")}
    assert helps[t("export.btn.csv_accountability", lang)] == t("export.help.csv_fr", lang)
    assert "zip" in helps[t("export.btn.csv_regions", lang)]
    from atlas.tables import TABLES

    sheets = str(len(TABLES) + 1)  # a sheet per table and "about"
    assert sheets in t("export.btn.xlsx", lang) and t("export.btn.xlsx", lang) in helps
