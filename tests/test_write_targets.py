"""Issue 32, point 1: ``export -o`` and ``build`` write only to a regular file, a new path or into a
directory; a device, FIFO, socket, symbolic link or read-only file is refused and left exactly as it
was. ``-o -`` writes to standard output.

Devices are made in ``tmp_path`` (a node equivalent to ``/dev/null``), never the system's own; where
the system does not allow ``mknod``, the check is shown a device through a patched ``lstat``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
from pathlib import Path

import pytest

from atlas import cli, fileio
from tests.conftest import DATA


def _fingerprint(path: Path) -> tuple:
    info = os.lstat(path)
    content = path.read_bytes() if stat.S_ISREG(info.st_mode) else os.readlink(path) if path.is_symlink() else None
    return info.st_mode, info.st_ino, info.st_size, info.st_mtime_ns, content


def _make(kind: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Put a ``kind`` at ``path``; returns the words the refusal names it with."""
    if kind == "fifo":
        os.mkfifo(path)
        return "a FIFO (named pipe)"
    if kind == "symlink":
        target = path.with_name("target.json")
        target.write_text("{}", encoding="utf-8")
        path.symlink_to(target)
        return "a symbolic link"
    if kind == "broken_symlink":
        path.symlink_to(path.with_name("nowhere"))
        return "a symbolic link"
    if kind == "read_only":
        path.write_text("keep me", encoding="utf-8")
        path.chmod(0o444)
        return "read-only"
    if kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()
        return "a socket"
    try:  # a character device like /dev/null (major 1, minor 3), made here, not the system's own
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        path.write_text("stands for a device", encoding="utf-8")
        real = os.lstat

        def lstat(p, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
            info = real(p, *a, **k)
            if Path(p) == path:
                return os.stat_result((stat.S_IFCHR | 0o666, *tuple(info)[1:]))
            return info

        monkeypatch.setattr(fileio.os, "lstat", lstat)
    return "a character device"


KINDS = ["device", "fifo", "symlink", "broken_symlink", "read_only", "socket"]


@pytest.mark.parametrize("kind", KINDS)
def test_export_refuses_a_target_that_is_not_a_regular_file(tmp_path: Path, kind: str, capsys, monkeypatch):
    target = tmp_path / "out.json"
    words = _make(kind, target, monkeypatch)
    before = _fingerprint(target)
    assert cli.main(["export", "-f", "json", "-o", str(target), "--data-dir", str(DATA)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {target} is {words}") or f"{target} is {words}" in err, err
    assert "left as it was, nothing written" in err
    assert _fingerprint(target) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.json.")]  # no temporary file left


def test_a_read_only_file_is_refused_even_for_root(tmp_path: Path):
    """root may write any file; the mode bits still say nobody should."""
    target = tmp_path / "locked.csv"
    target.write_text("keep", encoding="utf-8")
    target.chmod(0o444)
    with pytest.raises(fileio.RefusedTarget, match="read-only"):
        fileio.write_atomic(target, b"new")
    assert target.read_text(encoding="utf-8") == "keep"


def test_a_regular_file_is_replaced_and_keeps_its_permissions(tmp_path: Path, capsys):
    target = tmp_path / "mine.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert cli.main(["export", "-f", "json", "-o", str(target), "--data-dir", str(DATA)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["regions"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_symbolic_link_to_a_directory_writes_inside_it(tmp_path: Path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert cli.main(["export", "-f", "json", "-o", str(tmp_path / "link"), "--data-dir", str(DATA)]) == 0
    (written,) = real.iterdir()
    assert written.suffix == ".json" and (tmp_path / "link").is_symlink()


def test_dash_writes_to_standard_output(tmp_path: Path, capsysbinary, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", "-f", "json", "-o", "-", "--data-dir", str(DATA)]) == 0
    out = capsysbinary.readouterr()
    assert json.loads(out.out.decode("utf-8"))["regions"]
    assert b"to standard output" in out.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["fifo", "symlink", "read_only"])
def test_build_refuses_before_writing_anything(tmp_path: Path, kind: str, capsys, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "regions.geojson").unlink()
    words = _make(kind, data / "regions.geojson", monkeypatch)
    before = {p.name: _fingerprint(p) for p in data.iterdir()}
    assert cli.main(["build", "--data-dir", str(data)]) == 1
    assert f"{data / 'regions.geojson'} is {words}" in capsys.readouterr().err
    assert {p.name: _fingerprint(p) for p in data.iterdir()} == before  # regions.csv untouched too
