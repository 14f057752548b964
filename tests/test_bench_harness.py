"""What the benchmarks rely on, from ``tests/support``: the idle wait (``idle.wait_quiet``: one
variant's leftover work, e.g. the peer's server rerunning its script after each of its
loads, must not be timed as part of the next variant's load, and a machine that never goes quiet must
not hang a benchmark), the browser's CPU slowdown, and ``bench/time_to_map.py``'s options (another
checkout as a variant, ``--variant NAME=PATH``; the slowdown), refused before anything starts."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import idle
from tests.support.browser import slow_cpu
from tests.support.servers import REPO, Variant, parse_variant


def _feed(monkeypatch: pytest.MonkeyPatch, busy_shares: list[float]) -> list[int]:
    """Make /proc/stat read as windows with these busy shares; returns the list of sleeps taken."""
    readings = [(0, 0)]
    for share in busy_shares:
        total, idle_ = readings[-1]
        readings.append((total + 100, idle_ + round(100 * (1 - share))))
    it = iter(readings)
    sleeps: list[int] = []
    monkeypatch.setattr(idle, "cpu_times", lambda: next(it))
    monkeypatch.setattr(idle.time, "sleep", lambda s: sleeps.append(1))
    return sleeps


def test_waits_through_busy_windows_until_three_quiet_ones_in_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # busy (the peer's rerun), a quiet gap, busy again, then quiet: it must wait for 3 quiet in a row
    sleeps = _feed(monkeypatch, [0.5, 0.55, 0.05, 0.5, 0.0, 0.1, 0.05, 0.9, 0.9])
    idle.wait_quiet()
    assert len(sleeps) == 7  # stops after the third quiet window in a row, never reads the last two


def test_an_idle_machine_waits_three_windows_only(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps = _feed(monkeypatch, [0.0] * 10)
    idle.wait_quiet()
    assert len(sleeps) == 3


def test_a_machine_that_never_goes_quiet_does_not_hang_the_benchmark(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter(range(0, 10_000))
    monkeypatch.setattr(idle.time, "perf_counter", lambda: float(next(clock)))
    monkeypatch.setattr(idle.time, "sleep", lambda s: None)
    feed = iter([(0, 0)] + [(100 * k, 0) for k in range(1, 10_000)])  # every window fully busy
    monkeypatch.setattr(idle, "cpu_times", lambda: next(feed))
    assert idle.wait_quiet(timeout_s=5) >= 5


def test_without_proc_stat_it_does_not_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idle, "cpu_times", lambda: None)
    monkeypatch.setattr(idle.time, "sleep", lambda s: pytest.fail("slept without /proc/stat"))
    assert idle.wait_quiet() == 0.0


def test_reads_this_machines_processors() -> None:
    times = idle.cpu_times()
    if times is None:
        pytest.skip("no /proc/stat on this system")
    total, idle_ = times
    assert total > 0 and 0 <= idle_ <= total


class _FakeSession:
    def __init__(self, sent: list) -> None:
        self.sent = sent

    def send(self, method: str, params: dict) -> None:
        self.sent.append((method, params))


class _FakePage:
    """What ``slow_cpu`` touches of a Playwright page: its context's CDP session."""

    def __init__(self) -> None:
        self.sent: list = []
        self.context = self

    def new_cdp_session(self, page) -> _FakeSession:
        assert page is self
        return _FakeSession(self.sent)


def test_a_cpu_slowdown_asks_chromium_to_throttle_the_page() -> None:
    page = _FakePage()
    slow_cpu(page, 3)
    assert page.sent == [("Emulation.setCPUThrottlingRate", {"rate": 3})]


def test_no_slowdown_leaves_the_page_alone() -> None:
    page = _FakePage()
    slow_cpu(page, 1)
    assert page.sent == []


def time_to_map(*args: str, bench: str = "time_to_map") -> subprocess.CompletedProcess:
    """``bench/<bench>.py`` with these arguments, as the lead runs it (only refusals are run here:
    an accepted command line would start the benchmark)."""
    return subprocess.run([sys.executable, f"bench/{bench}.py", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False)


def test_a_speed_up_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        slow_cpu(_FakePage(), 0.5)
    out = time_to_map("--cpu-slowdown", "0.5")  # the benchmark's option says so before starting anything
    assert out.returncode == 2
    assert "--cpu-slowdown is at least 1" in out.stderr


def checkout(tmp_path: Path, name: str = "before") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "serve.py").write_text("# another checkout's server\n")
    return folder


def test_a_variant_is_a_name_and_another_checkout(tmp_path: Path) -> None:
    folder = checkout(tmp_path)
    assert parse_variant(f"before={folder}") == Variant("before", folder.resolve())
    assert parse_variant(f"no-wrapper.2={folder}/") == Variant("no-wrapper.2", folder.resolve())
    assert parse_variant(f" main = {folder} ").name == "main"


@pytest.mark.parametrize("text, message", [
    ("before", "NAME=PATH"),
    ("=/tmp", "NAME=PATH"),
    ("before=", "NAME=PATH"),
    ("ours={good}", "taken"),
    ("floor={good}", "taken"),
    ("with space={good}", "a name is"),
    ("before={good}/missing", "no serve.py"),
    ("before={empty}", "no serve.py"),
])
def test_a_bad_variant_is_refused_saying_why(tmp_path: Path, text: str, message: str) -> None:
    good, empty = checkout(tmp_path), tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parse_variant(text.format(good=good, empty=empty))


def test_the_benchmark_refuses_a_bad_variant_before_starting_anything(tmp_path: Path) -> None:
    out = time_to_map("--variant", "before")
    assert out.returncode == 2 and "NAME=PATH" in out.stderr
    folder = checkout(tmp_path)
    out = time_to_map("--variant", f"same={folder}", "--variant", f"same={folder}")
    assert out.returncode == 2 and "given twice" in out.stderr


def test_the_province_benchmark_refuses_a_bad_variant_before_starting_anything(tmp_path: Path) -> None:
    out = time_to_map("--variant", "before", bench="province_redraw")
    assert out.returncode == 2 and "NAME=PATH" in out.stderr
    folder = checkout(tmp_path)
    out = time_to_map("--variant", f"same={folder}", "--variant", f"same={folder}", bench="province_redraw")
    assert out.returncode == 2 and "its own name" in out.stderr
