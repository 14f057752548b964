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
time to map and of the whole session. The sessions are ``tests/support/sessions.py``'s, which
``tests/e2e/test_load.py`` runs on CI.
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
import os
import statistics
import time

from bench._harness import median, p95, server
from tests.support.sessions import Session, run


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
