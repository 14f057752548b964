"""Test support: run :func:`atlas.publish.publish` and stop at a chosen point, for a test to kill.

    python tests/publish_interrupted.py POINT OUT GENERATION MARKER

The real ``publish`` runs (lock, recovery, staging folder, manifest, swap, removal of the previous
edition); only the pages are replaced by ``FILES`` small files that carry ``GENERATION``, so that a
run takes a second and the test can tell the previous edition from the new one. At ``POINT`` the
run creates ``MARKER`` and waits for the test's SIGKILL. ``POINT`` ``none`` runs to the end.
Imported by the tests only; never by the atlas.
"""

from __future__ import annotations

import errno
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILES = 120

POINTS = (
    "before-build",     # the staging folder exists, empty
    "during-build",     # half the files written
    "before-swap",      # the new edition complete beside the target, the manifest written
    "after-exchange",   # the new edition in place, the previous one in the staging folder's name
    "during-removal",   # the previous edition half removed
    "fallback-aside",   # no RENAME_EXCHANGE: the previous edition renamed aside, the target missing
    "fallback-moved",   # no RENAME_EXCHANGE: the new edition renamed in, the previous one aside
)


def files_of(generation: str) -> dict[str, bytes]:
    """The edition a run of ``generation`` writes (relative path -> bytes)."""
    out = {"index.html": f"<!DOCTYPE html><title>{generation}</title>\n".encode()}
    for i in range(FILES - 1):
        folder = ("fr", "ar", "en", "api/deep")[i % 4]
        out[f"{folder}/page-{i:03d}.html"] = f"{generation} page {i}\n".encode() * (1 + i % 7)
    return out


def main(point: str, out: Path, generation: str, marker: Path) -> None:
    sys.path.insert(0, str(REPO))
    from atlas import edition_files, publish

    def stop() -> None:
        marker.write_text(point, encoding="utf-8")
        while True:
            time.sleep(60)

    def build(ds, root, **_):  # noqa: ANN001, ANN003 - the signature of publish._build
        for n, (rel, data) in enumerate(files_of(generation).items()):
            if point == "during-build" and n == FILES // 2:
                stop()
            edition_files.write_file(root, rel, data)
        return FILES

    publish._build = build
    real = {name: getattr(edition_files, name) for name in ("make_staging", "exchange", "move", "swap_in")}

    def make_staging(target):  # noqa: ANN001, ANN202
        path = real["make_staging"](target)
        if point == "before-build":
            stop()
        return path

    def swap_in(staging, target):  # noqa: ANN001, ANN202
        if point == "before-swap":
            stop()
        return real["swap_in"](staging, target)

    def exchange(a, b):  # noqa: ANN001, ANN202
        if point.startswith("fallback"):
            raise OSError(errno.EINVAL, "no RENAME_EXCHANGE on this file system (test)")
        real["exchange"](a, b)
        if point == "after-exchange":
            stop()

    moves = []

    def move(src, dst):  # noqa: ANN001, ANN202
        real["move"](src, dst)
        moves.append(dst)
        if (point, len(moves)) in (("fallback-aside", 1), ("fallback-moved", 2)):
            stop()

    removed = []
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):  # noqa: ANN001, ANN202
        real_unlink(self, missing_ok=missing_ok)
        removed.append(self)
        if point == "during-removal" and len(removed) == FILES // 2:
            stop()

    edition_files.make_staging, edition_files.swap_in = make_staging, swap_in
    edition_files.exchange, edition_files.move = exchange, move
    Path.unlink = unlink
    report = publish.publish(None, out, progress=False)  # the dataset only feeds the pages replaced above
    for note in report.notes:
        print(f"note: {note}")
    print(report)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))
