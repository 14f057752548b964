"""The map with thousands of institutes (synthetic datasets from ``atlas.synthetic``): it builds, stays
under 2 MB, draws one point per institute, and still escapes every text from the data.

Sizes only: speed figures come from ``bench/scale.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import shapely

from atlas import cli, load, mapview, synthetic
from atlas.text import h
from atlas.view import View, apply_filters
from tests.conftest import DATA, read_rows, write_rows
from tests.support.folium_sent import payload_bytes
from tests.support.map_page import region_features

MAX_BYTES = 2_000_000
POINTS = re.compile(r"/\*atlas-points\*/(.*)/\*end-atlas-points\*/", re.S)
JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`\\</script><script>alert(3)</script>'\"&amp;"


def points_in(page: str) -> dict:
    found = POINTS.findall(page)
    assert len(found) == 1, "the institutes must be ONE point layer"
    literal = found[0]  # a single-quoted JavaScript string of the JSON, its backslashes doubled
    assert literal[0] == literal[-1] == "'" and "'" not in literal[1:-1]
    return json.loads(literal[1:-1].replace("\\\\", "\\"))


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return synthetic.write_synthetic(tmp_path_factory.mktemp("scale") / "n10000", 10_000)


@pytest.fixture(scope="module")
def big_ds(big):
    return load(big)


def test_synthetic_dataset_is_valid_deterministic_and_inside_its_regions(tmp_path):
    a = synthetic.write_synthetic(tmp_path / "a", 240)
    b = synthetic.write_synthetic(tmp_path / "b", 240)
    assert (a / "institutes.csv").read_bytes() == (b / "institutes.csv").read_bytes()
    assert (a / "sources.csv").read_bytes() == (b / "sources.csv").read_bytes()
    other = synthetic.write_synthetic(tmp_path / "c", 240, seed=7)
    assert (other / "institutes.csv").read_bytes() != (a / "institutes.csv").read_bytes()
    ds = load(a)  # validates: every point within its region, every institute sourced
    assert len(ds.institutes) == 240 and len(ds.sources) == 240
    assert set(ds.sources["institute_id"]) == set(ds.institutes.index)
    assert ds.institutes["region_code"].value_counts().to_dict() == {c: 20 for c in ds.regions.index}
    for _, row in ds.institutes.iterrows():
        assert shapely.contains_xy(ds.shapes[row["region_code"]], row["lon"], row["lat"]), row.name
    assert all("synth" in name.lower() for name in ds.institutes["name_en"])
    # The real data is untouched and the copy says what it is.
    assert len(load(DATA).institutes) < 100
    assert "never publish" in (a / "README.md").read_text(encoding="utf-8")


def test_synth_command_writes_a_valid_directory_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "syn"
    assert cli.main(["synth", "--points", "30", "-o", str(out)]) == 0
    assert len(load(out).institutes) == 30
    assert cli.main(["synth", "--points", "30", "-o", str(out)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert cli.main(["validate", str(out)]) == 0


def test_ten_thousand_points_build_one_canvas_layer_under_2_mb(big_ds):
    view = View()
    shown = apply_filters(big_ds, view)
    assert len(shown) == 10_000
    page = mapview.build_map(big_ds, view, institutes=shown).get_root().render()
    assert len(page.encode("utf-8")) <= MAX_BYTES
    # What st_folium sends on the page (base map + layers) is under 2 MB too.
    assert payload_bytes(mapview.base_map(big_ds, "fr"), mapview.map_layers(big_ds, view, shown)) <= MAX_BYTES
    assert not re.search(r'class=\\"atlas-pin[ \\"]', page)  # no DOM pin per institute
    # One layer of our own draws them on one canvas in a pane of its own: no Leaflet object per point.
    assert 'L.DomUtil.create("canvas"' in page and "createPane(pane)" in page
    data = points_in(page)
    geo = mapview.points_geojson(data)
    ids = [f["properties"]["id"] for f in geo["features"]]
    assert ids == list(shown.index)  # one feature per point, in the table's order
    assert len(set(ids)) == 10_000
    for feature, (_, row) in zip(geo["features"], shown.iterrows(), strict=True):
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert abs(lon - row["lon"]) < 1e-4 and abs(lat - row["lat"]) < 1e-4
        assert feature["properties"]["code"] == row["region_code"]
    assert mapview.marker_ids(mapview.build_map(big_ds, view, institutes=shown)) == list(shown.index)


def test_region_tooltips_stay_short_with_thousands_of_institutes(big_ds):
    page = mapview.build_map(big_ds, View()).get_root().render()
    features = region_features(page)
    assert len(features) == 12
    for f in features:
        tip = f["properties"]["tip"]
        assert tip.count("<li>") == mapview.TOOLTIP_MAX_NAMES
        assert "autres" in tip  # "… et 825 autres"
        assert len(tip) < 2_000


def test_filtering_thousands_keeps_the_layer_kind_that_fits(big_ds):
    few = View(regions=("09",), statuses=("launched",), confidences=("weak",))
    shown = apply_filters(big_ds, few)
    assert 0 < len(shown) <= mapview.POINTS_THRESHOLD
    page = mapview.build_map(big_ds, few, institutes=shown).get_root().render()
    assert not POINTS.search(page)
    assert len(re.findall(r'class=\\"atlas-pin[ \\"]', page)) == len(shown)  # pins with full popups again
    many = View(specialisations=("energy",))
    shown = apply_filters(big_ds, many)
    assert len(shown) > mapview.POINTS_THRESHOLD
    data = points_in(mapview.build_map(big_ds, many, institutes=shown).get_root().render())
    assert [r[2] for r in data["rows"]] == list(shown.index)


def test_hostile_text_is_escaped_in_the_point_layer(tmp_path):
    out = synthetic.write_synthetic(tmp_path / "hostile", mapview.POINTS_THRESHOLD + 50)
    header, rows = read_rows(out / "institutes.csv")
    for row in rows[:5]:
        row["name_fr"] = HOSTILE
        row["city_fr"] = "Ville " + HOSTILE
    write_rows(out / "institutes.csv", header, rows)
    header, regions = read_rows(out / "regions.csv")
    regions[0]["name_fr"] = "Région " + HOSTILE
    write_rows(out / "regions.csv", header, regions)
    ds = load(out)
    for view in (View(), View(query="alert")):
        page = mapview.build_map(ds, view).get_root().render()
        outside = JS_STRING.sub('""', page)
        for needle in ("alert(1)", "alert(2)", "alert(3)", "onerror", "<img"):
            assert needle not in outside
        texts = [json.loads(s) for s in JS_STRING.findall(page) if "alert(" in s]
        assert texts
        for s in texts:
            assert "<img" not in s and "<script" not in s and "</script" not in s
    data = points_in(mapview.build_map(ds, View()).get_root().render())
    names = [r[3] for r in data["rows"]]
    assert names[0] == h(HOSTILE) and "<" not in names[0]
    assert data["regions"][0][1].startswith("Région &lt;img")
