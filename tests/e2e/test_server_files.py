"""``serve.py`` answers Streamlit's front-end files from memory (``server.frontend_files``), gzipped.

Through a real server: the files the page's HTML names come back compressed, immutable, and equal
to the installed Streamlit's files once unpacked; a client refusing gzip still gets them, from
Streamlit's own handler.
"""

from __future__ import annotations

import gzip
import re
import urllib.request
from pathlib import Path

import streamlit


def fetch(url: str, **headers: str):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as resp:
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()


def test_the_page_scripts_come_gzipped_and_unchanged(streamlit_server):
    static = Path(streamlit.__file__).resolve().parent / "static"
    _, _, html = fetch(streamlit_server + "/")
    named = re.findall(r'(?:src|href)="\./static/([^"]+\.js)"', html.decode())
    named = [n for n in named if (static / "static" / n).stat().st_size > 4096]  # small ones stay plain
    assert len(named) > 10
    for name in named[:5] + named[-5:]:
        status, headers, body = fetch(f"{streamlit_server}/static/{name}", **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers.get("content-encoding") == "gzip", name
        assert "immutable" in headers["cache-control"]
        assert gzip.decompress(body) == (static / "static" / name).read_bytes()
    status, headers, body = fetch(f"{streamlit_server}/static/{named[0]}")  # no Accept-Encoding
    assert status == 200 and "content-encoding" not in headers
    assert body == (static / "static" / named[0]).read_bytes()


def test_the_maps_own_files_carry_a_day_of_browser_cache(streamlit_server):
    """Leaflet under /app/static (serve.py's StaticCacheHeaders), kept by browsers for a day."""
    status, headers, body = fetch(f"{streamlit_server}/app/static/vendor/leaflet/leaflet.js")
    assert status == 200 and b"Leaflet" in body[:2000]
    assert headers["cache-control"] == "public, max-age=86400"
