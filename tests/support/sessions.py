"""Browser sessions on the app, shared by the browser tests and the benchmarks: N sessions at once that
each open the map page with a filter in the URL, wait for its markers and download its CSV (checked
byte for byte against the export of the view), and the page-state checks of a Streamlit page.

``tests/e2e/test_load.py`` asserts on what :func:`run` reports; ``bench/concurrent_sessions.py``
prints its timings; ``bench/cluster_load.py`` and ``tests/e2e/test_cluster.py`` use the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, NON_LOCAL, VIEWPORT
from tests.support.probe import Probe

CONNECTED_JS = "() => document.querySelector('[data-testid=stApp]')?.dataset.testConnectionState === 'CONNECTED'"
"""True while Streamlit's client is connected to a server (the attribute its own tests read)."""
WATCH_RUN_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  window.__atlasRan = false;
  if (window.__atlasRunWatch) window.__atlasRunWatch.disconnect();
  window.__atlasRunWatch = new MutationObserver(records => {
    if (records.some(r => r.oldValue === 'running') || app.dataset.testScriptState === 'running') {
      window.__atlasRan = true;
    }
  });
  window.__atlasRunWatch.observe(app, {attributes: true, attributeOldValue: true,
                                        attributeFilter: ['data-test-script-state']});
}"""
"""Call before an action: from then on, remember whether a script run started."""
RAN_JS = ("() => window.__atlasRan"
          " && document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'")
"""True once a script run started after :data:`WATCH_RUN_JS` has finished."""


SPEC = "energy"
TIMEOUT_S = 180.0
CSV_BUTTON = ".st-key-map_dl_csv button >> nth=0"
DOWNLOADS_MENU = ".st-key-map_downloads button >> nth=0"
"""The map page's "Download this view" button: the CSV button is drawn once its popover is open."""


@dataclass
class Session:
    index: int
    map_ms: float | None = None
    total_ms: float | None = None
    markers: int | None = None
    csv_rows: int | None = None
    errors: list[str] = field(default_factory=list)


def expected(spec: str = SPEC) -> tuple[int, bytes]:
    """(markers, CSV bytes) the view ``?spec=<spec>`` must give."""
    from atlas import exports, load
    from atlas.view import View, apply_filters

    ds = load()
    view = View(specialisations=(spec,))
    return len(apply_filters(ds, view)), exports.export_bytes("csv", ds, view)


def csv_of(data: bytes) -> bytes:
    """The CSV itself: the download button gives a zip of the CSV and its metadata (the export's
    CSV bundle); a plain CSV is returned as it is."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            name = next(n for n in bundle.namelist() if n.endswith(".csv"))
            return bundle.read(name)
    return data


def check_csv(data: bytes, want: bytes) -> tuple[int, list[str]]:
    """(data rows, problems) of a downloaded regional summary (the CSV inside the downloaded zip)."""
    problems = []
    data = csv_of(data)
    if not data.startswith(b"\xef\xbb\xbf"):
        problems.append("CSV without its UTF-8 BOM")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"))))
    body = [r for r in rows[1:] if r]
    if len(body) != 12:
        problems.append(f"CSV has {len(body)} data rows, expected 12")
    if data != want:
        problems.append(f"CSV differs from the export of the view ({len(data)} bytes, expected {len(want)})")
    return len(body), problems


async def download_and_check(page, want: bytes) -> tuple[int | None, list[str]]:
    """Click the page's CSV button and check the file: (data rows or None, problems), a failed
    download and a Streamlit exception on the page included."""
    rows, problems = None, []
    await page.locator(DOWNLOADS_MENU).click(timeout=TIMEOUT_S * 1000)
    button = page.locator(CSV_BUTTON)
    await button.wait_for(timeout=TIMEOUT_S * 1000)
    async with page.expect_download(timeout=TIMEOUT_S * 1000) as info:
        await button.click()
    download = await info.value
    failure = await download.failure()
    if failure:
        problems.append(f"download failed: {failure}")
    else:
        rows, found = check_csv(Path(await download.path()).read_bytes(), want)
        problems += found
    if await page.locator("[data-testid=stException]").count():
        problems.append("Streamlit exception on the page")
    return rows, problems


async def _ready(page) -> float:
    """Milliseconds from navigation to the markers drawn (the probe stamps the top page)."""
    await page.wait_for_function("() => window.__benchReadyAt", timeout=TIMEOUT_S * 1000, polling=250)
    return float(await page.evaluate("window.__benchReadyAt - performance.timeOrigin"))


class Gate:
    """Where sessions wait until all of them are ready, so that they start at the same moment."""

    def __init__(self, count: int):
        self.count = count
        self.waiting = 0
        self.all_in = asyncio.Event()
        self.opened = asyncio.Event()

    async def wait(self) -> None:
        self.waiting += 1
        if self.waiting >= self.count:
            self.all_in.set()
        await self.opened.wait()

    async def open_when_all_in(self, timeout_s: float = TIMEOUT_S) -> None:
        """Open once every session waits (or after ``timeout_s``: a session that failed to set up never will)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.all_in.wait(), timeout_s)
        self.opened.set()


IDLE_JS = ("() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
           " && !document.querySelector('[data-stale=true]')")
"""True once the page's script run is over and nothing on the page is stale."""


async def session_context(browser, markers: int):
    """A new context (downloads accepted) whose non-local requests are aborted and recorded, with the
    probe that stamps when ``markers`` pins are drawn; returns ``(context, blocked URLs)``."""
    context = await browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    blocked: list[str] = []

    async def abort(route):
        blocked.append(route.request.url)
        await route.abort()

    await context.route(NON_LOCAL, abort)
    await context.add_init_script(Probe(markers, ".atlas-pin", interval=100).script())
    return context, blocked


def failure(exc: BaseException) -> str:
    """One line naming what went wrong in a session."""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def blocked_error(blocked: list[str]) -> list[str]:
    """The session's error for requests that tried to leave the machine (none: no error)."""
    return [f"{len(blocked)} non-local requests, e.g. {blocked[0]}"] if blocked else []


async def one_session(browser, url: str, index: int, markers: int, want: bytes, start: Gate) -> Session:
    result = Session(index)
    context, blocked = await session_context(browser, markers)
    page = await context.new_page()
    page.on("pageerror", lambda exc: result.errors.append(f"page error: {exc}"))
    await start.wait()
    t0 = time.perf_counter()
    try:
        await page.goto(f"{url}/?spec={SPEC}", wait_until="commit", timeout=TIMEOUT_S * 1000)
        result.map_ms = await _ready(page)
        frame = next(f for f in page.frames if "st_folium" in f.url)
        # The run is over: a marker too many would have come with it.
        await page.wait_for_function(IDLE_JS, timeout=TIMEOUT_S * 1000, polling=100)
        result.markers = await frame.locator(".atlas-pin").count()
        if result.markers != markers:
            result.errors.append(f"{result.markers} markers, expected {markers}")
        result.csv_rows, problems = await download_and_check(page, want)
        result.errors += problems
        result.total_ms = (time.perf_counter() - t0) * 1000
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        result.errors.append(failure(exc))
    finally:
        result.errors += blocked_error(blocked)
        await context.close()
    return result


async def run(url: str, sessions: int) -> list[Session]:
    """``sessions`` contexts of one chromium against ``url``, started at the same moment."""
    from playwright.async_api import async_playwright

    markers, want = expected()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            alone = Gate(1)
            alone.opened.set()
            await one_session(browser, url, -1, markers, want, alone)  # warm the server (not counted)
            start = Gate(sessions)
            tasks = [asyncio.create_task(one_session(browser, url, i, markers, want, start)) for i in range(sessions)]
            await start.open_when_all_in()  # every context is created and waiting
            return list(await asyncio.gather(*tasks))
        finally:
            await browser.close()
