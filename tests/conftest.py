"""Shared fixtures: the shipped dataset and editable copies of it."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
from pathlib import Path
from unittest import mock

import pytest

from atlas import load

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture(scope="session")
def ds():
    """The shipped dataset, loaded once."""
    return load(DATA)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def set_cell(path: Path, key_col: str, key: str, column: str, value: str) -> int:
    """Set one cell; returns the row's line number in the file (header = 1)."""
    header, rows = read_rows(path)
    for i, row in enumerate(rows):
        if row[key_col] == key:
            row[column] = value
            write_rows(path, header, rows)
            return i + 2
    raise KeyError(key)


@pytest.fixture
def apptest_navigation_mode():
    """For an AppTest whose simulated click the app's first run would swallow: every ``AppTest.run``
    starts in Streamlit's legacy pages-folder mode, and the rerun out of it drops a button's one-off
    click (``ui/streamlit_mode.py``). With this fixture the runs start where a running server is after
    its first run. Every other AppTest runs the real first run (``tests/test_first_run.py``)."""
    from ui.streamlit_mode import apptest_in_navigation_mode

    with apptest_in_navigation_mode():
        yield


@contextlib.contextmanager
def unreadable(data: Path):
    """``data`` made unreadable: its mode 000, and for root, who may read it anyway, its listing refused."""
    real = os.listdir

    def listdir(path="."):  # noqa: ANN001, ANN202
        if Path(path) == data:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    data.chmod(0)
    try:
        with mock.patch("atlas.datafiles.os.listdir", listdir) if os.geteuid() == 0 else contextlib.nullcontext():
            yield
    finally:
        data.chmod(0o755)
