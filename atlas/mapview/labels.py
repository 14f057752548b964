"""Where each region's name is written, and from which zoom it is shown without overlapping."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.ops import polylabel

from atlas import geo
from atlas.i18n import direction
from atlas.mapview.cache import memo
from atlas.mapview.style import MIN_ZOOM
from atlas.present import region_name
from atlas.text import h

if TYPE_CHECKING:
    from atlas.dataset import Dataset

POINTS_THRESHOLD = 300
"""Up to this many institutes in view, each is a ``DivIcon`` pin with its icon (a DOM element each);
above it, they are drawn as circles on ONE canvas by one layer (:mod:`atlas.mapview.points`), which stays
smooth with 10,000 points (zooming included) and sends about 100 bytes a point."""


def label_points(ds: Dataset) -> dict[str, tuple[float, float]]:
    """Region code -> (lat, lon) of its label: the pole of inaccessibility of its largest part."""

    def build() -> dict[str, tuple[float, float]]:
        out: dict[str, tuple[float, float]] = {}
        for code, shape in ds.shapes.items():
            parts = sorted(shapely.get_parts(shape), key=lambda p: p.area, reverse=True)
            point = polylabel(parts[0], tolerance=0.01) if parts else shape.representative_point()
            out[code] = (round(point.y, 4), round(point.x, 4))
        return out

    return dict(memo(("label_points", ds.version, tuple(sorted(ds.shapes))), build))


LABEL_NEAR_DEG = 0.7
"""A region label closer than this (degrees) to one of the region's institutes goes under its marker."""


def label_positions(ds: Dataset) -> dict[str, tuple[float, float, bool]]:
    """Region code -> (lat, lon, under_a_marker): where each region's name is written.

    The name sits at :func:`label_points`, unless an institute of the region is near that point: then
    it is written just under that institute's marker, so the two never cover each other. With more
    than :data:`POINTS_THRESHOLD` institutes (small circles, see :func:`institutes_layer`) labels stay
    at their point. Cached per data version.
    """
    return dict(memo(("label_positions", ds.version), lambda: _label_positions(ds)))


def _label_positions(ds: Dataset) -> dict[str, tuple[float, float, bool]]:
    out: dict[str, tuple[float, float, bool]] = {}
    inst = ds.institutes
    many = len(inst) > POINTS_THRESHOLD
    codes = inst["region_code"].astype(str).to_numpy()
    lats = inst["lat"].astype(float).to_numpy()
    lons = inst["lon"].astype(float).to_numpy()
    for code, (lat, lon) in label_points(ds).items():
        mask = codes == code
        if many or not mask.any():
            out[code] = (lat, lon, False)
            continue
        d = np.hypot(lats[mask] - lat, lons[mask] - lon)
        i = int(np.argmin(d))  # the first of equally near institutes, as before
        out[code] = (float(lats[mask][i]), float(lons[mask][i]), True) if d[i] < LABEL_NEAR_DEG else (lat, lon, False)
    return out



SHORT_LABEL_BELOW = 6.0
"""Below this zoom, region labels show the first part of the name only."""
LABEL_STEPS = 4  # label visibility is decided per quarter zoom level (the map's zoomSnap)
LABEL_ZOOMS = tuple(z / LABEL_STEPS for z in range(LABEL_STEPS * MIN_ZOOM, LABEL_STEPS * 9))
LABEL_CHAR_PX = 6.4
LABEL_HEIGHT_PX = 15
LABEL_MARKER_GAP_PX = 10
"""Free space kept around markers, so a label is never read as naming a neighbour's marker."""



def _pixel(lat: Any, lon: Any, zoom: float) -> tuple[Any, Any]:
    """Web Mercator pixel coordinates at ``zoom`` (256-pixel tiles); numbers or numpy arrays."""
    scale = 256 * 2**zoom
    phi = np.radians(np.clip(lat, -85.0, 85.0))
    return (lon + 180) / 360 * scale, (1 - np.log(np.tan(phi) + 1 / np.cos(phi)) / np.pi) / 2 * scale




LABEL_TARGET_ZOOM = 5.5
"""Every region is named from this zoom (the map's start view in the app at desktop widths): a label
takes its first place (:func:`_offsets`) shown from this zoom, else the place shown from the lowest zoom."""

Offset = tuple[float, float, int, int]
"""Where a label's box sits against its point: (dx px, dy px, sx, sy); its centre is at
``point + (dx + sx·w/2, dy + sy·h/2)`` for a box of w × h (CSS: ``translate(calc(-50% + sx·50% + dx px), …)``)."""


def _offsets(under_marker: bool, radius: float) -> list[Offset]:
    """Candidate places of a label, preferred first: centred on its point (or just under its region's
    marker), then above, right, left, below."""
    if under_marker:
        gap = radius + 4
        return [(0, 19, 0, 1), (0, -gap, 0, -1), (gap, 0, 1, 0), (-gap, 0, -1, 0)]
    return [(0, 0, 0, 0), (0, -6, 0, -1), (8, 0, 1, 0), (-8, 0, -1, 0), (0, 6, 0, 1)]


def label_min_zooms(ds: Dataset, lang: str) -> dict[str, float]:
    """Region code -> the zoom from which its label is drawn (see :func:`label_placement`)."""
    return {code: zoom for code, (zoom, _) in label_placement(ds, lang).items()}


def label_placement(ds: Dataset, lang: str) -> dict[str, tuple[float, Offset]]:
    """Region code -> (the zoom from which its label is drawn, where it sits against its point).

    Labels are placed largest region first; each takes, among a few places around its point
    (:func:`_offsets`), the first shown from :data:`LABEL_TARGET_ZOOM` (else the one shown from the
    lowest zoom) without overlapping an already placed label
    or any institute marker (estimated from the text length: 11 px bold, about 6.4 px a character).
    Below that zoom the label is hidden. Cached per data version and language.
    """
    return dict(memo(("label_placement", ds.version, lang), lambda: _label_placement(ds, lang)))


def _label_placement(ds: Dataset, lang: str) -> dict[str, tuple[float, Offset]]:
    positions = label_positions(ds)
    areas = {code: geo.area_km2(shape) for code, shape in ds.shapes.items()}
    order = sorted(positions, key=lambda c: -areas.get(c, 0.0))
    inst = ds.institutes
    if len(inst) > POINTS_THRESHOLD:
        # Thousands of small circles: labels (with their white halo) only avoid each other.
        inst = inst.iloc[:0]
    m_lat = inst["lat"].astype(float).to_numpy()
    m_lon = inst["lon"].astype(float).to_numpy()
    m_code = inst["region_code"].astype(str).to_numpy()
    m_r = np.where(inst["kind"].astype(str).to_numpy() == "hub", 17.0, 14.0)
    marker_px = {zoom: _pixel(m_lat, m_lon, zoom) for zoom in LABEL_ZOOMS}
    placed: dict[float, list[tuple[float, float, float, float]]] = {zoom: [] for zoom in LABEL_ZOOMS}
    out: dict[str, tuple[float, Offset]] = {}
    for code in order:
        lat, lon, below = positions[code]
        own = m_code == code
        radius = float(m_r[own].max()) if below and own.any() else 0.0
        # Other regions' markers keep a gap; the region's own marker only must not be covered.
        pad = m_r + np.where(own, 0.0, LABEL_MARKER_GAP_PX)
        best: tuple[float, Offset, dict[float, tuple[float, float, float, float]]] | None = None
        for offset in _offsets(below, radius):
            dx, dy, sx, sy = offset
            boxes: dict[float, tuple[float, float, float, float]] = {}
            for zoom in LABEL_ZOOMS:
                text = short_name(ds, code, lang) if zoom < SHORT_LABEL_BELOW else region_name(ds, code, lang)
                w, hgt = LABEL_CHAR_PX * len(text) + 6, LABEL_HEIGHT_PX
                x, y = _pixel(lat, lon, zoom)
                cx, cy = x + dx + sx * w / 2, y + dy + sy * hgt / 2
                box = (cx - w / 2, cy - hgt / 2, cx + w / 2, cy + hgt / 2)
                if any(not (box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3])
                       for b in placed[zoom]):
                    continue
                mx, my = marker_px[zoom]
                hit = (box[2] > mx - pad) & (box[0] < mx + pad) & (box[3] > my - pad) & (box[1] < my + pad)
                if not hit.any():
                    boxes[zoom] = box
            start = LABEL_ZOOMS[-1] + 1 / LABEL_STEPS
            for zoom in reversed(LABEL_ZOOMS):
                if zoom not in boxes:
                    break
                start = zoom
            if best is None or start < best[0]:
                best = (start, offset, boxes)
            if start <= LABEL_TARGET_ZOOM:  # the preferred place that shows at the map's start view
                break
        assert best is not None
        start, offset, boxes = best
        for zoom, box in boxes.items():
            if zoom >= start:  # hidden below its start: takes no room there
                placed[zoom].append(box)
        out[code] = (start, offset)
    return out


def label_css(min_zooms: Mapping[str, float]) -> str:
    """CSS hiding each label below its minimum zoom (see :class:`_ZoomClass`)."""
    rules = []
    for level in sorted({round(z * LABEL_STEPS) for z in min_zooms.values()}):
        hidden = ",".join(f".atlas-zl-{n} .atlas-minz-{level}" for n in range(LABEL_STEPS * (MIN_ZOOM - 1), level))
        if hidden:
            rules.append(hidden + "{display:none}")
    return "\n".join(rules)


def label_markers(ds: Dataset, lang: str) -> list[tuple[float, float, str]]:
    """(lat, lon, escaped HTML) of every region label; cached per data version and language."""

    def build() -> list[tuple[float, float, str]]:
        placement = label_placement(ds, lang)
        out = []
        for code, (lat, lon, _below) in label_positions(ds).items():
            start, (dx, dy, sx, sy) = placement.get(code, (MIN_ZOOM, (0, 0, 0, 0)))
            full = h(region_name(ds, code, lang))
            short = h(short_name(ds, code, lang))
            shift = (f"transform:translate(calc({-50 + 50 * sx}% + {float(dx):g}px),"
                     f"calc({-50 + 50 * sy}% + {float(dy):g}px))")
            out.append((lat, lon,
                        f'<div class="atlas-label atlas-minz-{round(start * LABEL_STEPS)}" style="{shift}" '
                        f'dir="{direction(lang)}" data-region="{h(code)}">'
                        f'<span class="atlas-label-full">{full}</span><span class="atlas-label-short">{short}</span>'
                        "</div>"))
        return out

    return memo(("label_markers", ds.version, lang), build)


def short_name(ds: Dataset, code: str, lang: str) -> str:
    """The first part of a region's name (``Tanger-Tétouan-Al Hoceima`` -> ``Tanger``)."""
    name = region_name(ds, code, lang)
    return re.split(r"[-‐–]", name, maxsplit=1)[0].strip() or name
