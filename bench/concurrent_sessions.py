"""Concurrent sessions: N browser contexts open the home page at once against ONE server.

Run: ``.venv/bin/python bench/concurrent_sessions.py [--sessions 20]`` (prints figures; asserts nothing).

One ``streamlit run serve.py`` on 127.0.0.1 (warmed by one load), one headless Debian chromium, N new
contexts started together (asyncio), each offline (every non-local request aborted):

1. opens ``/?spec=energy`` (the specialisation filter through the URL);
2. waits until the map frame shows exactly the energy institutes' markers (time to map, from
   navigation, measured in the page as in ``bench/time_to_map.py``);
3. opens the map page's downloads, clicks the CSV button and checks the file: byte for byte the
   regional summary ``atlas.exports.export_bytes("csv", ds, view)`` of that view, starting with a UTF-8
   BOM, 12 data rows (one per region) under the header.

An error is any exception or timeout, a JavaScript page error, a Streamlit exception box, a
non-local request, a wrong marker count or an incomplete file. Reports errors, p50 and p95 of the
time to map and of the whole session. ``tests/e2e/test_load.py`` runs the same check on CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
# Run as a script, this folder is sys.path[0]: the repository root goes there instead (imports of atlas).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import csv
import io
import os
import statistics
import time
import zipfile
from dataclasses import dataclass, field

from bench._harness import NON_LOCAL, VIEWPORT, Probe, median, p95, server  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

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


async def one_session(browser, url: str, index: int, markers: int, want: bytes, start: asyncio.Event) -> Session:
    result = Session(index)
    context = await browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    blocked: list[str] = []

    async def abort(route):
        blocked.append(route.request.url)
        await route.abort()

    await context.route(NON_LOCAL, abort)
    await context.add_init_script(Probe(markers, ".atlas-pin", interval=100).script())
    page = await context.new_page()
    page.on("pageerror", lambda exc: result.errors.append(f"page error: {exc}"))
    await start.wait()
    t0 = time.perf_counter()
    try:
        await page.goto(f"{url}/?spec={SPEC}", wait_until="commit", timeout=TIMEOUT_S * 1000)
        result.map_ms = await _ready(page)
        frame = next(f for f in page.frames if "st_folium" in f.url)
        await asyncio.sleep(0.3)  # a marker too many would come in the same script
        result.markers = await frame.locator(".atlas-pin").count()
        if result.markers != markers:
            result.errors.append(f"{result.markers} markers, expected {markers}")
        result.csv_rows, problems = await download_and_check(page, want)
        result.errors += problems
        result.total_ms = (time.perf_counter() - t0) * 1000
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        result.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        if blocked:
            result.errors.append(f"{len(blocked)} non-local requests, e.g. {blocked[0]}")
        await context.close()
    return result


async def run(url: str, sessions: int) -> list[Session]:
    """``sessions`` contexts of one chromium against ``url``, started at the same moment."""
    from playwright.async_api import async_playwright

    markers, want = expected()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            warm = asyncio.Event()
            warm.set()
            await one_session(browser, url, -1, markers, want, warm)  # warm the server (not counted)
            start = asyncio.Event()
            tasks = [asyncio.create_task(one_session(browser, url, i, markers, want, start)) for i in range(sessions)]
            await asyncio.sleep(0.5)  # every context is created and waiting
            start.set()
            return list(await asyncio.gather(*tasks))
        finally:
            await browser.close()


def server_pid(url: str) -> int | None:
    """The process id of the ``streamlit run`` serving ``url`` (Linux ``/proc``), or None."""
    port = url.rsplit(":", 1)[-1].strip("/")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and port.encode() in args:
            return int(entry.name)
    return None


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of ``pid`` so far (0 if unknown)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(results: list[Session]) -> str:
    maps = [r.map_ms for r in results if r.map_ms is not None]
    totals = [r.total_ms for r in results if r.total_ms is not None]
    errors = [(r.index, e) for r in results for e in r.errors]
    complete = sum(1 for r in results if r.csv_rows == 12 and not r.errors)
    lines = [
        f"{len(results)} concurrent sessions against one server: {len(errors)} errors,"
        f" {complete}/{len(results)} downloads complete and correct",
    ]
    if maps:
        lines.append(f"  time to map   p50 {median(maps) / 1000:.2f} s   p95 {p95(maps) / 1000:.2f} s"
                     f"   (min {min(maps) / 1000:.2f}, max {max(maps) / 1000:.2f})")
    if totals:
        lines.append(f"  whole session (map + CSV downloaded)   p50 {median(totals) / 1000:.2f} s"
                     f"   p95 {p95(totals) / 1000:.2f} s   mean {statistics.mean(totals) / 1000:.2f} s")
    for index, error in errors[:20]:
        lines.append(f"  session {index}: {error}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="environment of the server, e.g. STREAMLIT_SERVER_FILE_WATCHER_TYPE=none")
    args = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in args.env)
    if env:
        print(f"server environment: {env}")
    with server("serve.py", env) as url:
        pid = server_pid(url)
        single = asyncio.run(run(url, 1))  # one session alone, for comparison (after its own warm-up)
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        results = asyncio.run(run(url, args.sessions))
        cpu, wall = cpu_seconds(pid) - cpu0, time.perf_counter() - t0
    print(report(results))
    if single and single[0].map_ms is not None:
        print(f"  one session alone on the same machine: time to map {single[0].map_ms / 1000:.2f} s")
    if pid:
        print(f"  server process: {cpu:.1f} s of CPU for the {args.sessions} sessions (+ one warm-up),"
              f" {cpu / (args.sessions + 1):.2f} s a session; {wall:.0f} s wall for the run")
    print(f"  (chromium's {args.sessions} renderers, its browser process and the server share {os.cpu_count()} CPU"
          " cores: on this machine the browsers, not the server, set the pace)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
