"""The command line never leaves a broken file and never ends in a traceback on its own I/O:
files are replaced atomically (a file-size limit leaves the good copy), ``-o ""`` is refused and a
reader that goes away (``validate | head -1``) ends the command quietly."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO

LIMIT = 20 * 1024  # bytes: smaller than the HTML map, larger than nothing
# No bytecode written under the limit: Python's own .pyc writes do not check for short writes.
ENV = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin", "PYTHONDONTWRITEBYTECODE": "1"}


def _fsize_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def atlas(*args: str, cwd: Path = REPO, limited: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "atlas", *args], cwd=REPO if cwd is None else cwd, capture_output=True, text=True,
        timeout=180, preexec_fn=_fsize_limit if limited else None, env=ENV,
    )


def test_export_over_a_good_file_keeps_it_when_the_write_fails(tmp_path: Path):
    good = tmp_path / "good.json"
    first = atlas("export", "-f", "json", "-o", str(good), "--data-dir", str(DATA))
    assert first.returncode == 0, first.stderr
    before = good.read_bytes()
    json.loads(before)
    assert len(before) > LIMIT  # so that the limited run cannot write it whole

    failed = atlas("export", "-f", "json", "-o", str(good), "--data-dir", str(DATA), "--lang", "ar", limited=True)
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: cannot write") and "Traceback" not in failed.stderr
    assert good.read_bytes() == before  # the good copy survives, byte for byte
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.json"]  # no partial file left behind


def test_export_that_cannot_be_written_leaves_no_partial_file(tmp_path: Path):
    failed = atlas("export", "-f", "html", "-o", str(tmp_path / "partial.html"), "--data-dir", str(DATA), limited=True)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert list(tmp_path.iterdir()) == []


def test_build_keeps_the_previous_files_when_a_write_fails(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    assert (data / "regions.geojson").stat().st_size > LIMIT
    failed = atlas("build", "--data-dir", str(data), limited=True)
    assert failed.returncode == 1
    assert "error: cannot write" in failed.stderr and "Traceback" not in failed.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_empty_output_name_is_an_error(tmp_path: Path):
    result = atlas("export", "-f", "csv", "-o", "", "--data-dir", str(DATA), cwd=tmp_path)
    assert result.returncode == 2
    assert "-o/--output is empty" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written in the current directory


@pytest.mark.parametrize("command", ["validate", "export"])
def test_reader_gone_ends_quietly(command, tmp_path: Path):
    """``python -m atlas validate | head -0``: the pipe is closed before the first line is written."""
    args = ("validate", str(DATA)) if command == "validate" else ("export", "-f", "csv", "-o", str(tmp_path),
                                                                 "--data-dir", str(DATA))
    proc = subprocess.Popen(
        [sys.executable, "-m", "atlas", *args], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=ENV,
    )
    proc.stdout.close()
    _, err = proc.communicate(timeout=180)
    assert b"Traceback" not in err and b"BrokenPipeError" not in err, err.decode()
    assert err == b""
