"""Sessions through the cluster: N browser sessions over 3 replicas behind HAProxy, one replica killed.

Run: ``.venv/bin/python bench/cluster_load.py [--sessions 30] [--replicas 3] [--no-kill]``
(prints figures; asserts nothing). ``tests/e2e/test_cluster.py`` checks the same with 9 sessions.

Starts ``scripts/cluster.sh`` on free ports, one headless Debian chromium, N new contexts started
together (asyncio), each offline (every non-local request aborted):

1. opens ``/?lang=ar&spec=energy&sel=12`` and waits until the map frame shows the energy
   institutes' markers (time to map from navigation, measured in the page as in
   ``bench/time_to_map.py``); the replica that served it is the ``X-Atlas-Replica`` header;
2. once every session has its map, the replica with the most sessions is killed (SIGKILL); each
   of its sessions waits for its browser to reconnect through the balancer (a new WebSocket, open,
   and the page no longer "connecting"), then reruns as a user would (``R``) and waits for its
   markers again (time to reconnect and time to the view back, from the kill);
3. every session downloads the map page's CSV and checks it byte for byte.

Each replica first serves one session that is not counted (a first run imports and caches).

An error is any exception or timeout, a JavaScript page error, a Streamlit exception box, a
non-local request, a wrong marker count or an incomplete file. Reports errors, sessions per
replica, p50/p95 of the time to map and of the reconnection, and the CPU seconds each replica and
HAProxy used during the run (from ``/proc``).
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import os
import signal
import time
from collections import Counter
from dataclasses import dataclass, field

from bench._harness import median, p95
from bench.concurrent_sessions import cpu_seconds
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.servers import Cluster, run_cluster
from tests.support.sessions import (
    CONNECTED_JS,
    RAN_JS,
    WATCH_RUN_JS,
    blocked_error,
    download_and_check,
    failure,
    session_context,
)

QUERY = {"lang": "ar", "spec": "energy", "sel": "12"}
PATH = "/?" + "&".join(f"{k}={v}" for k, v in QUERY.items())
TIMEOUT_S = 240.0


@dataclass
class Session:
    index: int
    replica: str | None = None
    map_ms: float | None = None
    hit: bool = False
    reconnect_s: float | None = None
    view_back_s: float | None = None
    csv_rows: int | None = None
    errors: list[str] = field(default_factory=list)


def expected() -> tuple[int, bytes]:
    from atlas import exports, load
    from atlas.view import apply_filters, parse_query

    ds = load()
    view = parse_query(QUERY, ds)
    return len(apply_filters(ds, view)), exports.export_bytes("csv", ds, view)


class Runner:
    def __init__(self, browser, c: Cluster, markers: int, want: bytes):
        self.browser, self.cluster, self.markers, self.want = browser, c, markers, want
        self.loaded = 0
        self.all_loaded = asyncio.Event()
        self.killed = asyncio.Event()
        self.killed_at = 0.0
        self.victim: str | None = None
        self.victim_cpu = 0.0  # the killed replica's CPU seconds just before it was killed
        self.sessions: dict[int, Session] = {}

    async def _markers(self, page) -> int:
        frame = next((f for f in page.frames if "st_folium" in f.url), None)
        return await frame.locator(".atlas-pin").count() if frame else 0

    async def session(self, index: int, total: int, start: asyncio.Event) -> Session:
        result = self.sessions[index] = Session(index)
        context, blocked = await session_context(self.browser, self.markers)
        sockets: list[tuple[float, object]] = []
        page = await context.new_page()
        page.on("pageerror", lambda exc: result.errors.append(f"page error: {exc}"))
        page.on("websocket", lambda ws: sockets.append((time.monotonic(), ws)))
        await start.wait()
        try:
            try:
                response = await page.goto(self.cluster.url + PATH, wait_until="commit", timeout=TIMEOUT_S * 1000)
                result.replica = response.headers.get("x-atlas-replica")
                await page.wait_for_function("() => window.__benchReadyAt", timeout=TIMEOUT_S * 1000, polling=250)
                result.map_ms = float(await page.evaluate("window.__benchReadyAt - performance.timeOrigin"))
            finally:
                self.loaded += 1
                if self.loaded == total:
                    self.all_loaded.set()
            await self.killed.wait()
            if result.replica == self.victim:
                result.hit = True
                before = len(sockets)
                while True:  # the browser reconnects through the balancer by itself
                    if len(sockets) > before and not sockets[-1][1].is_closed() \
                            and await page.evaluate(CONNECTED_JS):
                        result.reconnect_s = sockets[-1][0] - self.killed_at
                        break
                    if time.monotonic() - self.killed_at > TIMEOUT_S:
                        raise TimeoutError("no reconnect")
                    await asyncio.sleep(0.1)
                await page.locator("h1").first.click()  # focus the page, not the map's frame
                await page.evaluate(WATCH_RUN_JS)
                await page.keyboard.press("r")  # the user reruns: the new replica serves the view
                await page.wait_for_function(RAN_JS, timeout=TIMEOUT_S * 1000, polling=100)
                result.view_back_s = time.monotonic() - self.killed_at
            shown = await self._markers(page)
            if shown != self.markers:
                result.errors.append(f"{shown} markers, expected {self.markers}")
            result.csv_rows, problems = await download_and_check(page, self.want)
            killed = ", killed" if result.hit else ""
            result.errors += [f"(replica {result.replica}{killed}) {p}" if p.startswith("download failed") else p
                              for p in problems]
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            where = f"(replica {result.replica}{', killed' if result.hit else ''}) "
            result.errors.append(where + failure(exc))
        finally:
            result.errors += blocked_error(blocked)
            await context.close()
        return result

    async def kill_when_loaded(self, kill: bool) -> None:
        """Once every session has its map: kill the replica serving the most sessions."""
        await self.all_loaded.wait()
        if kill:
            served = Counter(s.replica for s in self.sessions.values() if s.replica in self.cluster.pids)
            if served:
                self.victim = served.most_common(1)[0][0]
                pid = self.cluster.pids[self.victim]
                self.victim_cpu = cpu_seconds(pid)
                self.killed_at = time.monotonic()
                os.kill(pid, signal.SIGKILL)
        self.killed.set()


async def run(c: Cluster, sessions: int, kill: bool) -> tuple[list[Session], Runner]:
    from playwright.async_api import async_playwright

    markers, want = expected()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            warm = Runner(browser, c, markers, want)  # one first session per replica (not counted)
            go = asyncio.Event()
            go.set()
            warm.killed.set()
            for i in range(len(c.pids)):
                await warm.session(-1 - i, len(c.pids), go)
            runner = Runner(browser, c, markers, want)
            start = asyncio.Event()
            tasks = [asyncio.create_task(runner.session(i, sessions, start)) for i in range(sessions)]
            await asyncio.sleep(0.5)  # every context is created and waiting
            start.set()
            await runner.kill_when_loaded(kill)
            results = list(await asyncio.gather(*tasks))
            return results, runner
        finally:
            await browser.close()


def report(results: list[Session], victim: str | None, cpu: dict[str, float], wall: float) -> str:
    maps = [r.map_ms / 1000 for r in results if r.map_ms is not None]
    reconnects = [r.reconnect_s for r in results if r.reconnect_s is not None]
    backs = [r.view_back_s for r in results if r.view_back_s is not None]
    errors = [(r.index, e) for r in results for e in r.errors]
    complete = sum(1 for r in results if r.csv_rows == 12 and not r.errors)
    served = Counter(r.replica for r in results)
    lines = [
        f"{len(results)} sessions through the balancer: {len(errors)} errors, {complete}/{len(results)} downloads"
        " complete and correct",
        "  sessions per replica: " + ", ".join(f"{k} {v}" for k, v in sorted(served.items(), key=str)),
    ]
    if maps:
        lines.append(f"  time to map   p50 {median(maps):.2f} s   p95 {p95(maps):.2f} s   max {max(maps):.2f} s")
    if victim:
        hit = sum(1 for r in results if r.hit)
        lines.append(f"  replica {victim} killed with {hit} sessions on it")
        if reconnects:
            lines.append(f"  reconnected after   p50 {median(reconnects):.2f} s   max {max(reconnects):.2f} s")
        if backs:
            lines.append(f"  view back (after the user's rerun)   p50 {median(backs):.2f} s   max {max(backs):.2f} s")
    for name, seconds in cpu.items():
        lines.append(f"  CPU {name}: {seconds:.1f} s ({seconds / wall * 100:.0f} % of one core over {wall:.0f} s)")
    for index, error in errors[:20]:
        lines.append(f"  session {index}: {error}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--no-kill", action="store_true", help="keep every replica alive")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with run_cluster(args.replicas) as c:
        procs = {**c.pids, "haproxy": c.haproxy_pid}
        cpu0, t0 = {k: cpu_seconds(pid) for k, pid in procs.items()}, time.perf_counter()
        results, runner = asyncio.run(run(c, args.sessions, not args.no_kill))
        cpu = {k: cpu_seconds(pid) - cpu0[k] for k, pid in procs.items()}
        if runner.victim:  # counted until it was killed
            cpu[runner.victim] = runner.victim_cpu - cpu0[runner.victim]
        wall = time.perf_counter() - t0
    print(report(results, runner.victim, cpu, wall))
    print(f"  ({args.replicas} replicas, HAProxy and chromium's {args.sessions} renderers share "
          f"{os.cpu_count()} CPU cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
