"""Local answers for the peer's CDN requests (folium's default assets), from installed packages.

The browser benchmarks abort every request that is not to 127.0.0.1; the peer (``bench/naive_app.py``)
loads its assets from CDNs, and ``st_folium`` blanks the whole map if one script fails. So each CDN
URL folium uses is answered with ``route.fulfill`` from a local file:

- Leaflet 1.9.3 (``leaflet.js``, ``leaflet.css``, marker images): ``XStatic-Leaflet`` 1.9.3;
- jQuery 3.7.1: ``XStatic-jQuery`` 3.7.1 (in requirements-dev.txt; without it folium's scripts stop
  after the first marker, so the benchmarks refuse to run);
- Font Awesome 6.2.0 ``all.min.css`` and its webfonts: ``XStatic-Font-Awesome`` 6.2.1;
- Bootstrap 5.2.2 (JS and CSS), Bootstrap 3 glyphicons CSS, Leaflet.awesome-markers 2.0.2 (JS and
  CSS) and folium's ``leaflet.awesome.rotate.min.css``: an EMPTY 200 body. They only style
  ``folium.Icon`` markers and Bootstrap widgets; the peer's regions and default markers draw
  without them (``XStatic-Bootstrap`` does not build from PyPI). This makes the peer slightly
  faster than it would be with the real files, never slower.

Map tiles (``tile.openstreetmap.org``) are not answered: they are aborted, as for our map (which
has no tiles by default).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

EMPTY_JS = (b"", "application/javascript")
EMPTY_CSS = (b"", "text/css")


def _base(module: str) -> Path | None:
    try:
        mod = __import__(module, fromlist=["BASE_DIR"])
    except ImportError:
        return None
    return Path(mod.BASE_DIR)


def _file(path: Path) -> tuple[bytes, str]:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".js":
        mime = "application/javascript"
    elif path.suffix == ".woff2":
        mime = "font/woff2"
    return path.read_bytes(), mime


def have_jquery() -> bool:
    return _base("xstatic.pkg.jquery") is not None


def fulfil(url: str) -> tuple[bytes, str] | None:
    """``(body, content type)`` for a CDN URL of folium's defaults, or None (the request is aborted)."""
    parts = urlsplit(url)
    host, path = parts.hostname or "", parts.path
    name = path.rsplit("/", 1)[-1]
    if "tile.openstreetmap.org" in host:
        return None
    if "/leaflet@" in path or "/leaflet/" in path:
        base = _base("xstatic.pkg.leaflet")
        if base is None:
            return None
        if "/images/" in path and (base / "images" / name).is_file():
            return _file(base / "images" / name)
        if name in ("leaflet.js", "leaflet.css"):
            return _file(base / name)
        return None
    if host == "code.jquery.com" and name.startswith("jquery"):
        base = _base("xstatic.pkg.jquery")
        return _file(base / "jquery.min.js") if base else EMPTY_JS
    if "fontawesome-free" in path:
        base = _base("xstatic.pkg.font_awesome")
        if base is None:
            return None
        sub = "webfonts" if "/webfonts/" in path else "css"
        target = base / sub / name
        return _file(target) if target.is_file() else None
    if "bootstrap" in path or "awesome-markers" in path.lower() or "awesome.rotate" in path:
        return EMPTY_JS if name.endswith(".js") else EMPTY_CSS
    return None
