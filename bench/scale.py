"""The home page with 100, 1,000 and 10,000 institutes: payload, time to interactive, zoom.

Run: ``.venv/bin/python bench/scale.py [--points 100 1000 10000] [--runs 5]`` (prints figures).

For each N, a synthetic dataset (``atlas.synthetic``, fixed seed) is written to a temporary folder
and served by ``streamlit run serve.py`` with ``ATLAS_DATA_DIR`` pointing at it. Figures:

- payload: what ``st_folium`` sends for the map (base map + the filtered layers), and the size of
  the rendered standalone map; with Python's time to build the layers (cached and uncached);
- time to interactive: navigation to the markers drawn, median of ``--runs`` cold loads (new
  browser context each, server warmed by one load). Up to ``mapview.POINTS_THRESHOLD`` institutes
  that is every ``.atlas-pin`` in the map frame; above it, the canvas point layer's
  ``data-atlas-points`` attribute reaching N (set in the animation frame after the canvas drew);
- floor: a bare Streamlit page's time to its title (``bench/bare_app.py``) + the same N-point map as
  a static HTML file from disk (``build_map(..., asset_mode="inline")``), loaded in turn with ours,
  as ``bench/time_to_map.py`` does for the warm goal: on a machine whose times move by +/-0.4 s from
  one run to the next, the ratio to it says what the data costs beyond Streamlit and the map;
- zoom-in: in that page, ``map.setZoom(zoom + 2, {animate: false})`` until two animation frames
  later (the markers redrawn at the new zoom), and Leaflet's animated ``map.zoomIn()`` until
  ``zoomend`` plus one frame (includes Leaflet's 0.25 s animation).

Goals at 10,000 points: time to interactive <= 2.5 s, payload <= 2 MB.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
# Run as a script, this folder is sys.path[0]: the repository root goes there instead (imports of atlas).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import logging
import shutil
import tempfile
import time

from bench._harness import fmt_s, median, ready_frame, server, static_map, timed_load  # noqa: E402
from tests.support.browser import chromium  # noqa: E402
from tests.support.folium_sent import payload_bytes  # noqa: E402
from tests.support.probe import Probe  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
GOAL_TTI_MS = 2500
GOAL_BYTES = 2_000_000

ZOOM_JS = """async () => {
  const m = window.map;
  const frames = (n) => new Promise((done) => {
    const step = (k) => k ? requestAnimationFrame(() => step(k - 1)) : done();
    step(n);
  });
  const z0 = m.getZoom();
  let t0 = performance.now();
  m.setZoom(z0 + 2, {animate: false});
  await frames(2);
  const instant = performance.now() - t0;
  m.setZoom(z0, {animate: false});
  await frames(2);
  t0 = performance.now();
  await new Promise((done) => { m.once("zoomend", done); m.zoomIn(1); });
  await frames(1);
  const animated = performance.now() - t0;
  m.setZoom(z0, {animate: false});
  return [instant, animated];
}"""


def payload(data_dir: Path) -> dict[str, float]:
    from atlas import load, mapview
    from atlas.view import View, apply_filters

    ds = load(data_dir)
    view = View()
    shown = apply_filters(ds, view)
    t0 = time.perf_counter()
    layers = mapview.map_layers(ds, view, shown)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    layers = mapview.map_layers(ds, view, shown)
    again = time.perf_counter() - t0
    sent = payload_bytes(mapview.base_map(ds, view.lang), layers)
    html = len(mapview.build_map(ds, view, institutes=shown).get_root().render().encode("utf-8"))
    return {"sent": sent, "html": html, "first": first, "again": again, "n": len(shown)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshots", action="store_true", help="save artifacts/scale_N.png")
    args = parser.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    from atlas import mapview, synthetic

    tmp = Path(tempfile.mkdtemp(prefix="atlas-scale-"))
    rows = []
    try:
        with chromium() as browser, server("bench/bare_app.py") as bare_url:
            bare_probe = Probe(1, "h1")
            timed_load(browser, bare_url + "/", bare_probe)  # warm
            for n in args.points:
                data_dir = synthetic.write_synthetic(tmp / f"n{n}", n)
                size = payload(data_dir)
                if n > mapview.POINTS_THRESHOLD:
                    probe = Probe(n, attr="data-atlas-points")
                else:
                    probe = Probe(n, ".atlas-pin")
                html = tmp / f"map{n}.html"
                static_map(html, data_dir)
                loads, zooms, anims, bares, statics = [], [], [], [], []
                with server("serve.py", {"ATLAS_DATA_DIR": str(data_dir)}) as url:
                    timed_load(browser, url + "/", probe)  # warm: data loaded and cached once per server
                    for _ in range(args.runs):
                        load_, page = timed_load(browser, url + "/", probe, keep=True)
                        loads.append(load_.ms)
                        instant, animated = ready_frame(page).evaluate(ZOOM_JS)
                        zooms.append(instant)
                        anims.append(animated)
                        if args.screenshots:
                            ARTIFACTS.mkdir(exist_ok=True)
                            page.wait_for_timeout(300)
                            page.screenshot(path=str(ARTIFACTS / f"scale_{n}.png"))
                        page.context.close()
                        bares.append(timed_load(browser, bare_url + "/", bare_probe).ms)
                        statics.append(timed_load(browser, html.as_uri(), probe).ms)
                floor = median(bares) + median(statics)
                rows.append((n, size, median(loads), median(zooms), median(anims), loads, floor))
                print(f"  {n:>6} points: sent {size['sent'] / 1e6:.2f} MB, time to interactive"
                      f" {fmt_s(median(loads))} (floor {fmt_s(floor)}: bare {fmt_s(median(bares))} + static"
                      f" {fmt_s(median(statics))}), zoom {median(zooms):.0f} ms", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nhome page at scale (synthetic institutes; median of {args.runs} cold loads; threshold for the"
          f" canvas layer: > {mapview.POINTS_THRESHOLD})")
    print(f"  {'points':>7} {'map sent':>10} {'map HTML':>10} {'layers built':>22} {'interactive':>12}"
          f" {'floor':>7} {'ratio':>6} {'zoom-in':>8} {'animated':>9}")
    for n, size, tti, zoom, anim, _, floor in rows:
        print(f"  {n:>7,} {size['sent'] / 1e6:>8.2f} MB {size['html'] / 1e6:>7.2f} MB"
              f" {size['first'] * 1000:>8.0f} / {size['again'] * 1000:>4.0f} ms cached"
              f" {fmt_s(tti):>12} {fmt_s(floor):>7} {tti / floor:>5.2f}x {zoom:>6.0f} ms {anim:>6.0f} ms")
    big = [r for r in rows if r[0] == 10000]
    if big:
        n, size, tti, *_, floor = big[0]
        print(f"  10,000 points: interactive {fmt_s(tti)} (goal <= {fmt_s(GOAL_TTI_MS)}:"
              f" {'met' if tti <= GOAL_TTI_MS else 'NOT met'}; {tti / floor:.2f} x its floor of {fmt_s(floor)});"
              f" payload {size['sent'] / 1e6:.2f} MB"
              f" (goal <= 2 MB: {'met' if size['sent'] <= GOAL_BYTES else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
