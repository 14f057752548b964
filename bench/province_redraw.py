"""Time from selecting a region to its provinces drawn on the map, measured in the browser.

Run: ``.venv/bin/python bench/province_redraw.py [--rounds 5] [--cpu-slowdown N]`` (prints figures;
asserts nothing). In Debian's chromium (the browser tests' flags, every non-local request aborted), a
new browser context per round: the home page is loaded until its markers are drawn, then, one region
after another, a click on the region's pill under the map is timed to the moment the map's frame has
drawn that region's provinces (``data-atlas-provinces-drawn`` on the map's container, set by
``atlas/mapview/static/provinces.js``). Both moments are stamped in the browser (the page's clicks in
the capture phase, the drawing in the map's frame, one clock).

Also printed: what each region's provinces weigh as the page receives them (the province table that
carries the map's data), the budget being 150 KB.

Goal (issue 29): selecting a region, to its provinces drawn, at most 0.3 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse

from bench._harness import fmt_s, median, server, spread
from tests.support.browser import chromium, offline_context, slow_cpu

GOAL_S = 0.3
REGIONS = ("02", "10", "03", "06")
"""Oriental and Guelmim-Oued Noun (the issue's examples), Fès-Meknès (the heaviest provinces) and
Casablanca-Settat (no institute)."""

CLICKS_JS = """
window.__clicks = [];
document.addEventListener("click", () => window.__clicks.push(Date.now()), true);
"""
# In the map frame: Date.now() when the provinces of ``code`` are drawn. Returned inside an object:
# Playwright's evaluate_handle would otherwise wait for the promise itself.
DRAWN_JS = """
(code) => ({drawn: new Promise((resolve) => {
  const box = document.querySelector(".leaflet-container");
  const check = () => (box.getAttribute("data-atlas-provinces-drawn") || "").startsWith(code + ":");
  if (check()) { resolve(Date.now()); return; }
  const obs = new MutationObserver(() => { if (check()) { obs.disconnect(); resolve(Date.now()); } });
  obs.observe(box, {attributes: true, attributeFilter: ["data-atlas-provinces-drawn"]});
})})
"""


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def payloads(lang: str = "fr") -> dict[str, int]:
    """Bytes of each region's province table as the page gets it (it carries the map's data)."""
    from atlas import load
    from atlas.mapview import provinces as mp
    from atlas.provinceview import region_provinces

    ds = load()
    out = {}
    for code in ds.regions.index:
        table = mp.province_table_html(region_provinces(ds, code, lang), mp.layer_json(mp.layer_data(ds, code, lang)))
        out[str(code)] = len(table.encode("utf-8"))
    return out


def redraws(browser, url: str, rounds: int, cpu_slowdown: float) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    """Milliseconds from a click on a region's pill to its provinces drawn, per region."""
    from atlas import load
    from atlas.present import region_name

    ds = load()
    out: dict[str, list[float]] = {code: [] for code in REGIONS}
    for i in range(rounds):
        context, _traffic = offline_context(browser)
        context.add_init_script(CLICKS_JS)
        page = context.new_page()
        slow_cpu(page, cpu_slowdown)
        page.goto(url)
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        frame.locator(".atlas-pin").first.wait_for(state="visible", timeout=90_000)
        page.wait_for_timeout(500)  # the page settles (side panel, table) before the click is timed
        map_frame = next(f for f in page.frames if "st_folium" in f.url)
        for code in REGIONS:
            progress(f"round {i + 1}/{rounds}: region {code}")
            page.evaluate("window.__clicks = []")
            pending = map_frame.evaluate_handle(DRAWN_JS, code)
            page.locator(".st-key-panel_pick").get_by_role("radio", name=region_name(ds, code, "fr"),
                                                           exact=True).click()
            drawn = float(pending.evaluate("o => Promise.race([o.drawn, new Promise((_, no) => setTimeout("
                                           "() => no(new Error('provinces not drawn within 30 s')), 30000))])"))
            clicked = max(c for c in page.evaluate("window.__clicks") if c <= drawn)
            out[code].append(drawn - clicked)
            page.wait_for_timeout(300)
        context.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="pages on which the regions are selected (default 5)")
    parser.add_argument("--cpu-slowdown", type=float, default=1.0, metavar="N",
                        help="run the page on a browser N times slower (Chromium's CPU throttling; default 1: none)")
    args = parser.parse_args(argv)
    if args.cpu_slowdown < 1:
        parser.error(f"--cpu-slowdown is at least 1 (1 = none), not {args.cpu_slowdown:g}")
    with chromium() as browser, server("serve.py") as url:
        times = redraws(browser, url + "/?lang=fr", args.rounds, args.cpu_slowdown)
    if args.cpu_slowdown > 1:
        print(f"the page on a browser {args.cpu_slowdown:g} x slower (Chromium's CPU throttling)")
    print(f"click on a region's pill to its provinces drawn, median of {args.rounds}")
    for code, values in times.items():
        print(f"  {code}  {fmt_s(median(values)):>8}   ({spread(values)})")
    worst = max(median(v) for v in times.values()) / 1000
    print(f"  slowest region = {worst:.2f} s  (goal <= {GOAL_S} s: {'met' if worst <= GOAL_S else 'NOT met'})")
    sizes = payloads()
    print("province table with the map's data, as sent (fr), per region: "
          + ", ".join(f"{c} {n / 1000:.1f} KB" for c, n in sizes.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
