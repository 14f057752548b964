"""Pauses of Python's garbage collector in the server, with and without ``serve.freeze_preloaded``.

Run: ``.venv/bin/python bench/gc_pause.py [--sessions 30]`` (prints figures; asserts nothing).

While the collector walks the objects of its oldest generation (a full collection), it holds the
interpreter: no script run goes on and no message or file leaves the server. After ``serve.py``'s
pre-load, the dataset, the map parts and the imported modules are about 200,000 such objects.

Each way runs in a process of its own, with ``serve.preload()`` as the server's start-up does it:

- ``plain``: nothing more;
- ``frozen``: then ``serve.freeze_preloaded()`` (``gc.freeze``), as ``serve.py``'s start-up does.

Each process prints the objects its collector still walks, the time of one full collection called
by hand (median of 5), and then, over ``--sessions`` first runs of the home page (``AppTest``: a new
visitor's first script run each), the full collections Python started by itself and their pauses.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
# Run as a script, this folder is sys.path[0]: the repository root goes there instead (imports of atlas).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import gc
import logging
import os
import statistics
import subprocess
import time

REPO = Path(__file__).resolve().parent.parent
WAYS = ("plain", "frozen")


def measure(way: str, sessions: int) -> None:
    """One way, in this process: pre-load, freeze or not, then time collections (see the docstring)."""
    os.chdir(REPO)
    # Outside a server, Streamlit warns that caches have no runtime yet (the pre-load) and that
    # AppTest's main thread has no script context (once per session): not figures.
    for name in ("caching.cache_data_api", "scriptrunner_utils.script_run_context"):
        logging.getLogger(f"streamlit.runtime.{name}").disabled = True
    import serve
    from ui.streamlit_mode import apptest_in_navigation_mode

    serve.preload()
    if way == "frozen":
        serve.freeze_preloaded()
    walked = len(gc.get_objects())
    by_hand = []
    for _ in range(5):
        start = time.perf_counter()
        gc.collect()
        by_hand.append((time.perf_counter() - start) * 1000)

    pauses: list[float] = []
    started: list[float] = []

    def on_gc(phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses.append((time.perf_counter() - started.pop()) * 1000)

    from streamlit.testing.v1 import AppTest

    gc.callbacks.append(on_gc)
    start = time.perf_counter()
    with apptest_in_navigation_mode():
        for _ in range(sessions):
            at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
            at.run()
            assert not at.exception, at.exception
    total_s = time.perf_counter() - start
    gc.callbacks.remove(on_gc)

    print(f"  {way:<7} objects walked by a full collection: {walked:>7,}; one full collection "
          f"{statistics.median(by_hand):6.1f} ms (median of 5)")
    if pauses:
        plural = "s" if len(pauses) > 1 else ""
        print(f"  {'':<7} {sessions} new sessions in {total_s:.1f} s: {len(pauses)} full collection{plural} "
              f"started by Python, {sum(pauses):.0f} ms paused in all (median {statistics.median(pauses):.1f} ms, "
              f"max {max(pauses):.1f} ms)")
    else:
        print(f"  {'':<7} {sessions} new sessions in {total_s:.1f} s: no full collection started by Python")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="first runs of the home page (default 30)")
    parser.add_argument("--way", choices=WAYS, help=argparse.SUPPRESS)  # one way, in this process
    args = parser.parse_args(argv)
    if args.way:
        measure(args.way, args.sessions)
        return 0
    print("Python's garbage collector after serve.py's pre-load (each way in a process of its own)")
    for way in WAYS:
        subprocess.run([sys.executable, __file__, "--way", way, "--sessions", str(args.sessions)], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
