"""Which region a click on the map means."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from atlas import geo

if TYPE_CHECKING:
    from atlas.dataset import Dataset


def region_from_click(result: Mapping[str, Any] | None, ds: Dataset) -> tuple[str, str] | None:
    """``(region code, click token)`` for the last click ``st_folium`` reported, or None.

    The clicked feature's ``properties.code`` (every region and marker carries one) wins; otherwise
    the clicked point is placed with :func:`atlas.geo.region_for_point`. The token changes with every
    new click, so the caller can act on each click once (``st_folium`` keeps returning the last one).
    """
    if not isinstance(result, Mapping):
        return None
    clicked = result.get("last_object_clicked")
    lat = lng = None
    if isinstance(clicked, Mapping):
        try:
            lat, lng = float(clicked["lat"]), float(clicked["lng"])
        except (KeyError, TypeError, ValueError):
            lat = lng = None
    if lat is None:
        return None
    props = _clicked_properties(result)
    code = None
    candidate = props.get("code")
    if isinstance(candidate, str) and candidate in ds.regions.index:
        code = candidate
    if code is None and ds.shapes:
        try:
            code = geo.region_for_point(lat, lng, ds.shapes)
        except ValueError:
            code = None
    if code is None:
        return None
    ident = props.get("id")
    token = f"{lat:.6f},{lng:.6f},{code},{ident or ''}"
    return code, token


def clicked_institute(result: Mapping[str, Any] | None) -> str | None:
    """The institute whose marker the last click reported ``st_folium`` was on (its card is then open),
    or None (a region's shape, or no click): a marker's feature says ``kind: institute``."""
    props = _clicked_properties(result)
    if props.get("kind") == "institute" and isinstance(props.get("id"), str):
        return props["id"]
    return None


def _clicked_properties(result: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The properties of the feature last clicked (``last_active_drawing``), or ``{}``."""
    drawing = result.get("last_active_drawing") if isinstance(result, Mapping) else None
    props = drawing.get("properties") if isinstance(drawing, Mapping) else None
    return props if isinstance(props, Mapping) else {}
