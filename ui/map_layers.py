"""The map's view-dependent layers, built and turned into script once per view (streamlit-folium 0.27).

Why it exists: ``st_folium(..., feature_group_to_add=...)`` turns every feature group into JavaScript on
every run (``streamlit_folium._get_feature_group_string``: folium renders each pin and the regions'
shapes again), and the page built the groups again on every run too. On a filter or a lens change both
sat between the click and the map's message: 50 ms with the real dataset, 170 ms with 10,000
institutes (docs/performance.md). So:

- :func:`layers`: ``mapview.map_layers`` once per view and data version (``st.cache_resource``: the
  same group objects for every session showing that view), each group marked as cacheable;
- :func:`install`: wraps streamlit-folium's ``_get_feature_group_string`` so that a marked group is
  turned into script once (under a lock: folium's render changes the group while it runs) and its
  text reused; any other group goes through unchanged. The text is the one streamlit-folium made, so
  the browser receives exactly what it would have received;
- :func:`check_internals`: ``tests/test_map_layers.py`` fails, naming this module, when an upgrade
  of streamlit-folium changes what it relies on.

The layers never read ``view.selected`` (the browser draws the selected region's outline from the
page's URL), so selecting a region reuses the view's layers; a test holds that.
"""

from __future__ import annotations

import inspect
import threading
from typing import TYPE_CHECKING, Any

import streamlit as st

from atlas import mapview

if TYPE_CHECKING:
    import folium
    import pandas as pd

    from atlas.dataset import Dataset
    from atlas.view import View

WRITTEN_FOR = "0.27"
MAX_VIEWS = 32
"""Views whose layers are kept (least recently used dropped): 10,000 institutes make ~2.5 MB a view."""

NOT_LAYERS = frozenset({"selected", "notices"})
"""View fields the layers never read (the browser outlines the selected region; notices are text)."""

_LOCK = threading.Lock()
_ORIGINAL: dict[str, Any] = {}


def _feature_group_string(feature_group: Any, map: Any, idx: int = 0) -> str:  # noqa: A002 - its name there
    scripts = getattr(feature_group, "atlas_scripts", None)
    if scripts is None:  # not one of ours: as streamlit-folium does it
        return _ORIGINAL["fn"](feature_group, map, idx)
    with _LOCK:
        if idx not in scripts:
            scripts[idx] = _ORIGINAL["fn"](feature_group, map, idx)
        return scripts[idx]


def install() -> None:
    """Route streamlit-folium's feature-group rendering through :func:`_feature_group_string` (once)."""
    import streamlit_folium

    current = streamlit_folium._get_feature_group_string
    if current is not _feature_group_string:
        _ORIGINAL["fn"] = current
        streamlit_folium._get_feature_group_string = _feature_group_string


def check_internals() -> list[str]:
    """What this module relies on and no longer finds in the installed streamlit-folium (empty: all there)."""
    from importlib.metadata import version

    import streamlit_folium

    problems = []
    found = version("streamlit-folium")
    if not found.startswith(WRITTEN_FOR):
        problems.append(f"written for streamlit-folium {WRITTEN_FOR}, found {found}")
    if not callable(getattr(streamlit_folium, "_get_feature_group_string", None)):
        problems.append("streamlit_folium._get_feature_group_string is gone")
    elif "_get_feature_group_string(" not in inspect.getsource(streamlit_folium.st_folium):
        problems.append("st_folium no longer calls _get_feature_group_string")
    return problems


@st.cache_resource(show_spinner=False, max_entries=MAX_VIEWS)
def _cached_layers(version: str, key: tuple, with_tiles: bool, _ds: Dataset, _view: View,
                   _shown: pd.DataFrame) -> list[folium.FeatureGroup]:
    groups = mapview.map_layers(_ds, _view, _shown, with_tiles=with_tiles)
    for group in groups:
        group.atlas_scripts = {}  # filled by _feature_group_string on the first run that draws it
    return groups


def layers(ds: Dataset, view: View, shown: pd.DataFrame, *, with_tiles: bool) -> list[folium.FeatureGroup]:
    """``mapview.map_layers(ds, view, shown)`` for the page, the same objects for the same view.

    ``shown`` must be what the view's filters pass (the page's ``_shown_ids``): the key is the view,
    not the frame. Every field of the view but :data:`NOT_LAYERS` is in the key, so a new one is too."""
    return _cached_layers(ds.version, view.key_without(NOT_LAYERS), with_tiles, ds, view, shown)
