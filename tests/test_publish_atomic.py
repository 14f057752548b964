"""Issue 32, point 2: ``publish`` replaces an edition atomically, keeps the umask's permissions and
deletes only the files its own manifest lists.

A real ``publish`` in a subprocess is killed by SIGKILL at each point of its work
(``tests/publish_interrupted.py``: the pages are small generated files so that a run takes a second);
after each kill the target holds a complete edition, and the next run cleans up and succeeds.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from atlas import cli, edition_files
from tests.conftest import DATA, REPO
from tests.publish_interrupted import POINTS, files_of

SUPPORT = REPO / "tests" / "publish_interrupted.py"
OLD, NEW, NEXT = "edition-one", "edition-two", "edition-three"


def run_to_end(out: Path, generation: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SUPPORT), "none", str(out), generation, str(out) + ".marker"],
                          capture_output=True, text=True, timeout=300, preexec_fn=lambda: os.umask(umask))


def contents(folder: Path) -> dict[str, bytes]:
    """The files of a complete edition (manifest checked: every file listed, present and unchanged)."""
    files = edition_files.read_manifest(folder)
    assert files is not None, f"{folder} has no manifest"
    assert edition_files.foreign(folder, files) == []
    assert all((folder / rel).is_file() for rel in files), "a listed file is missing"
    return {rel: (folder / rel).read_bytes() for rel in files}


def wait_for(path: Path, proc: subprocess.Popen[bytes], seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    out = tmp_path / "site"
    done = run_to_end(out, OLD)
    assert done.returncode == 0, done.stderr
    assert contents(out) == files_of(OLD)
    return out


@pytest.mark.parametrize("point", POINTS)
def test_a_publish_killed_at_any_point_leaves_an_edition_and_the_next_run_recovers(previous: Path, point: str):
    marker = previous.parent / "marker"
    proc = subprocess.Popen([sys.executable, str(SUPPORT), point, str(previous), NEW, str(marker)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for(marker, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    leftovers = sorted(p.name for p in previous.parent.iterdir() if p.name not in ("site", "marker"))

    if point == "fallback-aside":  # without RENAME_EXCHANGE there is a moment with no target
        assert not previous.exists()
        (aside,) = (previous.parent / n for n in leftovers if ".previous-" in n)
        assert contents(aside) == files_of(OLD)
    else:
        before_swap = point in ("before-build", "during-build", "before-swap")
        assert contents(previous) == files_of(OLD if before_swap else NEW)
    assert leftovers, "the kill should have left something to clean up"

    again = run_to_end(previous, NEXT)
    assert again.returncode == 0, again.stderr
    assert "left by an interrupted publish" in again.stdout
    assert contents(previous) == files_of(NEXT)
    assert sorted(p.name for p in previous.parent.iterdir()) == ["marker", "site"]  # no temporary folder, no lock


def test_a_second_publish_at_the_same_time_is_refused(previous: Path):
    marker = previous.parent / "marker"
    proc = subprocess.Popen([sys.executable, str(SUPPORT), "during-build", str(previous), NEW, str(marker)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(marker, proc)
        second = run_to_end(previous, NEXT)
        assert second.returncode != 0 and "another publish is writing" in second.stderr
        assert contents(previous) == files_of(OLD)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_the_edition_has_the_permissions_of_a_normal_folder(tmp_path: Path, umask: int):
    out = tmp_path / "site"
    for generation in (OLD, NEW):  # the first edition, then one published over it
        done = run_to_end(out, generation, umask)
        assert done.returncode == 0, done.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask
        for path in out.rglob("*"):
            expected = (0o777 if path.is_dir() else 0o666) & ~umask
            assert stat.S_IMODE(path.stat().st_mode) == expected, path


def _refused(out: Path) -> str:
    with pytest.raises(FileExistsError) as caught:
        edition_files.check_replaceable(out)
    return str(caught.value)


def test_a_folder_that_only_looks_like_an_edition_is_refused(tmp_path: Path, capsys):
    """The issue's case: index.html and api/institutes.json beside .git/ and another folder."""
    out = tmp_path / "site"
    for rel in ("index.html", "api/institutes.json", ".git/HEAD", "notes/todo.txt"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel, encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert cli.main(["publish", str(out), "--data-dir", str(DATA)]) == 1
    assert "not an empty folder or a previous edition" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("change", ["git", "extra_file", "changed_file", "symlink", "forged_path"])
def test_an_edition_with_anything_publish_did_not_write_is_refused(previous: Path, change: str, capsys):
    if change == "git":
        (previous / ".git").mkdir()
        (previous / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
        words = ".git/ (not written by publish)"
    elif change == "extra_file":
        (previous / "fr" / "mine.html").write_text("keep me", encoding="utf-8")
        words = "fr/mine.html (not written by publish)"
    elif change == "changed_file":
        (previous / "index.html").write_text("edited by hand", encoding="utf-8")
        words = "index.html (changed since publish wrote it)"
    elif change == "symlink":
        (previous / "fr" / "page-000.html").unlink()
        (previous / "fr" / "page-000.html").symlink_to("/etc/hostname")
        words = "fr/page-000.html (a symbolic link)"
    else:  # a manifest that lists a file outside the folder is not one publish wrote
        doc = json.loads((previous / edition_files.MANIFEST).read_text(encoding="utf-8"))
        doc["files"]["../outside.txt"] = "0" * 64
        (previous / edition_files.MANIFEST).write_text(json.dumps(doc), encoding="utf-8")
        words = "not an empty folder or a previous edition"
    before = {p: p.read_bytes() for p in previous.rglob("*") if p.is_file() and not p.is_symlink()}
    assert words in _refused(previous)
    assert cli.main(["publish", str(previous), "--data-dir", str(DATA)]) == 1
    assert words in capsys.readouterr().err
    assert {p: p.read_bytes() for p in previous.rglob("*") if p.is_file() and not p.is_symlink()} == before


def test_a_symbolic_link_or_a_file_as_the_target_is_refused(tmp_path: Path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "site"
    link.symlink_to(real)
    assert "is a symbolic link" in _refused(link)
    plain = tmp_path / "plain"
    plain.write_text("x", encoding="utf-8")
    assert "not a folder" in _refused(plain)
    assert link.is_symlink() and plain.read_text(encoding="utf-8") == "x"


def test_removing_a_previous_edition_touches_only_its_files(previous: Path, tmp_path: Path):
    """What retire does with a previous edition into which a file was put after the check."""
    (previous / "fr" / "late.txt").write_text("written during the build", encoding="utf-8")
    kept = edition_files.retire(previous)
    assert kept and "kept" in kept[0]
    assert [p.relative_to(previous).as_posix() for p in previous.rglob("*")] == ["fr", "fr/late.txt"]


def _children(pid: int) -> list[int]:
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_real_publish_killed_while_building_keeps_the_previous_edition(previous: Path):
    """The command itself, with its worker processes making the downloads, killed once its first page
    is written; its workers end with it, and the next run cleans up."""
    proc = subprocess.Popen([sys.executable, "-m", "atlas", "publish", str(previous), "--jobs", "2"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    deadline = time.monotonic() + 600
    while not (workers := _children(proc.pid)) or not any(previous.parent.glob(".site.publishing-*/index.html")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert contents(previous) == files_of(OLD)  # the previous edition, whole
    deadline = time.monotonic() + 60
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived the killed publish"
        time.sleep(0.05)
    again = run_to_end(previous, NEXT)
    assert again.returncode == 0, again.stderr
    assert contents(previous) == files_of(NEXT)
    assert sorted(p.name for p in previous.parent.iterdir()) == ["site"]
