"""``server.frontend_files``: Streamlit's front-end files answered from memory, byte for byte.

The middleware is driven as an ASGI app with a recording "next app" (what Streamlit's own handler
would be), so every test shows both what is answered and what is left to Streamlit.
"""

from __future__ import annotations

import asyncio
import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from server.frontend_files import FrontendFiles, ServeFrontendFiles, accepts_gzip, etag_matches

MAP_JS = "/base/static/js/Map.abc123.js"
SCRIPT = b"export const answer = 42;\n" * 200  # compressible, over the 1 KB threshold
FONT = bytes(range(256)) * 8  # not compressible by type (woff2)


class NextApp:
    """Stands for Streamlit's handler: records the paths it was given and answers 299."""

    def __init__(self):
        self.paths: list[str] = []

    async def __call__(self, scope, receive, send):
        self.paths.append(scope["path"])
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b"from streamlit"})


def call(app, path: str, method: str = "GET", headers: dict[str, str] | None = None):
    """(status, headers, body) of one request through ``app``."""
    scope = {
        "type": "http", "method": method, "path": path,
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    # In a thread of its own: after the browser tests, Playwright's loop is running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture
def served(tmp_path: Path):
    (tmp_path / "js").mkdir()
    (tmp_path / "media").mkdir()
    (tmp_path / "js" / "Map.abc123.js").write_bytes(SCRIPT)
    (tmp_path / "js" / "tiny.js").write_bytes(b"x")
    (tmp_path / "media" / "Font.abc.woff2").write_bytes(FONT)
    files = FrontendFiles(tmp_path, lambda: "/base/static/")
    assert files.warm() == 3
    nxt = NextApp()
    return ServeFrontendFiles(nxt, files), nxt


def test_a_script_is_sent_gzipped_immutable_and_unchanged_once_unpacked(served):
    app, nxt = served
    status, headers, body = call(app, MAP_JS, headers={"Accept-Encoding": "gzip, br"})
    assert status == 200 and nxt.paths == []
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == SCRIPT
    assert len(body) < len(SCRIPT) / 10
    assert headers["content-type"] == "text/javascript"
    assert headers["cache-control"] == "public, immutable, max-age=31536000"
    assert headers["content-length"] == str(len(body))
    assert headers["vary"] == "accept-encoding"


def test_a_browser_refusing_gzip_is_left_to_streamlit(served):
    app, nxt = served
    for accept in (None, "identity", "gzip;q=0"):
        status, _, body = call(app, MAP_JS, headers={"Accept-Encoding": accept} if accept else {})
        assert (status, body) == (299, b"from streamlit")
    assert len(nxt.paths) == 3


def test_files_not_worth_compressing_are_sent_as_they_are(served):
    app, _ = served
    status, headers, body = call(app, "/base/static/media/Font.abc.woff2", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and body == FONT and "content-encoding" not in headers
    assert headers["content-type"] == "font/woff2"
    status, headers, body = call(app, "/base/static/js/tiny.js", headers={"Accept-Encoding": "gzip"})
    assert (status, body) == (200, b"x") and "content-encoding" not in headers


@pytest.mark.parametrize("path, method", [
    ("/base/static/js/Unknown.js", "GET"),  # not among the files read at start-up
    ("/base/static/js/../js/Map.abc123.js", "GET"),  # only exact names are looked up
    ("/static/js/Map.abc123.js", "GET"),  # outside the base path
    ("/base/static/js/Map.abc123.js", "POST"),
    ("/base/index.html", "GET"),
])
def test_anything_else_goes_on_to_streamlit(served, path, method):
    app, nxt = served
    status, _, _ = call(app, path, method=method, headers={"Accept-Encoding": "gzip"})
    assert status == 299 and nxt.paths == [path]


def test_a_known_etag_gets_304_and_each_form_has_its_own(served):
    app, _ = served
    _, zipped, _ = call(app, MAP_JS, headers={"Accept-Encoding": "gzip"})
    _, plain, _ = call(app, "/base/static/media/Font.abc.woff2")
    assert zipped["etag"].endswith('-gzip"') and not plain["etag"].endswith('-gzip"')
    status, _, body = call(app, MAP_JS,
                           headers={"Accept-Encoding": "gzip", "If-None-Match": f'"other", W/{zipped["etag"]}'})
    assert (status, body) == (304, b"")
    status, _, _ = call(app, MAP_JS, headers={"Accept-Encoding": "gzip", "If-None-Match": '"stale"'})
    assert status == 200


def test_head_sends_the_length_without_the_body(served):
    app, _ = served
    status, headers, body = call(app, MAP_JS, method="HEAD", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


def test_nothing_is_answered_before_warm(tmp_path):
    (tmp_path / "a.js").write_bytes(SCRIPT)
    nxt = NextApp()
    status, _, _ = call(ServeFrontendFiles(nxt, FrontendFiles(tmp_path, lambda: "/static/")), "/static/a.js",
                        headers={"Accept-Encoding": "gzip"})
    assert status == 299


@pytest.mark.parametrize("header, ok", [
    ("gzip", True), ("deflate, gzip;q=0.5", True), ("*", True), ("GZIP", True),
    ("gzip;q=0", False), ("identity", False), ("", False), ("gzip;q=abc", False),
])
def test_accept_encoding_is_read_as_browsers_send_it(header, ok):
    assert accepts_gzip(header.encode()) is ok


def test_if_none_match_lists_and_wildcard():
    assert etag_matches(b'"a", "b"', b'"b"') and etag_matches(b"*", b'"x"') and not etag_matches(b'"a"', b'"b"')


def test_every_file_of_the_installed_streamlit_page_is_held():
    """The real directory ``serve.py`` gives: every script and style the page's HTML names is held."""
    import re

    import streamlit

    static = Path(streamlit.__file__).resolve().parent / "static"
    files = FrontendFiles(static / "static", lambda: "/static/")
    files.warm()
    named = re.findall(r'(?:src|href)="\./static/([^"]+)"', (static / "index.html").read_text(encoding="utf-8"))
    assert len(named) > 20
    missing = [name for name in named if files.lookup("/static/" + name) is None]
    assert missing == []
    entry = files.lookup("/static/" + next(n for n in named if n.endswith(".js")))
    assert entry.gzipped is not None and entry.body is None


@pytest.mark.parametrize("base, want", [(None, "/static/"), ("", "/static/"), ("atlas", "/atlas/static/"),
                                        ("/atlas/", "/atlas/static/"), ("a/b", "/a/b/static/")])
def test_paths_under_the_base_url_path(base, want):
    from atlas.assets import under_base

    assert under_base(base, "/static/") == want
