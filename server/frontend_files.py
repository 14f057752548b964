"""Streamlit's own front-end files (its JavaScript chunks, styles and fonts), served from memory.

Why: a first visit to the home page asks the server for about 130 of these files while the same
process runs the visitor's first script. Streamlit serves each one from disk through a thread pool,
and the script thread holds the GIL meanwhile, so a 6 KB chunk took 0.6 s to arrive
(docs/performance.md). This middleware answers those requests from a dictionary filled once when
the server starts (:meth:`FrontendFiles.warm`), compressed with gzip for browsers that accept it
(every one does), which also makes them 3.6 times smaller on a real network.

What it serves: exactly the files found under the given directory by :meth:`warm`, at
``<prefix><relative path>``, for ``GET`` and ``HEAD``. Any other request (an unknown name, a path
with ``..``, a POST, a file added after start-up) goes on to the app unchanged, so Streamlit's own
handler keeps its checks and its fallbacks. The file names carry a content hash (Streamlit's build
names them so), which is why they are sent as immutable for a year, as Streamlit itself does.

No Streamlit import: ``serve.py`` gives the directory and the URL prefix.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Text formats worth compressing; fonts (woff2) and images are compressed already.
COMPRESSIBLE = frozenset({".js", ".mjs", ".css", ".json", ".svg", ".map", ".txt", ".html", ".ttf"})
MIN_COMPRESS_BYTES = 1024
GZIP_LEVEL = 6
CACHE_CONTROL = b"public, immutable, max-age=31536000"
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".woff2": "font/woff2"}


@dataclass(frozen=True)
class Entry:
    """One file as it is sent: its bytes or its gzip form (the one kept when it is worth it), type, ETag.

    A compressible file keeps only its gzip form (about 7 MB for all of Streamlit's files instead of
    25 MB); a browser that refuses gzip is then served by Streamlit's own handler, from disk.
    """

    body: bytes | None
    gzipped: bytes | None
    content_type: bytes
    digest: bytes

    def etag(self, gzipped: bool) -> bytes:
        return b'"' + self.digest + (b'-gzip"' if gzipped else b'"')


def make_entry(path: Path) -> Entry:
    body = path.read_bytes()
    gzipped = None
    if path.suffix.lower() in COMPRESSIBLE and len(body) >= MIN_COMPRESS_BYTES:
        packed = gzip.compress(body, GZIP_LEVEL, mtime=0)  # mtime=0: the same bytes on every replica
        gzipped = packed if len(packed) < len(body) else None
    kind = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    digest = hashlib.sha256(body).hexdigest()[:32]  # a strong ETag per form: the gzip bytes differ
    return Entry(None if gzipped is not None else body, gzipped, kind.encode("latin-1"), digest.encode("latin-1"))


def accepts_gzip(header: bytes) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (``gzip;q=0`` refuses it)."""
    for part in header.decode("latin-1").lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def etag_matches(header: bytes, etag: bytes) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak or strong, or ``*``)."""
    wanted = etag.decode("latin-1")
    for tag in header.decode("latin-1").split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == wanted:
            return True
    return False


class FrontendFiles:
    """The files under ``directory`` as they are sent, looked up by URL path under ``prefix()``.

    ``prefix`` is a callable because Streamlit's base URL path is only known once its configuration
    is read (after ``serve.py`` is imported); it is asked on each request and must end with ``/``.
    Empty until :meth:`warm` runs: until then every request goes on to the app.
    """

    def __init__(self, directory: Path, prefix: Callable[[], str]):
        self.directory = Path(directory)
        self.prefix = prefix
        self.files: dict[str, Entry] = {}

    def warm(self) -> int:
        """Read (and compress) every file under the directory; returns how many. Safe to call again."""
        files = {}
        for path in sorted(self.directory.rglob("*")):
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(self.directory).as_posix()] = make_entry(path)
        self.files = files
        return len(files)

    def lookup(self, path: str) -> Entry | None:
        prefix = self.prefix()
        if not path.startswith(prefix):
            return None
        return self.files.get(path[len(prefix):])


class ServeFrontendFiles:
    """ASGI middleware: answers ``GET``/``HEAD`` of a known file from ``files``; the rest goes on."""

    def __init__(self, app, files: FrontendFiles):
        self.app = app
        self.files = files

    async def __call__(self, scope, receive, send):
        entry = None
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            entry = self.files.lookup(scope.get("path", ""))
        if entry is None:
            await self.app(scope, receive, send)
            return
        request = dict(scope.get("headers") or [])
        gzip_ok = entry.gzipped is not None and accepts_gzip(request.get(b"accept-encoding", b""))
        if entry.body is None and not gzip_ok:  # only the gzip form is held: Streamlit serves the rest
            await self.app(scope, receive, send)
            return
        etag = entry.etag(gzip_ok)
        headers = [
            (b"content-type", entry.content_type),
            (b"cache-control", CACHE_CONTROL),
            (b"etag", etag),
            (b"vary", b"accept-encoding"),
        ]
        if etag_matches(request.get(b"if-none-match", b""), etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        body = entry.gzipped if gzip_ok else entry.body
        if gzip_ok:
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode("latin-1")))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
