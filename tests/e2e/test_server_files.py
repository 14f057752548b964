"""``serve.py``'s headers on the map's own files, through a real server."""

from __future__ import annotations

import urllib.request


def fetch(url: str, **headers: str):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as resp:
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()


def test_the_maps_own_files_carry_a_day_of_browser_cache(streamlit_server):
    """Leaflet under /app/static (serve.py's StaticCacheHeaders), kept by browsers for a day."""
    status, headers, body = fetch(f"{streamlit_server}/app/static/vendor/leaflet/leaflet.js")
    assert status == 200 and b"Leaflet" in body[:2000]
    assert headers["cache-control"] == "public, max-age=86400"
