"""Time from navigation to the markers being drawn: ours, the peer and the floor, side by side.

Run: ``.venv/bin/python bench/time_to_map.py [--runs 9] [--cold-runs 3]`` (prints figures; asserts
nothing). Everything runs in one go, on the same machine, so the ratios are real:

In Debian's chromium (Playwright, the browser tests' flags), every request that is not to 127.0.0.1
aborted, each load in a NEW browser context (no cache, no cookies), the variants interleaved, their
order turned by one place each round:

- ours: ``streamlit run serve.py`` (what ``scripts/start.sh`` runs), home page; ready when every
  ``.atlas-pin`` of the default view is in the map frame, visible, with its icon font loaded;
- peer: ``streamlit run bench/naive_app.py`` (folium defaults, full geometry, ``folium.Marker``,
  ``st_folium(m)`` with its defaults); its CDN assets are answered from installed packages
  (``bench/peer_assets.py``), its tiles aborted; ready when every ``.leaflet-marker-icon`` is drawn;
- bare: a bare Streamlit page (``bench/bare_app.py``), ready when its ``h1`` is drawn;
- static: the same map as ours as a static HTML file (``build_map(..., asset_mode="inline")``)
  opened from disk; floor = bare + static.

Modes:

- warm: each server answered one load first; then ``--runs`` loads of each variant;
- cold: ``--cold-runs`` times, a server just started and its FIRST load (ours and bare each);
- after a change: on a loaded page, the time from a click on the toolbar above the map (the lens,
  then a specialisation pill) to the markers redrawn in the map frame, measured in the browser (the click
  and the redraw are stamped there).

With ``--cpu-slowdown N``, every page of every variant (and of the redraws) runs on a browser N
times slower (Chromium's CPU throttling; the servers keep their speed): how the ratios hold on a
slower computer or a phone than the one running the benchmark.

With ``--variant NAME=PATH`` (repeatable), ``serve.py`` of another checkout PATH is measured too, as
NAME, exactly as ours (warm, cold, redraw), interleaved with it in the same run and printed beside
it with its ratios to the floor: before and after a change, or with and without a piece. PATH is a
``git worktree`` of another commit with a ``.venv`` (a link to this one's will do)::

    git worktree add /tmp/before <commit> && ln -s "$PWD/.venv" /tmp/before/.venv
    .venv/bin/python bench/time_to_map.py --runs 9 --cold-runs 3 --redraws 5 --variant before=/tmp/before

Goals (issue 14): warm ours <= 1.25 x floor; cold ours <= 1.5 x cold floor; redraw <= 0.3 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
# Run as a script, this folder is sys.path[0]: the repository root goes there instead (imports of atlas).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import contextlib
import tempfile

from bench import peer_assets
from bench._harness import (
    REPO,
    fmt_s,
    map_page,
    median,
    refuse_repeated_variants,
    server,
    spread,
    static_map,
    timed_click,
    timed_load,
    turned,
)
from tests.support.browser import chromium
from tests.support.probe import Probe
from tests.support.servers import parse_variant

GOAL_WARM = 1.25
GOAL_COLD = 1.5
GOAL_REDRAW_S = 0.3

MARKS = (
    ("title", "h1"),
    ("iframe", 'iframe[title="streamlit_folium.st_folium"]'),
    ("leaflet", ".leaflet-container"),
    ("regions", "path.leaflet-interactive"),
)
OURS_MARKS = (*MARKS, ("panel", ".st-key-side_panel h3"), ("table", ".atlas-table tbody"))

# In the map frame: Date.now() when the pins match ``want`` (JS predicate over the pin elements).
# Returned inside an object: Playwright's evaluate_handle would otherwise wait for the promise itself.
REDRAW_JS = """
(want) => ({drawn: new Promise((resolve) => {
  const test = new Function("pins", "return " + want);
  const check = () => {
    const pins = Array.from(document.querySelectorAll(".atlas-pin"));
    if (pins.length && test(pins)) { resolve(Date.now()); return true; }
    return false;
  };
  if (check()) return;
  const obs = new MutationObserver(() => { if (check()) obs.disconnect(); });
  obs.observe(document, {childList: true, subtree: true, attributes: true});
})})
"""


# Where a load's time goes, read in the page after the markers are drawn (ms from navigation start):
# the resource timings of the top page and of the map's frame (shifted to the top page's origin).
PHASES_JS = """
() => {
  const top = performance.getEntriesByType("resource");
  const nav = performance.getEntriesByType("navigation")[0];
  const first = (list, test, key) => { const e = list.find(test); return e ? e[key] : null; };
  const out = {
    html: nav ? nav.responseEnd : null,
    bundle: first(top, (e) => /\\/static\\/js\\/index\\.[^/]*\\.js$/.test(e.name), "responseEnd"),
    component: first(top, (e) => e.name.includes("/component/streamlit_folium"), "startTime"),
    mounts: top.filter((e) => e.name.includes("/component/streamlit_folium") && e.name.includes("index.html")).length,
    leaflet: null,
  };
  for (const frame of document.querySelectorAll("iframe")) {
    try {
      const w = frame.contentWindow;
      const shift = w.performance.timeOrigin - performance.timeOrigin;
      const leaflet = w.performance.getEntriesByType("resource").find((e) => e.name.endsWith("/leaflet.js"));
      if (leaflet) out.leaflet = leaflet.startTime + shift;
    } catch (e) { /* another origin */ }
  }
  return out;
}
"""
PHASE_LABELS = (
    ("html", "page HTML received"),
    ("bundle", "Streamlit's main script received"),
    ("ws_open", "WebSocket open"),
    ("map_frame", "the message carrying the map received"),
    ("component", "st_folium frame requested"),
    ("leaflet", "Leaflet requested (in the map's frame)"),
    ("markers", "markers drawn"),
)


def phases(page, load) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Milestones of one load of ours (ms from navigation; see PHASE_LABELS), and the mount count."""
    found = page.evaluate(PHASES_JS)
    out = {k: float(v) for k, v in found.items() if v is not None}
    if load.traffic.ws_open_ms is not None:
        out["ws_open"] = load.traffic.ws_open_ms
    if load.traffic.ws_frames:
        out["map_frame"] = max(load.traffic.ws_frames, key=lambda f: f[1])[0]
    out["markers"] = load.ms
    return out


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def redraw_times(browser, url: str, n: int, rounds: int, cpu_slowdown: float = 1.0) -> dict[str, list[float]]:
    """Milliseconds from a click above the map to the markers redrawn, for a lens switch and a filter."""
    from atlas import load
    from atlas.i18n import t

    energy = load().specialisations.loc["energy", "label_fr"]
    out: dict[str, list[float]] = {"lens": [], "filter": []}
    for _ in range(rounds):
        with map_page(browser, url, n, cpu_slowdown) as (page, map_frame):
            for name, click, want in (
                ("lens", lambda p: p.get_by_text(t("lens.conventions", "fr"), exact=True).click(),
                 'pins.every(p => !p.classList.contains("atlas-pin--hollow"))'),
                ("filter", lambda p: _pick(p, energy), f"pins.length < {n}"),
            ):
                progress(f"  redraw after a {name} change")
                out[name].append(timed_click(page, map_frame, REDRAW_JS, want, click,
                                             f"markers redrawn after a {name} change"))
    return out


def _pick(page, label: str) -> None:
    """Choose ``label`` among the specialisation pills above the map."""
    page.locator(".st-key-w_spec").get_by_role("button", name=label).click()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="warm loads of each variant (default 9)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts of ours and bare (default 3)")
    parser.add_argument("--redraws", type=int, default=3, help="pages on which a lens and a filter change are timed")
    parser.add_argument("--cpu-slowdown", type=float, default=1.0, metavar="N",
                        help="run every page on a browser N times slower (Chromium's CPU throttling; default 1: none)")
    parser.add_argument("--variant", action="append", default=[], type=parse_variant, metavar="NAME=PATH",
                        help="also measure serve.py of the checkout PATH (with its .venv) as NAME, like ours and "
                             "interleaved with it (repeatable)")
    args = parser.parse_args(argv)
    if args.cpu_slowdown < 1:
        parser.error(f"--cpu-slowdown is at least 1 (1 = none), not {args.cpu_slowdown:g}")
    refuse_repeated_variants(parser, args.variant)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not peer_assets.have_jquery():
        raise SystemExit("XStatic-jQuery is not installed (bash scripts/setup.sh dev): the peer cannot draw")

    slow = args.cpu_slowdown
    tmp = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    html = tmp / "map.html"
    n = static_map(html)
    ours_probe = Probe(n, ".atlas-pin", marks=OURS_MARKS)
    # Ours and each variant: (checkout, app) served the same way and measured the same way.
    apps = {"ours": (REPO, "serve.py"), **{v.name: (v.checkout, "serve.py") for v in args.variant}}
    probes = {
        **{name: (ours_probe, None) for name in apps},
        "peer": (Probe(n, ".leaflet-marker-icon", marks=MARKS), peer_assets.fulfil),
        "bare": (Probe(1, "h1"), None),
        "static": (Probe(n, ".atlas-pin"), None),
    }
    servers = {**apps, "peer": (REPO, "bench/naive_app.py"), "bare": (REPO, "bench/bare_app.py")}
    warm: dict[str, list] = {k: [] for k in probes}
    cold: dict[str, list[float]] = {k: [] for k in [*apps, "bare"]}
    breakdown: dict[str, list[dict[str, float]]] = {k: [] for k in apps}
    redraws: dict[str, dict[str, list[float]]] = {k: {"lens": [], "filter": []} for k in apps}
    with chromium() as browser:
        for i in range(args.cold_runs):
            for name in turned(list(cold), i):
                progress(f"cold {i + 1}/{args.cold_runs}: {name}")
                checkout, app = servers[name]
                with server(app, checkout=checkout) as url:
                    probe, fulfil = probes[name]
                    cold[name].append(timed_load(browser, url + "/", probe, fulfil, cpu_slowdown=slow).ms)
        with contextlib.ExitStack() as stack:
            urls = {name: stack.enter_context(server(app, checkout=checkout)) + "/"
                    for name, (checkout, app) in servers.items()}
            urls["static"] = html.as_uri()
            for name, (probe, fulfil) in probes.items():  # warm the servers (imports, caches)
                timed_load(browser, urls[name], probe, fulfil, cpu_slowdown=slow)
            for i in range(args.runs):
                progress(f"warm {i + 1}/{args.runs}")
                for name, (probe, fulfil) in turned(list(probes.items()), i):
                    if name in apps:
                        load, page = timed_load(browser, urls[name], probe, fulfil, keep=True, cpu_slowdown=slow)
                        breakdown[name].append(phases(page, load))
                        page.context.close()
                    else:
                        load = timed_load(browser, urls[name], probe, fulfil, cpu_slowdown=slow)
                    warm[name].append(load)
            for i in range(args.redraws):
                for name in turned(list(apps), i):
                    progress(f"redraw {i + 1}/{args.redraws}: {name}")
                    for kind, values in redraw_times(browser, urls[name], n, 1, slow).items():
                        redraws[name][kind] += values

    med = {k: median([x.ms for x in v]) for k, v in warm.items()}
    floor = med["bare"] + med["static"]
    cold_floor = median(cold["bare"]) + med["static"]
    if slow > 1:
        print(f"every page on a browser {slow:g} x slower (Chromium's CPU throttling; the servers at full speed)")
    print(f"time from navigation to markers drawn ({n} markers), warm: median of {args.runs} loads")
    for name in probes:
        print(f"  {name:<12} {fmt_s(med[name]):>8}   ({spread([x.ms for x in warm[name]])})")
    print(f"  {'floor':<12} {fmt_s(floor):>8}   (bare + static)")
    for name in [*apps, "peer"]:
        marks: dict[str, list[float]] = {}
        for load in warm[name]:
            for k, v in load.marks.items():
                marks.setdefault(k, []).append(v)
        print(f"  {name} milestones (median): " + ", ".join(f"{k} {fmt_s(median(v))}" for k, v in marks.items()))
    for name in apps:
        print(f"  {name}, where the time goes (median of {args.runs}; ms from navigation start):")
        for key, label in PHASE_LABELS:
            values = [b[key] for b in breakdown[name] if key in b]
            if values:
                print(f"    {fmt_s(median(values)):>8}  {label}")
        mounts = sorted({int(b.get("mounts", 0)) for b in breakdown[name]})
        print(f"    st_folium frame documents loaded per page: {', '.join(map(str, mounts))}"
              " (Streamlit fetches the frame's URL once to check it, then the frame loads it)")
    print(f"cold: first load after a server start, median of {args.cold_runs}")
    for name, values in cold.items():
        print(f"  {name:<12} {fmt_s(median(values)):>8}   ({spread(values)})")
    print(f"  {'floor':<12} {fmt_s(cold_floor):>8}   (bare cold + static)")
    print(f"after a change: click to markers redrawn, median of {args.redraws}")
    for name in apps:
        for kind, values in redraws[name].items():
            print(f"  {name:<12} {kind:<7} {fmt_s(median(values)):>8}   ({spread(values)})")

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print(f"side by side: ratio to the floor (warm floor {fmt_s(floor)}, cold floor {fmt_s(cold_floor)})")
    print(f"  {'':<12} {'warm':>16}   {'cold':>16}   redraw lens / filter")
    for name in apps:
        r_warm, r_cold = med[name] / floor, median(cold[name]) / cold_floor
        lens, flt = (median(redraws[name][k]) for k in ("lens", "filter"))
        print(f"  {name:<12} {fmt_s(med[name]):>8} {r_warm:5.2f} x   {fmt_s(median(cold[name])):>8} {r_cold:5.2f} x"
              f"   {fmt_s(lens)} / {fmt_s(flt)}")
    r_warm = med["ours"] / floor
    r_cold = median(cold["ours"]) / cold_floor
    worst_redraw = max(median(v) for v in redraws["ours"].values()) / 1000
    print(f"  warm ours / floor = {r_warm:.2f}  (goal <= {GOAL_WARM}: {verdict(r_warm <= GOAL_WARM)})")
    print(f"  cold ours / floor = {r_cold:.2f}  (goal <= {GOAL_COLD}: {verdict(r_cold <= GOAL_COLD)})")
    print(f"  redraw after a change = {worst_redraw:.2f} s  (goal <= {GOAL_REDRAW_S} s: "
          f"{verdict(worst_redraw <= GOAL_REDRAW_S)})")
    print(f"  peer / ours = {med['peer'] / med['ours']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
