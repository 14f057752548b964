"""Within reach across the network: every institute's within-reach figures (:mod:`atlas.reach`) in one
language, for the regions page's comparison table and chart, the exports and the briefs (no Streamlit).

The figures are the atlas's own sums of HCP's estimates per province (RGPH 2024); distances are
straight lines, never travel times. Every place that shows them reads :func:`reach_records`, so the card,
the regions page and the exports give the same numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from atlas.i18n import fmt_number, pick, t
from atlas.present import region_name
from atlas.provinceview import html_table
from atlas.reach import RADII_KM, REACH_FIGURES, reach
from atlas.text import h

if TYPE_CHECKING:
    from atlas.dataset import Dataset

SHORT = {"higher_education_people": "higher", "age_20_34_people": "young"}
"""Short names of :data:`atlas.reach.REACH_FIGURES` in column keys (``higher_100``, ``young_200``)."""


def reach_records(ds: Dataset, lang: str, institute_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """One record per institute (all, or ``institute_ids``, in dataset order): ``id``, ``institute``,
    ``city``, ``region_code``, ``region``, ``province`` and ``province_name`` (the province of its city),
    ``origin_basis`` (``commune`` or ``point``), ``origin_lat``/``origin_lon``, and for each radius R
    ``higher_R``, ``young_R``, ``provinces_R`` (how many), ``outside_region_R`` (how many in another
    region) and ``province_codes_R`` (those provinces' codes, nearest first, ``;``-separated)."""
    ids = [str(i) for i in ds.institutes.index] if institute_ids is None else institute_ids
    prov = ds.provinces
    out = []
    for iid in ids:
        row = ds.institutes.loc[iid]
        r = reach(ds, iid)
        code = str(row["region_code"])
        province = r.origin.province
        rec: dict[str, Any] = {
            "id": iid, "institute": pick(row, "name", lang), "city": pick(row, "city", lang), "region_code": code,
            "region": region_name(ds, code, lang), "province": province or "",
            "province_name": prov.name(province, lang) if prov is not None and province else "",
            "origin_basis": r.origin.basis, "origin_lat": round(r.origin.lat, 4), "origin_lon": round(r.origin.lon, 4),
        }
        for radius in RADII_KM:
            for key in REACH_FIGURES:
                rec[f"{SHORT[key]}_{radius}"] = r.totals[radius][key]
            rec[f"provinces_{radius}"] = len(r.provinces[radius])
            rec[f"outside_region_{radius}"] = r.outside_region[radius]
            rec[f"province_codes_{radius}"] = ";".join(r.provinces[radius])
        out.append(rec)
    return out


def column_label(key: str, lang: str) -> str:
    """The header of a :func:`reach_records` column in ``lang``."""
    base, _, radius = key.rpartition("_")
    if radius.isdigit():
        return t(f"reach.col.{base}", lang, radius=radius)
    return t(f"reach.col.{key}", lang)


COMPARISON_KEYS = ("city", "institute", "region", "province_name",
                   *(f"{k}_{r}" for r in RADII_KM for k in ("higher", "young", "provinces", "outside_region")))
"""The columns of the regions page's comparison table."""


def comparison_html(ds: Dataset, lang: str) -> str:
    """The regions page's comparison: one row per institute (largest pool within the larger radius
    first), a real table with its caption; every text escaped."""
    records = sorted(reach_records(ds, lang), key=lambda r: -r[f"higher_{RADII_KM[-1]}"])
    rows = [(f' data-institute="{h(rec["id"])}"',
             tuple(rec[k] if isinstance(rec[k], str) else fmt_number(rec[k], lang) for k in COMPARISON_KEYS))
            for rec in records]
    return html_table(t("reach.title", lang), lang, [column_label(k, lang) for k in COMPARISON_KEYS], rows,
                      css_class="atlas-reach")


def chart_frame(ds: Dataset, lang: str) -> pd.DataFrame:
    """Long frame of the chart: per institute, radius and measure, the count and its display text."""
    rows = []
    for rec in reach_records(ds, lang):
        label = f"{rec['city']} · {rec['institute']}"
        for radius in RADII_KM:
            for key, short in SHORT.items():
                value = rec[f"{short}_{radius}"]
                rows.append({"institute": label, "city": rec["city"], "radius": t("reach.radius", lang, radius=radius),
                             "measure": t(f"reach.measure.{short}", lang), "measure_key": short, "value": value,
                             "value_text": fmt_number(value, lang), "provinces": rec[f"provinces_{radius}"],
                             "figure": key})
    return pd.DataFrame(rows)


def chart_summary(ds: Dataset, lang: str) -> str:
    """The chart's text alternative: which institute has the most and the fewest people with higher
    education within the larger radius, with the numbers."""
    records = reach_records(ds, lang)
    if not records:
        return ""
    radius = RADII_KM[-1]
    ranked = sorted(records, key=lambda r: -r[f"higher_{radius}"])
    top, low = ranked[0], ranked[-1]
    return t("reach.chart_summary", lang, radius=radius, top=top["city"],
             top_value=fmt_number(top[f"higher_{radius}"], lang), low=low["city"],
             low_value=fmt_number(low[f"higher_{radius}"], lang), count=len(records))
