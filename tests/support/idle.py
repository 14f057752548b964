"""Waiting for an idle machine before a timed load, so that one variant's leftover work is not counted
in the next one's time (the benchmarks; tested in ``tests/test_bench_harness.py``)."""

from __future__ import annotations

import time


def cpu_times() -> tuple[int, int] | None:
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
    before = cpu_times()
    if before is None:
        return 0.0
    quiet = 0
    while quiet < windows and time.perf_counter() - start < timeout_s:
        time.sleep(window_s)
        after = cpu_times()
        total, idle = after[0] - before[0], after[1] - before[1]
        busy = 1 - idle / total if total > 0 else 0.0
        quiet = quiet + 1 if busy <= QUIET_BUSY else 0
        before = after
    return time.perf_counter() - start
