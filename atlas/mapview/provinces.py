"""The selected region's provinces on the map: their data, the element that draws them, and the
element that carries that data in the app.

Only the selected region's provinces are ever sent. In the app the map's layers never depend on the
selection (a layer rebuilt on a marker's click would close its popup: ``ui/map_layers.py``), so the
provinces travel beside the map instead: :func:`carrier_html` is a hidden element holding the layer's
data, as escaped JSON, in a ``data-atlas-provinces`` attribute; the map page places it before the map,
so the browser has it before the rest of the page (docs/performance.md). :class:`ProvinceLayer`
(``static/provinces.js``, part of the base map) reads it from the page holding the map's frame and
draws it, again whenever it changes; with no region selected there is no carrier and nothing is drawn.
A standalone map (``build_map`` with a selection) carries the data in the element.

:func:`layer_data` gives, for one region, language and figure: each province's shape, fill colour
(quantile classes of the figure across the region's provinces), tooltip (name, kind, figure with its
unit, source; escaped HTML) and plain-text label (for keyboard focus and screen readers), whether it
holds an institute's city (outlined), the region's outline, and the legend.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from atlas.i18n import direction, pick, t
from atlas.mapview.regions import _class_of, _classes, _palette
from atlas.mapview.safe import SafeMacro, script_json, static_template
from atlas.mapview.style import NO_DATA
from atlas.present import format_value
from atlas.provinceview import DEFAULT_FIGURE, RegionProvinces, html_table, kind_label, province_name
from atlas.reach import institute_origin
from atlas.text import h

if TYPE_CHECKING:
    from atlas.dataset import Dataset

DATA_ATTRIBUTE = "data-atlas-provinces"
KEEP_VIEW_ATTRIBUTE = "data-atlas-keep-view"  # the region was picked by opening a card: the view stays
PUBLISH_ONLY = ("title", "classes", "source")
"""Parts of :func:`layer_data` for the static edition's drawing only: the map has them in its legend."""


def province_figure(ds: Dataset, figure: str | None) -> str:
    """The figure the provinces are coloured by: the view's, when the provinces have it, else
    :data:`~atlas.provinceview.DEFAULT_FIGURE`."""
    columns = ds.provinces.figures.columns if ds.provinces is not None else []
    if figure and figure in columns and figure in ds.figure_defs.index:
        return figure
    return DEFAULT_FIGURE


def institute_provinces(ds: Dataset, code: str) -> list[str]:
    """The provinces of region ``code`` that hold one of its institutes' cities."""
    return sorted({p for iid in ds.institutes_in(code).index if (p := institute_origin(ds, str(iid)).province)})


def layer_data(ds: Dataset, code: str, lang: str, figure: str | None = None) -> dict[str, Any] | None:
    """What the map needs to draw region ``code``'s provinces (see the module's docstring), or None."""
    prov = ds.provinces
    codes = prov.of_region(code) if prov is not None else []
    if not codes:
        return None
    figure = province_figure(ds, figure)
    fdef = ds.figure_defs.loc[figure]
    unit, label = str(fdef["unit"]), pick(fdef, "label", lang)
    values = {c: float(prov.figures.at[c, figure]) for c in codes}
    edges = _classes(list(values.values()))
    palette = _palette(max(len(edges) - 1, 1))
    outlined = set(institute_provinces(ds, code))
    source = t("map.legend.source", lang, source=str(fdef["source_publisher"]))
    dir_ = direction(lang)
    features = []
    for c in codes:
        value = values[c]
        name, kind = province_name(ds, c, lang), kind_label(ds, c, lang)
        shown = format_value(value, unit, lang)
        here = t("prov.map.tip_outlined", lang) if c in outlined else ""
        tip = (f'<div class="atlas-tip" dir="{dir_}"><b>{h(name)}</b> <span class="muted">({h(kind)})</span>'
               f"<div>{h(label)}: <b>{h(shown)}</b></div>"
               + (f"<div>{h(here)}</div>" if here else "")
               + f'<div class="muted">{h(source)}</div></div>')
        plain = " · ".join(x for x in (f"{name} ({kind})", f"{label}: {shown}", here, source) if x)
        features.append({
            "code": c,
            "geometry": prov.geometry[c],
            "fill": palette[_class_of(value, edges)] if value == value and edges else NO_DATA,
            "tip": tip,
            "label": plain,
            "institute": c in outlined,
        })
    classes = [{"colour": palette[i],
                "text": f"{format_value(edges[i], unit, lang)} – {format_value(edges[i + 1], unit, lang)}"}
               for i in range(len(edges) - 1)]
    rows = "".join(f'<div class="row"><span class="sw" style="background:{c["colour"]}"></span>{h(c["text"])}</div>'
                   for c in classes)
    title = t("prov.map.legend_title", lang, figure=label)
    legend = (f"<details open><summary>{h(title)}</summary>"
              f'<div class="note">{h(t(f"map.unit.{unit}", lang))}</div>{rows}'
              + (f'<div class="row"><span class="sw sw--outlined"></span>{h(t("prov.map.outlined", lang))}</div>'
                 if outlined else "")
              + f'<div class="note">{h(source)}</div></details>')
    region = next((f["geometry"] for f in ds.geojson.get("features", [])
                   if str(f.get("properties", {}).get("code", "")) == code), None)
    return {"region": code, "figure": figure, "dir": dir_, "features": features, "outline": region,
            "legend": legend, "title": title, "classes": classes, "source": source}


def layer_json(data: dict[str, Any] | None) -> str:
    """``data`` as compact JSON with no ``<``, ``>``, ``&`` or ``'`` (:func:`script_json`), or ``""``."""
    if not data:
        return ""
    return script_json({k: v for k, v in data.items() if k not in PUBLISH_ONLY})


def payload_bytes(ds: Dataset, code: str, lang: str, figure: str | None = None) -> int:
    """Bytes of the provinces' data the page sends for region ``code`` (what the budget counts)."""
    return len(layer_json(layer_data(ds, code, lang, figure)).encode("utf-8"))


def carrier_html(layer: str, keep_view: bool = False) -> str:
    """The hidden element that carries the map's province data (``layer``, :func:`layer_json`, escaped
    here) in the app; ``""`` when there is nothing to draw. ``keep_view``: the region was picked by
    opening an institute's card on the map, which then draws the provinces without moving (the card
    stays where the reader opened it, even once closed)."""
    if not layer:
        return ""
    flag = f" {KEEP_VIEW_ATTRIBUTE}" if keep_view else ""
    return f'<div hidden class="atlas-province-data" {DATA_ATTRIBUTE}="{h(layer)}"{flag}></div>'


def province_table_html(rp: RegionProvinces) -> str:
    """The region card's province table (a real table: the province map's text alternative). Every
    text is escaped."""
    rows = [(' class="atlas-province-here"' if line.institute_here else "", cells)
            for line, cells in zip(rp.lines, rp.cells, strict=True)]
    return html_table(t("prov.title", rp.lang) + " · " + rp.region, rp.lang, rp.headers, rows, rp.total_cells,
                      css_class="atlas-provinces")


class ProvinceLayer(SafeMacro):
    """Draws the selected region's provinces (``static/provinces.js``): from the page's carrier
    (:func:`carrier_html`) in the app, or from ``data`` (:func:`layer_data`) in a standalone map."""

    _template = static_template("provinces.js")

    def __init__(self, data: dict[str, Any] | None = None):
        super().__init__()
        self._name = "ProvinceLayer"
        self.data_json = script_json(json.dumps(data, ensure_ascii=False) if data else "")
        self.attribute_json = script_json(DATA_ATTRIBUTE)
        self.keep_view_json = script_json(KEEP_VIEW_ATTRIBUTE)
