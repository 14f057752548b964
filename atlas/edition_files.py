"""How the static edition's folder is written, recognised and replaced (for :mod:`atlas.publish`).

- The new edition is built in a staging folder beside its target, ``.NAME.publishing-XXXXXXXX``,
  made by ``mkdir``: it has the permissions the umask gives any folder. Each file is created new
  (``O_EXCL | O_NOFOLLOW``): nothing is ever written through a link or over another file.
- Its last file is :data:`MANIFEST`: every other file with its SHA-256. A non-empty folder is a
  previous edition only if it holds such a manifest and nothing but the files it lists, unchanged;
  anything else is refused (:func:`check_replaceable`), so publish never deletes what it did not write.
- The new edition takes the target's place in one step (``renameat2(RENAME_EXCHANGE)``): at every
  moment the target holds the previous edition or the new one, complete. Where the file system
  cannot exchange two names, the previous edition is renamed aside (``.NAME.previous-XXXXXXXX``)
  and the new one renamed in.
- The previous edition is then removed file by file: only the files its manifest lists, then the
  folders they were in once empty (:func:`retire`).
- A run killed at any point leaves at most a staging or an aside folder; the next run (:func:`recover`)
  puts an aside edition back if the target is missing, and removes the rest.
- One publish at a time per target: a lock file ``.NAME.publish-lock`` beside it (``lockf``: the
  system releases it when the process ends, however it ends), removed at the end.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from atlas.fileio import kind_of

MANIFEST = "edition-manifest.json"
GENERATOR = "jazari-atlas publish"
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_STAGING, _ASIDE = "publishing", "previous"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class EditionRefused(FileExistsError):
    """The target is not a folder publish may replace (or another publish is writing it); nothing written."""


# --- Writing -------------------------------------------------------------------------------------


def _safe_rel(rel: str) -> bool:
    path = PurePosixPath(rel)
    return bool(rel) and not path.is_absolute() and ".." not in path.parts and path.as_posix() == rel


def make_staging(out: Path) -> Path:
    """A new, empty staging folder beside ``out`` (mode from the umask, as any ``mkdir``)."""
    path = _sibling(out, _STAGING)
    os.mkdir(path)
    return path


def write_file(root: Path, rel: str, data: bytes) -> None:
    """Create ``root/rel`` holding ``data``; ``FileExistsError`` if anything is already there."""
    if not _safe_rel(rel):
        raise ValueError(f"{rel!r} is not a relative path inside the edition")
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _walk(folder: Path) -> Iterator[tuple[str, str]]:
    """(relative path, "dir" | "file" | "other") of everything under ``folder``; links are not followed."""
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        with os.scandir(folder / rel_dir) as entries:
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append(rel)
                    yield rel, "dir"
                else:
                    yield rel, "file" if entry.is_file(follow_symlinks=False) else "other"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(root: Path) -> int:
    """Write :data:`MANIFEST` listing every file under ``root`` with its SHA-256; returns the number
    of files the edition holds, the manifest included."""
    files = {rel: _sha256(root / rel) for rel, kind in sorted(_walk(root)) if kind == "file"}
    doc = {"generator": GENERATOR, "format": 1, "files": files}
    write_file(root, MANIFEST, (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return len(files) + 1


# --- Recognising an edition ----------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, str] | None:
    """The files (relative path -> SHA-256) of the manifest publish wrote in ``folder``, or None if
    there is no such manifest (missing, not a regular file, too large, or not what publish writes)."""
    path = folder / MANIFEST
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST_BYTES:
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            doc = json.loads(fh.read(MAX_MANIFEST_BYTES + 1))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("generator") != GENERATOR or doc.get("format") != 1:
        return None
    files = doc.get("files")
    if not isinstance(files, dict):
        return None
    for rel, digest in files.items():
        if not _safe_rel(rel) or rel == MANIFEST or not isinstance(digest, str) or not _HEX64.match(digest):
            return None
    return files


def _parents(files: dict[str, str]) -> set[str]:
    return {p.as_posix() for rel in files for p in PurePosixPath(rel).parents if p.as_posix() != "."}


def foreign(folder: Path, files: dict[str, str]) -> list[str]:
    """What in ``folder`` is not the edition ``files`` lists: unlisted files or folders, changed
    files, links, devices. Empty: the folder is exactly that edition (or part of it)."""
    dirs = _parents(files)
    found: list[str] = []
    named: list[str] = []  # folders not written by publish: named once, their contents not listed
    for rel, kind in sorted(_walk(folder)):
        if any(rel.startswith(d) for d in named):
            continue
        if kind == "dir":
            if rel not in dirs:
                named.append(f"{rel}/")
                found.append(f"{rel}/ (not written by publish)")
        elif kind == "other":
            found.append(f"{rel} ({kind_of(os.lstat(folder / rel).st_mode)})")
        elif rel != MANIFEST and rel not in files:
            found.append(f"{rel} (not written by publish)")
        elif rel != MANIFEST and _sha256(folder / rel) != files[rel]:
            found.append(f"{rel} (changed since publish wrote it)")
    return found


def check_replaceable(out: Path) -> None:
    """Return if ``out`` does not exist, is an empty folder or an edition publish wrote (nothing
    else in it); raise :class:`EditionRefused` saying why not otherwise."""
    try:
        info = os.lstat(out)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise EditionRefused(f"{out} is a symbolic link: give the folder itself; nothing written")
    if not stat.S_ISDIR(info.st_mode):
        raise EditionRefused(f"{out} exists and is {kind_of(info.st_mode)}, not a folder; nothing written")
    if not os.listdir(out):
        return
    files = read_manifest(out)
    if files is None:
        raise EditionRefused(f"{out} exists and is not an empty folder or a previous edition (it has no {MANIFEST} "
                             "written by publish); nothing written")
    extra = foreign(out, files)
    if extra:
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        raise EditionRefused(f"{out} is a previous edition that also holds {shown}: move them out, or publish "
                             "into another folder; nothing written")


# --- Replacing -----------------------------------------------------------------------------------


def _sibling(out: Path, kind: str) -> Path:
    return out.parent / f".{out.name}.{kind}-{secrets.token_hex(4)}"


def _leftovers(out: Path) -> list[Path]:
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.({_STAGING}|{_ASIDE})-[0-9a-f]{{8}}$")
    return sorted(p for p in out.parent.iterdir() if pattern.match(p.name))


def exchange(a: Path, b: Path) -> None:
    """Swap the names ``a`` and ``b`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``); ``OSError``
    with ``ENOSYS``, ``EINVAL`` or ``EOPNOTSUPP`` where the system or the file system cannot."""
    func = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if func is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def move(src: Path, dst: Path) -> None:
    os.rename(src, dst)


def swap_in(staging: Path, out: Path) -> Path | None:
    """Put the edition in ``staging`` at ``out``; returns the folder that now holds what ``out`` held
    (for :func:`retire`), or None if ``out`` did not exist."""
    if not os.path.lexists(out):
        move(staging, out)
        return None
    try:
        exchange(staging, out)
        return staging
    except OSError as exc:
        if exc.errno not in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise
    aside = _sibling(out, _ASIDE)
    move(out, aside)
    try:
        move(staging, out)
    except BaseException:
        move(aside, out)
        raise
    return aside


def retire(folder: Path) -> list[str]:
    """Remove the previous edition (or empty folder) at ``folder``: only the files its manifest lists,
    then the folders they were in once empty. Returns what was kept (empty: all gone)."""
    files = read_manifest(folder) or {}
    for rel in files:
        path = folder / rel
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(path).st_mode):
                path.unlink()
    with contextlib.suppress(FileNotFoundError):
        if files:
            (folder / MANIFEST).unlink()
    for rel in sorted(_parents(files), key=lambda r: r.count("/"), reverse=True):
        with contextlib.suppress(OSError):
            (folder / rel).rmdir()
    try:
        folder.rmdir()
    except FileNotFoundError:
        return []
    except OSError:
        return [f"{folder} kept: it holds files the previous edition's {MANIFEST} does not list"]
    return []


def recover(out: Path) -> list[str]:
    """Clean up after a publish that was killed: put an aside edition back where ``out`` is missing,
    retire the other aside editions and remove staging folders. Returns what it did, in words."""
    notes = []
    leftovers = _leftovers(out)
    aside = sorted((p for p in leftovers if f".{_ASIDE}-" in p.name and read_manifest(p) is not None),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    if aside and not os.path.lexists(out):
        move(aside[0], out)
        leftovers.remove(aside[0])
        notes.append(f"restored the previous edition of {out} from an interrupted publish")
    for path in leftovers:
        if read_manifest(path) is not None:
            notes += retire(path)
        elif f".{_STAGING}-" in path.name:
            shutil.rmtree(path, ignore_errors=True)  # a build that never finished: our own folder
        else:
            notes.append(f"{path} kept: it is not an edition publish wrote")
        if not os.path.lexists(path):
            notes.append(f"removed {path.name}, left by an interrupted publish")
    return notes


@contextlib.contextmanager
def lock(out: Path) -> Iterator[None]:
    """Hold the publish lock of ``out``; :class:`EditionRefused` if another publish holds it."""
    path = out.parent / f".{out.name}.publish-lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise EditionRefused(f"another publish is writing {out}; nothing written") from None
        try:  # the file may have been removed by the publish that held it: lock the current one
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
