"""One fact reads the same on every surface (issue 12): every figure of every region, in each
language, is written identically in the map's tooltip, the side panel, the Markdown and PDF briefs,
and the regions table and CSV show the same number at the same precision."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from pypdf import PdfReader

from atlas import brief, brief_pdf, exports, mapview, tables
from atlas import regionview as rv
from atlas.i18n import LANGS, pick, t
from atlas.present import UNIT_DECIMALS, format_value
from atlas.view import View


def _region_tips(ds, view: View) -> dict[str, str]:
    """Region code -> the text of its map tooltip (character references decoded)."""
    layer = mapview.regions_layer(ds, view, ds.institutes)
    geojson = next(child for child in layer._children.values() if hasattr(child, "data"))
    return {f["properties"]["code"]: html.unescape(f["properties"]["tip"]) for f in geojson.data["features"]}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_reads_the_same_in_map_panel_and_briefs(ds, lang):
    for key, fdef in ds.figure_defs.iterrows():
        if key not in ds.figures.columns:
            continue
        unit = str(fdef["unit"])
        tips = _region_tips(ds, View(lang=lang, figure=str(key)))
        for code in ds.regions.index:
            expected = format_value(ds.figures.at[code, key], unit, lang)
            # map: the region tooltip carries "label: <b>value</b>"
            assert f"<b>{expected}</b>" in tips[code], (key, code, expected)
            # side panel
            line = next(f for f in rv.region_card(ds, code, lang).figures if f.key == key)
            assert line.value_text == expected, (key, code, line.value_text, expected)
    for code in ("03", "10"):
        view = View(lang=lang)
        md = brief.to_markdown_brief(ds, view, code).decode("utf-8")
        pdf_bytes = brief_pdf.to_pdf_brief(ds, view, code)
        pdf = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
        for key, fdef in ds.figure_defs.iterrows():
            if key not in ds.figures.columns:
                continue
            expected = format_value(ds.figures.at[code, key], str(fdef["unit"]), lang)
            assert brief.md_text(expected) in md, (code, key, expected)
            assert _squeeze(expected) in _squeeze(pdf), (code, key, expected)


def test_the_example_of_the_issue_reads_30_25_everywhere(ds):
    value = ds.figures.at["03", "businesses_per_1000"]
    assert format_value(value, "per_1000", "fr") == "30,25"
    line = next(f for f in rv.region_card(ds, "03", "fr").figures if f.key == "businesses_per_1000")
    assert line.value_text == "30,25"
    assert "<b>30,25</b>" in _region_tips(ds, View(lang="fr", figure="businesses_per_1000"))["03"]


def test_regions_table_and_csv_hold_the_same_numbers_at_the_unit_precision(ds):
    view = View(lang="en")
    table = tables.summary_table(ds, view)
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(ds, view, "regions").decode("utf-8-sig"))))
    for key, fdef in ds.figure_defs.iterrows():
        if key not in ds.figures.columns:
            continue
        header = table.headers[table.keys.index(str(key))]
        unit = str(fdef["unit"])
        for row in rows:
            code = row[t("export.col.code", "en")]
            cell = row[header]
            # The CSV keeps the full number (machines read it); shown at the unit's precision it is
            # the very string the map and the panel show.
            assert format_value(float(cell), unit, "en") == format_value(ds.figures.at[code, key], unit, "en")
    assert set(UNIT_DECIMALS) >= set(ds.figure_defs["unit"]), "a figure's unit has no decimals rule"
    assert all(pick(fdef, "label", "en") for _, fdef in ds.figure_defs.iterrows())
