"""What the browser benchmarks add to ``tests/support`` (servers, the offline chromium, the idle wait,
the "markers drawn" probe): a precise clock of a load, and the floor's static map.

- :func:`server`: ``streamlit run <app>`` on 127.0.0.1 (``tests.support.servers.run_streamlit``), from
  this checkout or another one (a variant);
- :func:`static_map`: the home page's map as a standalone file with every asset inline (the floor's
  map, opened from disk);
- :func:`refuse_repeated_variants` and :func:`turned`: the variants of a benchmark, checked, and
  their order for one round;
- :func:`map_page` and :func:`timed_click`: the home page opened with its markers drawn, then the
  milliseconds from a click on it to a change the map's frame reports (the redraw benchmarks);
- :func:`timed_load`: navigates and returns the milliseconds from navigation start to the moment
  the page (or any frame in it) shows what ``probe`` describes (``tests.support.probe.Probe``: an
  init script, injected in every frame, stamps ``Date.now()`` in the animation frame after the
  markers are there with a size). The time is that stamp minus ``performance.timeOrigin`` of the
  top document (the navigation start). Each load starts once the machine is quiet
  (``tests.support.idle.wait_quiet``), so one variant's leftover work does not land in the next one's time.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.browser import Fulfil, Traffic, offline_context, slow_cpu, throttle  # noqa: E402
from tests.support.idle import wait_quiet  # noqa: E402
from tests.support.probe import Probe  # noqa: E402
from tests.support.servers import run_streamlit  # noqa: E402

TIMEOUT_S = 90.0


@contextlib.contextmanager
def server(app: str = "serve.py", env: Mapping[str, str] | None = None, checkout: Path = REPO) -> Iterator[str]:
    """Base URL of ``streamlit run app`` run from ``checkout`` (this one unless told) for the block."""
    with run_streamlit(env or {}, app=app, checkout=checkout) as url:
        yield url


def static_map(path: Path, data_dir: Path | None = None) -> int:
    """Write the default view's map of ``data_dir`` (the project's data when None) to ``path`` as a
    standalone file with every asset inline; returns how many institutes it shows."""
    from atlas import load, mapview
    from atlas.view import View, apply_filters

    ds = load(data_dir) if data_dir is not None else load()
    path.write_text(mapview.build_map(ds, View(), asset_mode="inline").get_root().render(), encoding="utf-8")
    return len(apply_filters(ds, View()))


def _ready_at(page) -> float | None:
    for frame in page.frames:
        try:
            value = frame.evaluate("window.__benchReadyAt || null")
        except Exception:  # noqa: BLE001 - a frame may be navigating or gone
            continue
        if value:
            return float(value)
    return None


def ready_frame(page):
    """The frame in which the probe fired (the map's frame, or the page itself)."""
    for frame in page.frames:
        try:
            if frame.evaluate("window.__benchReadyHere || null"):
                return frame
        except Exception:  # noqa: BLE001
            continue
    return None


@dataclass
class Load:
    ms: float
    wall_ms: float
    traffic: Traffic
    marks: dict[str, float] = field(default_factory=dict)


def _marks(page, origin: float) -> dict[str, float]:
    out: dict[str, float] = {}
    for frame in page.frames:
        try:
            found = frame.evaluate("window.__benchMarks || {}")
        except Exception:  # noqa: BLE001
            continue
        for name, at in found.items():
            out[name] = min(out.get(name, float("inf")), float(at) - origin)
    return out


def timed_load(browser, url: str, probe: Probe, fulfil: Fulfil | None = None, keep: bool = False,
               timeout_s: float = TIMEOUT_S, mbit: float | None = None, then: str | None = None,
               cpu_slowdown: float = 1.0):
    """One cold load of ``url`` in a new context: ``Load`` (and the open page when ``keep``); with
    ``mbit``, over an emulated network of that speed (see :func:`throttle`); with ``cpu_slowdown``,
    on a browser that many times slower (see :func:`slow_cpu`); with ``then``, the marks
    are read once that selector is also on the page (e.g. the table, drawn after the map). Starts once
    the machine is quiet (:func:`wait_quiet`)."""
    wait_quiet()
    context, traffic = offline_context(browser, fulfil)
    context.add_init_script(probe.script())
    page = context.new_page()
    if mbit:
        throttle(page, mbit)
    slow_cpu(page, cpu_slowdown)

    def on_ws(ws):
        if traffic.ws_open_ms is None:
            traffic.ws_open_ms = (time.perf_counter() - start) * 1000

        def on_frame(payload):
            traffic.ws_frames.append(((time.perf_counter() - start) * 1000, len(payload)))

        ws.on("framereceived", on_frame)

    page.on("websocket", on_ws)
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    try:  # waits inside the page (no round trip per poll)
        page.wait_for_function("() => window.__benchReadyAt", timeout=timeout_s * 1000, polling=10)
    except Exception as exc:  # noqa: BLE001 - Playwright's TimeoutError
        context.close()
        raise TimeoutError(f"{url}: markers not drawn within {timeout_s:.0f} s") from exc
    ready = _ready_at(page)
    wall = (time.perf_counter() - start) * 1000
    if then:
        page.wait_for_selector(then, timeout=timeout_s * 1000)
        page.wait_for_timeout(50)
    origin = page.evaluate("performance.timeOrigin")
    result = Load(ms=ready - origin, wall_ms=wall, traffic=traffic, marks=_marks(page, origin))
    if keep:
        return result, page
    context.close()
    return result


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=20, method="inclusive")[18]


def fmt_s(ms: float) -> str:
    return f"{ms / 1000:.2f} s"


def spread(values: list[float]) -> str:
    return f"min {min(values) / 1000:.2f}, max {max(values) / 1000:.2f}"


def refuse_repeated_variants(parser, variants) -> None:  # type: ignore[no-untyped-def]
    """Stop the command line (``parser.error``) when two ``--variant``s share a name."""
    names = [v.name for v in variants]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        parser.error(f"--variant {', '.join(twice)} given twice: each --variant needs its own name")


def turned(items: list, i: int) -> list:
    """``items`` turned by ``i`` places: round ``i`` starts with another variant, so that no variant
    always loads first, or always after the same one."""
    k = i % len(items) if items else 0
    return items[k:] + items[:k]


CLICKS_JS = """
window.__clicks = [];
document.addEventListener("click", () => window.__clicks.push(Date.now()), true);
"""
"""Stamps every click the page sees (capture phase), on the clock the map's frame stamps its drawing with."""

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@contextlib.contextmanager
def map_page(browser, url: str, pins: int = 1, cpu_slowdown: float = 1.0):  # type: ignore[no-untyped-def]
    """The page at ``url`` in a new offline context, once its map shows ``pins`` markers and the rest of
    the page has settled: (page, the map's frame) for the block; the context is closed after it."""
    context, _traffic = offline_context(browser)
    try:
        context.add_init_script(CLICKS_JS)
        page = context.new_page()
        slow_cpu(page, cpu_slowdown)
        page.goto(url)
        page.frame_locator(MAP_FRAME).locator(".atlas-pin").nth(pins - 1).wait_for(
            state="visible", timeout=TIMEOUT_S * 1000)
        page.wait_for_timeout(500)  # the page settles (side panel, table) before a click is timed
        yield page, next(f for f in page.frames if "st_folium" in f.url)
    finally:
        context.close()


def timed_click(page, map_frame, wait_js: str, arg: object, click, what: str) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds from ``click(page)`` to the moment the map's frame resolves ``wait_js(arg)`` (a
    function of ``arg`` returning ``{drawn: Promise<Date.now()>}``), both stamped in the browser; the
    click counted is the last one the page saw before that moment. ``what`` names the change in the
    error raised when it has not happened within 30 s."""
    page.evaluate("window.__clicks = []")
    pending = map_frame.evaluate_handle(wait_js, arg)
    click(page)
    drawn = float(pending.evaluate("(o, what) => Promise.race([o.drawn, new Promise((_, no) => setTimeout("
                                   "() => no(new Error(what + ' not within 30 s')), 30000))])", what))
    return drawn - max(c for c in page.evaluate("window.__clicks") if c <= drawn)
