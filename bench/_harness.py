"""Shared pieces of the browser benchmarks: servers, an offline chromium, and a precise "markers drawn" clock.

- :func:`server`: ``streamlit run <app>`` on 127.0.0.1 (the same launcher as the browser tests).
- :func:`chromium`: Debian's chromium through Playwright, with the flags of the browser tests.
- :func:`offline_context`: a new browser context (cold: no cache, no cookies) whose every request
  that is not to 127.0.0.1/localhost (or ``file:``/``data:``) is aborted, unless ``fulfil`` gives a
  local body for it (used to serve the peer's CDN assets from installed packages).
- :func:`static_map`: the home page's map as a standalone file with every asset inline (the floor's
  map, opened from disk).
- :func:`wait_quiet`: before each timed load, waits until the machine's processors are idle, so that
  work left over from the load before (the peer's server runs its script again after every load, for
  ~1.5 s of one core) does not land in the next variant's time;
- :func:`timed_load`: navigates and returns the milliseconds from navigation start to the moment
  the page (or any frame in it) shows what ``probe`` describes. An init script, injected in every
  frame, watches the DOM; once the markers are there and have a size, it stamps ``Date.now()`` in
  the next animation frame (so the frame that paints them has been produced). The time is that
  stamp minus ``performance.timeOrigin`` of the top document (the navigation start).
"""

from __future__ import annotations

import contextlib
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, run_streamlit  # noqa: E402

VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_S = 90.0


@contextlib.contextmanager
def server(app: str = "serve.py", env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Base URL of ``streamlit run app`` (run from the repository root) for the duration of the block."""
    with run_streamlit(env or {}, app=app) as url:
        yield url


def static_map(path: Path, data_dir: Path | None = None) -> int:
    """Write the default view's map of ``data_dir`` (the project's data when None) to ``path`` as a
    standalone file with every asset inline; returns how many institutes it shows."""
    from atlas import load, mapview
    from atlas.view import View, apply_filters

    ds = load(data_dir) if data_dir is not None else load()
    path.write_text(mapview.build_map(ds, View(), asset_mode="inline").get_root().render(), encoding="utf-8")
    return len(apply_filters(ds, View()))


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Debian chromium (Playwright ``Browser``)."""
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in LOCAL_HOSTS


NON_LOCAL = re.compile(r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost|\[::1\])(?:[:/]|$))(?!(?:data|blob|about|file):)")
"""Every URL that is not to 127.0.0.1/localhost (nor ``data:``, ``blob:``, ``about:``, ``file:``)."""

Fulfil = Callable[[str], "tuple[bytes, str] | None"]


@dataclass
class Traffic:
    """What a context asked for: aborted and locally fulfilled URLs, bytes received on the WebSocket."""

    aborted: list[str] = field(default_factory=list)
    fulfilled: list[str] = field(default_factory=list)
    ws_open_ms: float | None = None
    """When the page's WebSocket opened, in ms since the navigation was asked for."""
    ws_frames: list[tuple[float, int]] = field(default_factory=list)
    """(ms since the navigation was asked for, bytes) of every WebSocket message received."""

    @property
    def ws_bytes(self) -> int:
        """Bytes received on the WebSocket."""
        return sum(size for _, size in self.ws_frames)


def offline_context(browser, fulfil: Fulfil | None = None, **kwargs):
    """A new context in which only local requests go through; returns ``(context, traffic)``."""
    context = browser.new_context(viewport=VIEWPORT, **kwargs)
    traffic = Traffic()

    def route(route):
        url = route.request.url
        if is_local(url):
            route.continue_()
            return
        local = fulfil(url) if fulfil else None
        if local is not None:
            body, mime = local
            traffic.fulfilled.append(url)
            route.fulfill(status=200, body=body, headers={"Content-Type": mime, "Access-Control-Allow-Origin": "*"})
        else:
            traffic.aborted.append(url)
            route.abort()

    # Only non-local URLs are routed (a regular expression, matched inside Playwright's driver): local
    # requests are not paused for a round trip through this Python process, which on a 2-core machine
    # would slow a page of ~140 JavaScript chunks by far more than what is being measured.
    context.route(NON_LOCAL, route)
    return context, traffic


PROBE_JS = """
(() => {
  const cfg = %s;
  if (window.__benchProbe) return;
  window.__benchProbe = true;
  function ready() {
    if (cfg.attr) {
      const el = document.querySelector("[" + cfg.attr + "]");
      return !!el && Number(el.getAttribute(cfg.attr)) >= cfg.count;
    }
    const els = document.querySelectorAll(cfg.selector);
    if (els.length < cfg.count) return false;
    const r = els[0].getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(els[0]).visibility === "visible";
  }
  const marks = cfg.marks || {};
  window.__benchMarks = window.__benchMarks || {};
  function mark() {
    for (const name in marks) {
      if (!(name in window.__benchMarks) && document.querySelector(marks[name])) {
        window.__benchMarks[name] = Date.now();
      }
    }
  }
  let done = false;
  function check() {
    mark();
    if (done || !ready()) return;
    done = true;
    const stamp = () => {
      if (window.__benchReadyHere) return;
      window.__benchReadyHere = true;  // the frame that holds the map
      window.__benchReadyAt = window.__benchReadyAt || Date.now();
      try {  // the map's frame is same-origin: tell the top page, where the bench waits for it
        if (window.top !== window && !window.top.__benchReadyAt) window.top.__benchReadyAt = window.__benchReadyAt;
      } catch (e) { /* another origin: the bench reads the frames instead */ }
    };
    requestAnimationFrame(stamp);
    setTimeout(stamp, 100);  // fallback if no frame is produced
  }
  new MutationObserver(check).observe(document, {childList: true, subtree: true, attributes: !!cfg.attr,
                                                  attributeFilter: cfg.attr ? [cfg.attr] : undefined});
  document.addEventListener("DOMContentLoaded", check);
  // Styles can arrive without a DOM change: poll too (a timer: Chromium may drop the animation-frame
  // callbacks of a component frame while it is still being laid out).
  const timer = setInterval(() => { check(); if (done) clearInterval(timer); }, cfg.interval || 10);
})();
"""


@dataclass(frozen=True)
class Probe:
    """What "ready" means: ``count`` elements matching ``selector`` with a size, or an element whose
    attribute ``attr`` holds a number >= ``count`` (the canvas point layer writes one)."""

    count: int
    selector: str = ""
    attr: str = ""
    marks: tuple[tuple[str, str], ...] = ()
    """(name, selector): the first time each selector matches in any frame is reported too."""
    interval: int = 10
    """Milliseconds between two checks besides DOM changes (larger for many pages at once)."""

    def script(self) -> str:
        return PROBE_JS % json.dumps(
            {"count": self.count, "selector": self.selector, "attr": self.attr, "marks": dict(self.marks),
             "interval": self.interval}
        )


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


def throttle(page, mbit: float, rtt_ms: float = 40.0) -> None:
    """Emulate a network of ``mbit`` Mbit/s down (half that up) and ``rtt_ms`` round trips (Chromium
    DevTools throttling of this page's requests and WebSocket)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": rtt_ms,
        "downloadThroughput": mbit * 1e6 / 8, "uploadThroughput": mbit * 1e6 / 16,
    })


def slow_cpu(page, rate: float) -> None:
    """Run this page's scripts, style and layout ``rate`` times slower (Chromium's CPU throttling, as
    DevTools' "CPU: 4x slowdown"): a slower device than the machine running the benchmark. The page's
    same-origin frames (the map's) run in its process and are slowed too; the servers are not."""
    if rate < 1:
        raise ValueError(f"a CPU slowdown is at least 1 (1 = none), not {rate}")
    if rate > 1:
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})


def _cpu_times() -> tuple[int, int] | None:
    """(all, idle) jiffies of every processor together, from /proc/stat (None where there is none)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(values), values[3] + values[4]  # idle + iowait


QUIET_BUSY = 0.2
"""At most this share of the processors busy counts as quiet (an idle machine reads 0-10 %)."""


def wait_quiet(window_s: float = 0.1, windows: int = 3, timeout_s: float = 20.0) -> float:
    """Wait until ``windows`` consecutive ``window_s`` windows each had the processors at most
    :data:`QUIET_BUSY` busy; returns the seconds waited (``timeout_s`` when the machine never went
    quiet, in which case the load runs anyway). Without /proc/stat, returns 0 at once.

    Every variant waits the same way before its load, so the wait favours none of them; what it
    removes is one variant's leftover work being counted in the next one's time."""
    start = time.perf_counter()
    before = _cpu_times()
    if before is None:
        return 0.0
    quiet = 0
    while quiet < windows and time.perf_counter() - start < timeout_s:
        time.sleep(window_s)
        after = _cpu_times()
        total, idle = after[0] - before[0], after[1] - before[1]
        busy = 1 - idle / total if total > 0 else 0.0
        quiet = quiet + 1 if busy <= QUIET_BUSY else 0
        before = after
    return time.perf_counter() - start


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
