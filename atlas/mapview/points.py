"""Many institutes: one canvas layer of our own draws them all, and finds the one under the pointer.

Above :data:`~atlas.mapview.labels.POINTS_THRESHOLD` institutes in view, pins would be thousands of DOM
elements; instead ONE Leaflet layer (``static/points.js``) draws every institute as a circle on one
canvas in a pane of its own, with no Leaflet object, event binding or DOM element per point (with
thousands of points those took most of the map's time in the browser). The canvas lets
the pointer through to the regions below; a grid of the drawn circles finds the point under the
pointer, which then shows its tooltip, opens its card and reports its click as a pin does. The points
come from a compact payload: one row per point whose fields are named by :data:`POINT_COLUMNS` (the
script reads them by name), with small integers indexing lookup tables. Every text is HTML-escaped
here; the browser builds each tooltip and card only when it opens.
"""

from __future__ import annotations

import html as _html
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import folium
import pandas as pd

from atlas.i18n import direction, pick, t
from atlas.mapview.cache import memo
from atlas.mapview.legends import LegendMarks, areas_legend
from atlas.mapview.safe import SafeMacro, script_json, script_json_string, static_template
from atlas.mapview.style import spec_style
from atlas.present import SpecReading, list_sep, region_name, spec_label, spec_reading, status_date
from atlas.schema import CONFIDENCES, STATUSES
from atlas.text import h
from atlas.view import View

if TYPE_CHECKING:
    from atlas.dataset import Dataset

POINT_RADIUS = 4
HUB_RADIUS = 6


class PointsLayer(SafeMacro):
    """Institutes as circles on one canvas, drawn by one layer that also shows the tooltip and the card
    of the point under the pointer (see :func:`points_payload`). Once drawn, the map container gets
    ``data-atlas-points="N"``."""

    _template = static_template("points.js")

    def __init__(self, payload: str, ids: Sequence[str]):
        super().__init__()
        self._name = "PointsLayer"
        self.payload_js = script_json_string(payload)  # read by JSON.parse in the script
        self.atlas_ids = list(ids)  # read by marker_ids(): one point per institute, in order


POINT_COLUMNS = ("lon", "lat", "id", "name", "city", "region", "style", "status", "date", "confidence", "kind",
                 "focus", "sources")
"""The fields of each row of the point payload, in order (small integers index the lookup tables)."""


def _point_rows(ds: Dataset, lang: str, lens: str) -> dict[str, Any]:
    """Per data version, language and lens: every institute's payload row and the lookup tables."""

    def build() -> dict[str, Any]:
        regions = list(ds.regions.index)
        region_idx = {c: i for i, c in enumerate(regions)}
        specs = list(ds.specialisations.index)
        spec_idx = {k: i for i, k in enumerate(specs)}
        statuses = list(STATUSES)
        confs = list(CONFIDENCES)
        kinds = ["hub", "regional"]
        styles: dict[tuple[str, int, bool], int] = {}
        dates: dict[str, int] = {}
        n_sources = ds.sources.groupby("institute_id").size().to_dict() if len(ds.sources) else {}
        rows: dict[str, list[Any]] = {}
        readings: dict[str, tuple[SpecReading, bool, bool]] = {}
        for iid, row in ds.institutes.iterrows():
            reading = spec_reading(row, lens)
            colour, _icon = spec_style(ds, reading.key)
            hub = str(row["kind"]) == "hub"
            weak = str(row["confidence"]) == "weak"
            # A faint fill stands for a dashed (weak) pin or a hollow one (conventions' area, commentary lens).
            faint = weak or reading.hollow
            style = styles.setdefault((colour, HUB_RADIUS if hub else POINT_RADIUS, faint), len(styles))
            date = dates.setdefault(str(row.get("status_date") or ""), len(dates))
            for values, value in ((statuses, row["status"]), (confs, row["confidence"]), (kinds, row["kind"])):
                if str(value) not in values:
                    values.append(str(value))
            fields = {
                "lon": round(float(row["lon"]), 5), "lat": round(float(row["lat"]), 5), "id": h(iid),
                "name": h(pick(row, "name", lang)), "city": h(pick(row, "city", lang)),
                "region": region_idx.get(str(row["region_code"]), 0), "style": style,
                "status": statuses.index(str(row["status"])), "date": date,
                "confidence": confs.index(str(row["confidence"])), "kind": kinds.index(str(row["kind"])),
                "focus": [spec_idx[k] for k in (row.get("focus_list") or []) if k in spec_idx],
                "sources": int(n_sources.get(str(iid), 0)),
            }
            rows[str(iid)] = [fields[c] for c in POINT_COLUMNS]
            readings[str(iid)] = (reading, hub, weak)
        tables = {
            "dir": direction(lang),
            "lang": h(lang),
            "sep": list_sep(lang),
            "regions": [[c, h(region_name(ds, c, lang))] for c in regions],
            "styles": [[colour, radius, weak] for (colour, radius, weak) in styles],
            "status": [h(t(f"status.{v}", lang)) for v in statuses],
            "dates": [h(status_date({"status_date": v}, lang)) for v in dates],
            "conf": [h(t(f"confidence.{v}", lang)) for v in confs],
            "kinds": [h(t(f"kind.{v}", lang)) for v in kinds],
            "specs": [h(spec_label(ds, k, lang)) for k in specs],
            "text": {
                "status": h(t("map.popup.status", lang)),
                "confidence": h(t("map.popup.confidence", lang)),
                "focus": h(t("map.popup.conventions", lang)),
                "sources": h(t("map.popup.sources", lang)),
                "na": h(t("common.not_announced", lang)),
            },
        }
        return {"rows": rows, "tables": tables, "readings": readings}

    return memo(("point_rows", ds.version, lang, lens), build)


def points_payload(ds: Dataset, lang: str, ids: Sequence[str], lens: str = "commentary") -> str:
    """The point layer's data for the institutes ``ids`` (in that order), as script-safe JSON:
    ``{"cols": POINT_COLUMNS, "rows": [[lon, lat, id, name, ...], ...], <lookup tables>}``."""

    def build() -> str:
        data = _point_rows(ds, lang, lens)
        return script_json({"cols": list(POINT_COLUMNS), "rows": [data["rows"][i] for i in ids], **data["tables"]})

    return memo(("points_payload", ds.version, lang, lens, tuple(ids)), build)


def points_geojson(payload: str | Mapping[str, Any]) -> dict[str, Any]:
    """A point payload as the browser reads it (the same mapping as the layer's script), as GeoJSON: one
    Point feature per institute with the ``id``, ``code`` and ``kind`` a click on it reports."""
    d = json.loads(payload) if isinstance(payload, str) else payload
    col = {name: i for i, name in enumerate(d["cols"])}
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[col["lon"]], r[col["lat"]]]},
             "properties": {"id": _html.unescape(r[col["id"]]), "code": d["regions"][r[col["region"]]][0],
                            "kind": "institute"}}
            for r in d["rows"]
        ],
    }


def points_layer(ds: Dataset, view: View, shown: pd.DataFrame, group: folium.FeatureGroup) -> folium.FeatureGroup:
    """The institutes of ``shown`` as one point layer in ``group``, with the legend of their lead areas."""
    ids = [str(i) for i in shown.index]
    PointsLayer(points_payload(ds, view.lang, ids, view.lens), ids).add_to(group)
    readings = _point_rows(ds, view.lang, view.lens)["readings"]
    marks = LegendMarks()
    for i in ids:
        reading, hub, weak = readings[i]
        marks.add(reading, hub=hub, weak=weak)
    areas_legend(ds, view.lang, view.lens, marks).add_to(group)
    return group
