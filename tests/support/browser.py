"""Debian's chromium through Playwright, offline: the flags, the launch, and browser contexts in which
every request that is not to this machine is aborted (and recorded)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
VIEWPORT = {"width": 1280, "height": 900}

NON_LOCAL = re.compile(r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost|\[::1\])(?:[:/]|$))(?!(?:data|blob|about|file):)")
"""Every URL that is not to 127.0.0.1/localhost (nor ``data:``, ``blob:``, ``about:``, ``file:``)."""

Fulfil = Callable[[str], "tuple[bytes, str] | None"]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in LOCAL_HOSTS


def missing_browser() -> str | None:
    """Why the browser cannot start here (chromium or Playwright missing), or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -r requirements-dev.txt)"
    return None


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Debian chromium (Playwright ``Browser``) with :data:`CHROMIUM_ARGS`."""
    reason = missing_browser()
    if reason:
        raise RuntimeError(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


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
    """A new context (``kwargs`` as Playwright's, :data:`VIEWPORT` unless told) in which only local
    requests go through; a non-local one is answered by ``fulfil`` when it gives a local body (the
    peer's CDN assets, from installed packages), else aborted and recorded. Returns ``(context, traffic)``."""
    kwargs.setdefault("viewport", VIEWPORT)
    context = browser.new_context(**kwargs)
    traffic = Traffic()

    def route(route):
        url = route.request.url
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
