"""Writing files so that a reader never sees half of one, and nothing else is ever clobbered.

:func:`write_atomic` writes to a temporary file in the target's directory and renames it over the
target only once every byte is on disk. A full disk, a file-size limit (``ulimit -f``) or an
interruption leaves the previous file untouched and no partial file behind.

A target must be a regular file the user may write, or a path that does not exist yet
(:func:`check_target`). A character device (``/dev/null``), a FIFO, a socket, a symbolic link, a
directory or a read-only file is refused with :class:`RefusedTarget` and left exactly as it was:
renaming over it would replace the device, the pipe or the link with a plain file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


class RefusedTarget(OSError):
    """A write target that is not a regular file or a new path; nothing was written."""


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def kind_of(mode: int) -> str:
    """What a file of ``st_mode`` ``mode`` is, in words."""
    for test, words in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def check_target(path: str | Path) -> int | None:
    """The permission bits of the regular file at ``path``, or None if nothing is there yet.

    Raises :class:`RefusedTarget` for anything else: a device, a FIFO, a socket, a directory, a
    symbolic link (never followed: the link would be replaced, its target left as it was) or a file
    that is read-only (no write bit, or not writable by this user)."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise RefusedTarget(f"{path} is {kind_of(info.st_mode)}, not a regular file: left as it was, nothing written")
    # root may write any file, so the mode bits are read too: a file nobody may write stays as it is
    if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise RefusedTarget(f"{path} is read-only: left as it was, nothing written")
    return info.st_mode & 0o777


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (``os.replace``), keeping its permissions.

    Raises :class:`RefusedTarget` if ``path`` is not a regular file or a new path, and ``OSError``
    on any other failure; either way ``path`` is as it was."""
    path = Path(path)
    mode = check_target(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _default_mode() if mode is None else mode)
        check_target(path)  # again, just before the rename: the target may have changed meanwhile
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
