"""JSON Schemas of the edition's API files (``api/schema/*.schema.json``, linked from docs/api.md).

A record's columns copied from a data file take their types, enumerations and patterns from the row
model of that file (through :func:`atlas.datapackage.model_fields`, the same as the data package);
the keys :func:`atlas.feed.api_documents` adds or reshapes (lists, ``null`` for a missing value,
the figures) are written here.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from atlas import datapackage, schema, schema_provinces
from atlas.i18n import LANGS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
KEY = {"type": "string", "pattern": schema.KEY_RE.pattern}
DATE = {"type": "string", "pattern": schema.DATE_RE.pattern}


def _nullable(prop: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [prop, {"type": "null"}]}


def _record(name: str, model: type[BaseModel], drop: tuple[str, ...], extra: dict[str, Any]) -> dict[str, Any]:
    """An object with the model's columns (but ``drop``) and ``extra``, every key required, no other."""
    props = {f["name"]: datapackage.json_property(f) for f in datapackage.model_fields(name, model)
             if f["name"] not in drop}
    props.update(extra)
    return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}


def _metadata(**extra: Any) -> dict[str, Any]:
    props = {
        "dataset_version": {"type": "string", "pattern": "^[0-9a-f]{12}$",
                            "description": "hash of the data files: the version the app and every export show"},
        "data_date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "licence": {"const": "CC BY 4.0"},
        "documentation": {"type": "string"},
        **extra,
    }
    return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}


def _document(name: str, title: str, metadata: dict[str, Any], lists: dict[str, Any]) -> dict[str, Any]:
    props = {"metadata": metadata, **{k: {"type": "array", "items": v} for k, v in lists.items()}}
    return {
        "$schema": DRAFT, "$id": f"{name}.schema.json", "title": title,
        "description": "Documented in docs/api.md of the Jazari Atlas repository.",
        "type": "object", "properties": props, "required": list(props), "additionalProperties": False,
    }


def institutes() -> dict[str, Any]:
    record = _record("institutes.csv", schema.InstituteRow, ("focus_areas", "specialisation_commentary"), {
        "specialisation_commentary": _nullable(KEY),
        "focus_areas": {"type": "array", "items": KEY},
        "source_ids": {"type": "array", "items": {"type": "string", "minLength": 1}},
    })
    return _document("institutes", "api/institutes.json: the institutes of the network", _metadata(),
                     {"institutes": record})


def sources() -> dict[str, Any]:
    record = _record("sources.csv", schema.SourceRow, ("fields", "url", "published"), {
        "fields": {"type": "array", "items": {"enum": list(schema.SOURCE_FIELDS)}},
        "url": _nullable({"type": "string", "pattern": "^https?://"}),
        "published": _nullable(DATE),
    })
    return _document("sources", "api/sources.json: one record per source and institute", _metadata(),
                     {"sources": record})


def regions() -> dict[str, Any]:
    labels = {f"label_{lg}": {"type": "string", "minLength": 1} for lg in LANGS}
    figure = {
        "type": "object", "additionalProperties": False,
        "properties": {
            "key": KEY, **labels, "unit": {"enum": list(schema.FIGURE_UNITS)},
            "national": {"enum": ["median", "total"]},
            "national_reference": _nullable({"type": "number"}), "source_publisher": {"type": "string", "minLength": 1},
            "source_url": {"type": "string", "pattern": "^https?://"}, "licence": {"type": "string", "minLength": 1},
        },
    }
    figure["required"] = list(figure["properties"])
    names = {f"name_{lg}": {"type": "string", "minLength": 1} for lg in LANGS}
    region = {
        "type": "object", "additionalProperties": False,
        "properties": {
            "code": {"type": "string", "pattern": schema.REGION_CODE_RE.pattern}, **names,
            "institute_ids": {"type": "array", "items": {"type": "string", "pattern": schema.ID_RE.pattern}},
            "figures": {"type": "object", "propertyNames": KEY,
                        "additionalProperties": _nullable({"type": "number", "minimum": 0})},
            "flags": {"type": "array", "items": KEY},
        },
    }
    region["required"] = list(region["properties"])
    meta = _metadata(figures_source={"type": "string", "minLength": 1})
    return _document("regions", "api/regions.json: the 12 regions, their census figures and flags", meta,
                     {"figures": figure, "regions": region})


def provinces() -> dict[str, Any]:
    province = _record("provinces.csv", schema_provinces.ProvinceRow, ("centre_population_share",), {
        "centre_population_share": _nullable({"type": "number", "minimum": 0, "maximum": 100}),
        "figures": {"type": "object", "propertyNames": KEY,
                    "additionalProperties": _nullable({"type": "number", "minimum": 0})},
    })
    code = {"type": "string", "pattern": schema_provinces.PROVINCE_CODE_RE.pattern}
    radius = {
        "type": "object", "additionalProperties": False,
        "properties": {"higher_education_people": {"type": "integer", "minimum": 0},
                       "age_20_34_people": {"type": "integer", "minimum": 0},
                       "provinces": {"type": "array", "items": code},
                       "outside_region": {"type": "integer", "minimum": 0}},
    }
    radius["required"] = list(radius["properties"])
    reach = {
        "type": "object", "additionalProperties": False,
        "properties": {"institute_id": {"type": "string", "pattern": schema.ID_RE.pattern},
                       "province": _nullable(code), "origin_basis": {"enum": ["commune", "point"]},
                       "origin_lat": {"type": "number"}, "origin_lon": {"type": "number"},
                       "within": {"type": "object", "propertyNames": {"pattern": "^[0-9]+$"},
                                  "additionalProperties": radius}},
    }
    reach["required"] = list(reach["properties"])
    meta = _metadata(figures_source={"type": "string", "minLength": 1}, shapes={"type": "string", "minLength": 1})
    return _document("provinces", "api/provinces.json: the provinces, their census figures and centres, and "
                     "what lies within reach of each institute", meta, {"provinces": province, "reach": reach})


SCHEMAS = {"institutes.json": institutes, "regions.json": regions, "sources.json": sources,
           "provinces.json": provinces}
"""API file name -> its schema (a new endpoint needs one here: tests/test_opendata.py checks)."""


def schema_name(api_file: str) -> str:
    return api_file.removesuffix(".json") + ".schema.json"


def schema_documents() -> dict[str, bytes]:
    """``api/schema/<name>.schema.json`` files, by file name."""
    return {schema_name(name): (json.dumps(make(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
            for name, make in SCHEMAS.items()}
