"""Server time per interaction: an AppTest rerun of the whole home page after a filter change.

Run: ``.venv/bin/python bench/interaction.py [--runs 20]`` (prints figures; asserts nothing).

The home page (map, side panel with its figures and flags, table, downloads) runs once; then, 20
times, one filter changes (the specialisation pills above the map, alternating between "energy"
and no filter, so each rerun really has new layers and a new table) and the script reruns. The
median of those reruns is the figure (goal <= 0.15 s). A region selection rerun (the side panel's
region card) is timed too.

AppTest starts where a running server is after its first run, out of Streamlit's legacy
pages-folder mode (``ui/streamlit_mode.py``), so that no rerun out of that mode is timed.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ruff: noqa: E402 (imports follow the sys.path fix)
# Run as a script, this folder is sys.path[0]: the repository root goes there instead (imports of atlas).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import logging
import os
import statistics
import time

REPO = Path(__file__).resolve().parent.parent
os.chdir(REPO)

GOAL_S = 0.15


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)

    logging.getLogger("streamlit").setLevel(logging.ERROR)

    from ui.streamlit_mode import apptest_in_navigation_mode

    with apptest_in_navigation_mode():
        return measure(args)


def measure(args: argparse.Namespace) -> int:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    assert not at.exception, at.exception
    spec = at.button_group(key="w_spec")

    fresh = []
    for _ in range(5):  # a new session on a warm server: what a new visitor's first script run costs
        other = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        t0 = time.perf_counter()
        other.run()
        fresh.append(time.perf_counter() - t0)
        assert not other.exception, other.exception

    times = []
    for i in range(args.runs):
        spec.set_value(["energy"] if i % 2 == 0 else [])
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
        spec = at.button_group(key="w_spec")

    select = []
    for i in range(min(args.runs, 10)):
        at.button_group(key="panel_pick").set_value("10" if i % 2 == 0 else None)
        t0 = time.perf_counter()
        at.run()
        select.append(time.perf_counter() - t0)
        assert not at.exception, at.exception

    med = statistics.median(times)
    print("home page, AppTest (server time only; no browser)")
    print(f"  first run (cold process)     {first:6.3f} s")
    print(f"  new session, warm server     {statistics.median(fresh):6.3f} s median of {len(fresh)}")
    print(f"  rerun after a filter change  {med:6.3f} s median of {len(times)}"
          f" (min {min(times):.3f}, max {max(times):.3f})"
          f"   goal <= {GOAL_S} s: {'met' if med <= GOAL_S else 'NOT met'}")
    print(f"  rerun after a region pick    {statistics.median(select):6.3f} s median of {len(select)}"
          f" (min {min(select):.3f}, max {max(select):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
