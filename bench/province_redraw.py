"""Time from selecting a region to its provinces drawn on the map, measured in the browser.

Run: ``.venv/bin/python bench/province_redraw.py [--rounds 5] [--cpu-slowdown N] [--variant NAME=PATH]``
(prints figures; asserts nothing; each ``--variant`` is ``serve.py`` of another checkout, measured in
the same run, interleaved with ours). In Debian's chromium (the browser tests' flags, every non-local
request aborted), a new browser context per round: the home page is loaded until its markers are
drawn, then, one region after another, a click on the region's pill under the map is timed to the
moment the map's frame has drawn that region's provinces (``data-atlas-provinces-drawn`` on the map's
container, set by ``atlas/mapview/static/provinces.js``). Both moments are stamped in the browser
(the page's clicks in the capture phase, the drawing in the map's frame, one clock).

Also printed: what each region's provinces weigh as the page receives them (the hidden element that
carries the map's data, ``atlas.mapview.provinces.carrier_html``), the budget being 150 KB.

Goal (issue 29): selecting a region, to its provinces drawn, at most 0.3 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import contextlib

from bench._harness import REPO, fmt_s, map_page, median, refuse_repeated_variants, server, spread, timed_click, turned
from tests.support.browser import chromium
from tests.support.servers import parse_variant

GOAL_S = 0.3
REGIONS = ("02", "10", "03", "06")
"""Oriental and Guelmim-Oued Noun (the issue's examples), Fès-Meknès (the heaviest provinces) and
Casablanca-Settat (no institute)."""

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
    """Bytes of each region's province data as the page gets it (the element that carries the map's data)."""
    from atlas import load
    from atlas.mapview import provinces as mp

    ds = load()
    return {str(code): len(mp.carrier_html(mp.layer_json(mp.layer_data(ds, code, lang))).encode("utf-8"))
            for code in ds.regions.index}


def redraws(browser, urls: dict[str, str], rounds: int, cpu_slowdown: float) -> dict[str, dict[str, list[float]]]:  # type: ignore[no-untyped-def]
    """Milliseconds from a click on a region's pill to its provinces drawn, per server and region; the
    servers interleaved, a new page per round."""
    from atlas import load
    from atlas.present import region_name

    ds = load()
    out = {name: {code: [] for code in REGIONS} for name in urls}
    names = list(urls)
    for i in range(rounds):
        for name in turned(names, i):
            url = urls[name]
            with map_page(browser, url, 1, cpu_slowdown) as (page, map_frame):
                for code in REGIONS:
                    progress(f"round {i + 1}/{rounds}: {name}, region {code}")
                    pill = page.locator(".st-key-panel_pick").get_by_role("radio", name=region_name(ds, code, "fr"),
                                                                           exact=True)
                    out[name][code].append(timed_click(page, map_frame, DRAWN_JS, code,
                                                       lambda _p, pill=pill: pill.click(),
                                                       f"region {code}'s provinces drawn"))
                    page.wait_for_timeout(300)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="pages on which the regions are selected (default 5)")
    parser.add_argument("--cpu-slowdown", type=float, default=1.0, metavar="N",
                        help="run the page on a browser N times slower (Chromium's CPU throttling; default 1: none)")
    parser.add_argument("--variant", action="append", default=[], type=parse_variant, metavar="NAME=PATH",
                        help="also measure serve.py of the checkout PATH (with its .venv) as NAME, interleaved "
                             "with ours (repeatable)")
    args = parser.parse_args(argv)
    if args.cpu_slowdown < 1:
        parser.error(f"--cpu-slowdown is at least 1 (1 = none), not {args.cpu_slowdown:g}")
    refuse_repeated_variants(parser, args.variant)
    checkouts = {"ours": REPO, **{v.name: v.checkout for v in args.variant}}
    with chromium() as browser, contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(server("serve.py", checkout=path)) + "/?lang=fr"
                for name, path in checkouts.items()}
        times = redraws(browser, urls, args.rounds, args.cpu_slowdown)
    if args.cpu_slowdown > 1:
        print(f"the page on a browser {args.cpu_slowdown:g} x slower (Chromium's CPU throttling)")
    print(f"click on a region's pill to its provinces drawn, median of {args.rounds}")
    for name, by_region in times.items():
        print(f"{name}:")
        for code, values in by_region.items():
            print(f"  {code}  {fmt_s(median(values)):>8}   ({spread(values)})")
        worst = max(median(v) for v in by_region.values()) / 1000
        print(f"  slowest region = {worst:.2f} s  (goal <= {GOAL_S} s: {'met' if worst <= GOAL_S else 'NOT met'})")
    sizes = payloads()
    print("the map's province data, as sent (fr), per region: "
          + ", ".join(f"{c} {n / 1000:.1f} KB" for c, n in sizes.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
