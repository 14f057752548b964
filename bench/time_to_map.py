"""Time from navigation to the markers being drawn: ours, the peer, and the floor, side by side.

Run: ``.venv/bin/python bench/time_to_map.py [--runs 7]`` (prints figures; asserts nothing).

In Debian's chromium (Playwright, the browser tests' flags), every request that is not to
127.0.0.1 aborted, each load in a NEW browser context (cold cache), servers warmed by one load
first, the variants interleaved run by run:

- ours: ``streamlit run app.py``, home page (map, side panel, table, downloads); ready when every
  ``.atlas-pin`` of the default view is in the map frame with a size;
- peer: ``streamlit run bench/naive_app.py`` (folium defaults, full geometry, ``folium.Marker``,
  ``st_folium(m)``); its CDN assets are answered from installed packages (``bench/peer_assets.py``),
  its tiles aborted; ready when every ``.leaflet-marker-icon`` is in the map frame with a size;
- floor = a bare Streamlit page's time to first render (``bench/bare_app.py``, ready when its
  ``h1`` is drawn) PLUS the time to markers of a static HTML file of our map
  (``build_map(..., asset_mode="inline")``) opened from disk;
- bare+fix: the bare page with the home page's socket fix (``BENCH_NO_NAGLE=1``), for context.

Goals: ours <= 1.25 x floor; peer / ours >= 1.6.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
# Run as a script, this folder is sys.path[0]: the repository root goes there instead (imports of atlas).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import tempfile

from bench import peer_assets  # noqa: E402
from bench._harness import Probe, chromium, fmt_s, median, server, spread, timed_load  # noqa: E402

GOAL_FLOOR = 1.25
GOAL_PEER = 1.6

MARKS = (
    ("title", "h1"),
    ("iframe", 'iframe[title="streamlit_folium.st_folium"]'),
    ("leaflet", ".leaflet-container"),
    ("regions", "path.leaflet-interactive"),
)
OURS_MARKS = (*MARKS, ("panel", ".st-key-side_panel h3"), ("table", ".stDataFrame canvas"),
              ("downloads", ".st-key-map_dl_json button"))
TABLE = ".stDataFrame canvas"


def static_map(path: Path) -> int:
    from atlas import load, mapview
    from atlas.view import View, apply_filters

    ds = load()
    path.write_text(mapview.build_map(ds, View(), asset_mode="inline").get_root().render(), encoding="utf-8")
    return len(apply_filters(ds, View()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="cold loads of each variant (default 7)")
    parser.add_argument("--mbit", type=float, default=None,
                        help="also compare ours and the peer over an emulated network (Mbit/s, 40 ms RTT)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    html = tmp / "map.html"
    n = static_map(html)
    variants = {
        "ours": (Probe(n, ".atlas-pin", marks=OURS_MARKS), None),
        "peer": (Probe(n, ".leaflet-marker-icon", marks=MARKS), peer_assets.fulfil),
        "bare": (Probe(1, "h1"), None),
        "static": (Probe(n, ".atlas-pin"), None),
        "bare+fix": (Probe(1, "h1"), None),
    }
    times: dict[str, list] = {k: [] for k in variants}
    with (
        server("serve.py") as ours_url,
        server("bench/naive_app.py") as peer_url,
        server("bench/bare_app.py") as bare_url,
        server("bench/bare_app.py", {"BENCH_NO_NAGLE": "1"}) as fixed_url,
        chromium() as browser,
    ):
        urls = {"ours": ours_url + "/", "peer": peer_url + "/",
                "bare": bare_url + "/", "static": html.as_uri(), "bare+fix": fixed_url + "/"}
        for name, (probe, fulfil) in variants.items():  # warm the servers (Python imports, caches)
            timed_load(browser, urls[name], probe, fulfil)
        for _ in range(args.runs):
            for name, (probe, fulfil) in variants.items():
                then = TABLE if name.startswith("ours") else None
                times[name].append(timed_load(browser, urls[name], probe, fulfil, then=then))
        slow: dict[str, list] = {"ours": [], "peer": []}
        if args.mbit:
            for _ in range(args.runs):
                for name in slow:
                    probe, fulfil = variants[name]
                    slow[name].append(timed_load(browser, urls[name], probe, fulfil, mbit=args.mbit))

    med = {k: median([x.ms for x in v]) for k, v in times.items()}
    floor = med["bare"] + med["static"]
    print(f"time from navigation to markers drawn, median of {args.runs} cold loads ({n} markers)")
    for name in variants:
        loads = times[name]
        ws = median([x.traffic.ws_bytes for x in loads])
        extra = f"   websocket {ws / 1000:,.0f} KB" if ws else ""
        print(f"  {name:<9} {fmt_s(med[name]):>8}   ({spread([x.ms for x in loads])}){extra}")
    print(f"  floor   {fmt_s(floor):>8}   (bare {fmt_s(med['bare'])} + static {fmt_s(med['static'])})")
    fixed_floor = med["bare+fix"] + med["static"]
    print(f"  floor with the socket fix applied to the bare page too: {fmt_s(fixed_floor)}"
          f" (ours / that = {med['ours'] / fixed_floor:.2f})")
    for name in ("ours", "peer"):
        marks = {}
        for load in times[name]:
            for k, v in load.marks.items():
                marks.setdefault(k, []).append(v)
        text = ", ".join(f"{k} {fmt_s(median(v))}" for k, v in marks.items())
        print(f"  {name} milestones (median): {text}")
    aborted = sorted({u.split("?")[0] for x in times["peer"] for u in x.traffic.aborted})
    fulfilled = sorted({u for x in times["peer"] for u in x.traffic.fulfilled})
    print(f"  peer: {len(fulfilled)} CDN URLs answered locally"
          f"{'' if peer_assets.have_jquery() else ' (jQuery empty: XStatic-jQuery not installed)'};"
          f" {len(aborted)} URLs aborted (tiles)")
    ours_aborted = sorted({u for x in times["ours"] for u in x.traffic.aborted})
    print(f"  ours: {len(ours_aborted)} non-local requests {ours_aborted if ours_aborted else ''}")
    if args.mbit:
        slow_med = {k: median([x.ms for x in v]) for k, v in slow.items()}
        print(f"  over an emulated {args.mbit:g} Mbit/s network (40 ms RTT), median of {args.runs}:"
              f" ours {fmt_s(slow_med['ours'])}, peer {fmt_s(slow_med['peer'])},"
              f" peer / ours = {slow_med['peer'] / slow_med['ours']:.2f}")
    r_floor = med["ours"] / floor
    r_peer = med["peer"] / med["ours"]
    print(f"  ours / floor = {r_floor:.2f}  (goal <= {GOAL_FLOOR}: {'met' if r_floor <= GOAL_FLOOR else 'NOT met'})")
    print(f"  peer / ours  = {r_peer:.2f}  (goal >= {GOAL_PEER}: {'met' if r_peer >= GOAL_PEER else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
