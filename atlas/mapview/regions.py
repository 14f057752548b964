"""The regions layer: the 12 regions coloured by coverage or by a census figure, with its legend
and a tooltip per region naming its institutes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
import pandas as pd

from atlas.i18n import direction, fmt_number, pick, t
from atlas.mapview.cache import memo
from atlas.mapview.elements import Legend, RegionShapes
from atlas.mapview.safe import SafeFeatureGroup, script_json, script_json_string
from atlas.mapview.style import BORDER, CHOROPLETH, COVERED, COVERED_WEAK, LAND, NO_DATA
from atlas.present import format_value, region_name
from atlas.text import h
from atlas.view import View

if TYPE_CHECKING:
    from atlas.dataset import Dataset

TOOLTIP_MAX_NAMES = 8
"""A region's tooltip names at most this many institutes, then says how many more there are."""


def _classes(values: Sequence[float]) -> list[float]:
    """Quantile class edges (at most 5 classes) over the non-missing ``values``."""
    arr = np.array([v for v in values if v == v], dtype=float)
    if arr.size == 0:
        return []
    edges = sorted(set(np.round(np.quantile(arr, np.linspace(0, 1, len(CHOROPLETH) + 1)), 6).tolist()))
    return edges if len(edges) > 1 else [edges[0], edges[0]]


def _class_of(value: float, edges: Sequence[float]) -> int:
    for i in range(len(edges) - 2, -1, -1):
        if value >= edges[i]:
            return i
    return 0


def _palette(n: int) -> tuple[str, ...]:
    if n >= len(CHOROPLETH):
        return CHOROPLETH
    idx = np.linspace(0, len(CHOROPLETH) - 1, n).round().astype(int)
    return tuple(CHOROPLETH[i] for i in idx)


def _region_names(ds: Dataset, lang: str) -> dict[str, list[tuple[str, str]]]:
    """Region code -> [(institute id, escaped name)] in the dataset's order; cached per version and language."""

    def build() -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for iid, row in ds.institutes.iterrows():
            out.setdefault(str(row["region_code"]), []).append((str(iid), h(pick(row, "name", lang))))
        return out

    return memo(("region_names", ds.version, lang), build)


def _region_tooltip(ds: Dataset, code: str, lang: str, shown_ids: set[str], figure_line: str) -> str:
    inst = _region_names(ds, lang).get(code, [])
    parts = [f'<div class="atlas-tip" dir="{direction(lang)}"><b>{h(region_name(ds, code, lang))}</b>']
    if figure_line:
        parts.append(f"<div>{figure_line}</div>")
    if not inst:
        parts.append(f'<div class="muted">{h(t("common.no_institute", lang))}</div>')
    else:
        if len(inst) > TOOLTIP_MAX_NAMES:  # the ones on the map first
            inst = sorted(inst, key=lambda item: item[0] not in shown_ids)
        hidden_note = f' <span class="muted">({h(t("map.hidden_by_filters", lang))})</span>'
        items = [f"<li>{name}{'' if iid in shown_ids else hidden_note}</li>" for iid, name in inst[:TOOLTIP_MAX_NAMES]]
        parts.append("<ul>" + "".join(items) + "</ul>")
        if len(inst) > TOOLTIP_MAX_NAMES:
            more = t("scale.more_institutes", lang, count=fmt_number(len(inst) - TOOLTIP_MAX_NAMES, lang))
            parts.append(f'<div class="muted">{h(more)}</div>')
    parts.append("</div>")
    return "".join(parts)


HIGHLIGHT = {"weight": 3, "color": "#222222"}
"""The style of the region under the pointer."""


def _shapes(ds: Dataset) -> tuple[dict[str, Any], str]:
    """The regions' FeatureCollection (id and code per feature) and its JSON for the page, built once
    per data version: the shapes are most of the layer, and the same on every run."""

    def build() -> tuple[dict[str, Any], str]:
        features = [
            {"type": "Feature", "id": code, "properties": {"code": code}, "geometry": feature["geometry"]}
            for feature in ds.geojson.get("features", [])
            if (code := str(feature.get("properties", {}).get("code", ""))) in ds.regions.index
        ]
        data = {"type": "FeatureCollection", "features": features}
        return data, script_json_string(script_json(data))

    return memo(("region_shapes", ds.version), build)


def regions_layer(ds: Dataset, view: View, shown: pd.DataFrame, *, with_tiles: bool = False) -> folium.FeatureGroup:
    """The 12 regions (one GeoJSON layer) styled by coverage of ``shown``, or by ``view.figure``; with legend."""
    figure = view.figure if view.figure and view.figure in ds.figure_defs.index else None
    shown_ids = sorted(map(str, shown.index))
    digest = hashlib.sha1("\n".join(shown_ids).encode()).hexdigest()  # a short key, however many are shown
    key = ("regions_view", ds.version, view.lang, figure, view.is_filtered, with_tiles, digest)
    styles, tips, legend_title, legend = memo(key, lambda: _view_parts(ds, view.lang, figure, view.is_filtered,
                                                                       set(shown_ids), shown, with_tiles))
    shapes, shapes_json = _shapes(ds)
    group = SafeFeatureGroup(name="regions", control=False)
    RegionShapes(shapes, shapes_json, styles, tips, HIGHLIGHT).add_to(group)
    Legend(legend_title, legend, position="topleft", lang=view.lang).add_to(group)
    return group


def _view_parts(ds: Dataset, lang: str, figure: str | None, filtered: bool, shown_ids: set[str], shown: pd.DataFrame,
                with_tiles: bool) -> tuple[dict[str, dict[str, Any]], dict[str, str], str, str]:
    """Each region's style and tooltip, and the legend's title and body, for one view."""
    fill_opacity = 0.45 if with_tiles else 1.0
    styles: dict[str, dict[str, Any]] = {}
    figure_lines: dict[str, str] = {}
    legend_rows: list[str] = []

    if figure and figure in getattr(ds.figures, "columns", []):
        fdef = ds.figure_defs.loc[figure]
        unit = str(fdef["unit"])
        values = {code: float(ds.figures.loc[code, figure]) if code in ds.figures.index else float("nan")
                  for code in ds.regions.index}
        edges = _classes(list(values.values()))
        palette = _palette(max(len(edges) - 1, 1))
        label = pick(fdef, "label", lang)
        for code, value in values.items():
            colour = palette[_class_of(value, edges)] if value == value and edges else NO_DATA
            styles[code] = {"fillColor": colour, "color": BORDER, "weight": 1, "fillOpacity": fill_opacity,
                            "dashArray": None, "className": f"atlas-region atlas-region-{code}"}
            figure_lines[code] = f"{h(label)}: <b>{h(format_value(value, unit, lang))}</b>"
        for i in range(len(edges) - 1):
            lo, hi = format_value(edges[i], unit, lang), format_value(edges[i + 1], unit, lang)
            legend_rows.append(f'<div class="row"><span class="sw" style="background:{palette[i]}"></span>'
                               f"{h(lo)} – {h(hi)}</div>")
        if any(v != v for v in values.values()):
            legend_rows.append(f'<div class="row"><span class="sw" style="background:{NO_DATA}"></span>'
                               f"{h(t('map.legend.no_data', lang))}</div>")
        legend_title = h(label)
        source = t("map.legend.source", lang, source=str(fdef["source_publisher"]))
        unit_text = t(f"map.unit.{unit}", lang)
        legend = (f"<div class=\"note\">{h(unit_text)}</div>"
                  + "".join(legend_rows)
                  + f"<div class=\"note\">{h(source)}</div>")
    else:
        by_region: dict[str, list[str]] = {}
        for code, conf in zip(shown["region_code"].astype(str), shown["confidence"].astype(str), strict=True):
            by_region.setdefault(code, []).append(conf)
        for code in ds.regions.index:
            confs = by_region.get(code, [])
            if not confs:
                fill, dash = LAND, None
            elif all(c == "weak" for c in confs):
                fill, dash = COVERED_WEAK, "5 4"
            else:
                fill, dash = COVERED, None
            styles[code] = {"fillColor": fill, "color": BORDER, "weight": 1.4 if dash else 1,
                            "fillOpacity": fill_opacity, "dashArray": dash,
                            "className": f"atlas-region atlas-region-{code}"}
        rows = [
            (COVERED, "", t("map.legend.covered_filtered" if filtered else "map.legend.covered", lang)),
            (COVERED_WEAK, " sw--weak", t("map.legend.covered_weak", lang)),
            (LAND, "", t("map.legend.uncovered_filtered" if filtered else "map.legend.uncovered", lang)),
        ]
        legend_title = h(t("map.legend.coverage_title", lang))
        legend = "".join(
            f'<div class="row"><span class="sw{extra}" style="background:{colour}"></span>{h(text)}</div>'
            for colour, extra, text in rows
        )

    tips = {code: _region_tooltip(ds, code, lang, shown_ids, figure_lines.get(code, "")) for code in ds.regions.index}
    return styles, tips, legend_title, legend
