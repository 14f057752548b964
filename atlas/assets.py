"""Offline browser assets for the map: Leaflet and the Font Awesome solid icon font.

Nothing the app sends to the browser may come from a CDN. The files are copied from two installed
PyPI packages into ``<repo>/static/vendor/`` (git-ignored: third-party files are never committed)
and Streamlit serves them (``[server] enableStaticServing = true``) at ``/app/static/vendor/...``.
The map page copies them at start-up when they are missing or stale; a container image prepares
them at build time with ``python -m atlas.assets`` so the app can run on a read-only filesystem,
where the start-up check then only reads (see :func:`ensure_static_assets`):

- ``XStatic-Leaflet`` 1.9.3 (BSD-2-Clause): ``leaflet.js``, ``leaflet.css`` and its images;
- ``XStatic-Font-Awesome`` 6.2.1 (fonts SIL OFL 1.1, CSS MIT): ``fontawesome.min.css``,
  ``solid.min.css`` and the solid webfont, plus the licence.

jQuery, Bootstrap and awesome-markers, which folium loads by default, are not needed: markers are
Leaflet ``DivIcon``s (see :mod:`atlas.mapview`).

:func:`map_assets` gives the ``default_js``/``default_css`` lists a map needs, either as
``/app/static`` URLs (``mode="static"``, for the app) or inlined as ``data:`` URLs
(``mode="inline"``, for a standalone HTML file: Leaflet plus a small subset of the icon font that
holds only the glyphs asked for).
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from atlas.config import REPO_ROOT

STATIC_DIR = REPO_ROOT / "static"
"""Streamlit serves this folder (beside ``app.py``) at ``/app/static`` when static serving is on."""

VENDOR = "vendor"
STATIC_URL = "/app/static"
"""URL of :data:`STATIC_DIR` in the app (prefix it with ``server.baseUrlPath`` if one is set: :func:`under_base`)."""


def under_base(base_url_path: str | None, path: str) -> str:
    """The absolute URL path ``path`` as the app serves it under Streamlit's ``server.baseUrlPath``."""
    base = str(base_url_path or "").strip("/")
    return (f"/{base}" if base else "") + path

LEAFLET_DIR = "leaflet"
FONTAWESOME_DIR = "fontawesome"

FA_FAMILY = "Font Awesome 6 Free"


def _leaflet_base() -> Path:
    import xstatic.pkg.leaflet as pkg

    return Path(pkg.BASE_DIR)


def _fontawesome_base() -> Path:
    import xstatic.pkg.font_awesome as pkg

    return Path(pkg.BASE_DIR)


def _files() -> list[tuple[Path, Path]]:
    """(source file, path relative to ``static/vendor``) for every file the map needs."""
    leaflet, fa = _leaflet_base(), _fontawesome_base()
    pairs = [
        (leaflet / "leaflet.js", Path(LEAFLET_DIR, "leaflet.js")),
        (leaflet / "leaflet.css", Path(LEAFLET_DIR, "leaflet.css")),
    ]
    pairs += [(p, Path(LEAFLET_DIR, "images", p.name)) for p in sorted((leaflet / "images").glob("*.png"))]
    pairs += [
        (fa / "css" / "fontawesome.min.css", Path(FONTAWESOME_DIR, "css", "fontawesome.min.css")),
        (fa / "css" / "solid.min.css", Path(FONTAWESOME_DIR, "css", "solid.min.css")),
        (fa / "webfonts" / "fa-solid-900.woff2", Path(FONTAWESOME_DIR, "webfonts", "fa-solid-900.woff2")),
        (fa / "webfonts" / "fa-solid-900.ttf", Path(FONTAWESOME_DIR, "webfonts", "fa-solid-900.ttf")),
        (fa / "LICENSE.txt", Path(FONTAWESOME_DIR, "LICENSE.txt")),
    ]
    return pairs


def _up_to_date(src: Path, dst: Path) -> bool:
    """Same size and mtime (a copy made by :func:`_copy_atomic`), or same size and same bytes (a copy
    whose mtime was not kept, e.g. by an image layer or a volume copy)."""
    try:
        s, d = src.stat(), dst.stat()
    except FileNotFoundError:
        return False
    if s.st_size != d.st_size:
        return False
    if int(s.st_mtime) == int(d.st_mtime):
        return True
    try:
        return src.read_bytes() == dst.read_bytes()
    except OSError:
        return False


def _copy_atomic(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` through a temporary file, so a reader never sees half a file."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copy2(src, tmp)  # keeps the mtime: the next check compares size and mtime
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class StaticAssetsError(OSError):
    """The static folder cannot be written and lacks files the map needs (a read-only filesystem
    whose image was built without ``python -m atlas.assets``)."""


PREPARE_COMMAND = "python -m atlas.assets"

_lock = threading.Lock()
_done: set[Path] = set()
_stale_kept: list[Path] = []  # outdated copies a read-only folder forced us to keep (for the CLI)


def ensure_static_assets(static_dir: Path | None = None, *, force: bool = False) -> list[Path]:
    """Copy the map's browser assets into ``static_dir/vendor`` (default ``<repo>/static``).

    Idempotent and cheap: a file is copied only when missing or different from its source (size and
    mtime, or bytes), and after one successful call per process and folder later calls return at
    once. When every file is present and up to date nothing is written, so a folder prepared at
    build time works on a read-only filesystem. Returns the files copied (empty when everything was
    up to date).

    When the folder cannot be written (read-only filesystem, no permission): an outdated copy is
    kept (the map still works with it) and listed in ``_stale_kept``; missing files raise
    :class:`StaticAssetsError` (an ``OSError``) naming them and the build step that prepares them.
    Raises ``ModuleNotFoundError`` if XStatic-Leaflet or XStatic-Font-Awesome is not installed.
    """
    root = Path(static_dir) if static_dir is not None else STATIC_DIR
    root = root.resolve()
    with _lock:
        if root in _done and not force:
            return []
        copied: list[Path] = []
        missing: list[Path] = []
        error: OSError | None = None
        for src, rel in _files():
            dst = root / VENDOR / rel
            if force or not _up_to_date(src, dst):
                try:
                    _copy_atomic(src, dst)
                except OSError as exc:
                    if not _write_refused(exc):
                        raise
                    error = exc
                    if dst.is_file():
                        _stale_kept.append(dst)
                    else:
                        missing.append(rel)
                    continue
                copied.append(dst)
        if missing:
            names = ", ".join(str(m) for m in missing)
            raise StaticAssetsError(
                f"{root / VENDOR} cannot be written ({error.strerror if error else 'read-only'}) and lacks "
                f"{len(missing)} file(s): {names}. Prepare them where the folder is writable, e.g. at image "
                f"build time: {PREPARE_COMMAND}"
            )
        _done.add(root)
        return copied


def _write_refused(exc: OSError) -> bool:
    """True for the errors of a folder that may not be written (read-only filesystem, permissions)."""
    import errno

    return isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)


def static_urls(base_url: str = STATIC_URL) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(default_js, default_css)`` pointing at the copies under ``/app/static/vendor``."""
    base = base_url.rstrip("/") + "/" + VENDOR
    js = [("leaflet", f"{base}/{LEAFLET_DIR}/leaflet.js")]
    css = [
        ("leaflet_css", f"{base}/{LEAFLET_DIR}/leaflet.css"),
        ("fontawesome_css", f"{base}/{FONTAWESOME_DIR}/css/fontawesome.min.css"),
        ("fontawesome_solid_css", f"{base}/{FONTAWESOME_DIR}/css/solid.min.css"),
    ]
    return js, css


def _data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@lru_cache(maxsize=1)
def _fa_codepoints() -> dict[str, str]:
    """Icon name -> glyph codepoint (hex) from ``fontawesome.min.css`` (``.fa-x:before{content:"\\f0e8"}``)."""
    css = (_fontawesome_base() / "css" / "fontawesome.min.css").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for selectors, code in re.findall(r"((?:\.fa-[a-z0-9-]+:before,?)+)\{content:\"\\([0-9a-f]+)\"\}", css):
        for name in re.findall(r"\.fa-([a-z0-9-]+):before", selectors):
            out.setdefault(name, code)
    return out


def icon_codepoint(name: str) -> str | None:
    """The hex codepoint of the Font Awesome 6 icon ``name`` (``"droplet"`` -> ``"f043"``), or None."""
    return _fa_codepoints().get(name)


@lru_cache(maxsize=32)
def _subset_font(codepoints: tuple[str, ...]) -> bytes:
    """The solid font reduced to ``codepoints`` (a few kB instead of 150 kB), as TrueType."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # Keep the font's own modification date: the same glyphs give the same bytes (static edition).
    font = TTFont(_fontawesome_base() / "webfonts" / "fa-solid-900.ttf", recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]  # keep the copyright and licence names
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[int(c, 16) for c in codepoints])
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def inline_icon_css(icons: Iterable[str]) -> str:
    """Self-contained CSS for ``<i class="fa-solid fa-NAME">``: a subset font as a ``data:`` URL and
    one rule per icon. Unknown icon names are left out."""
    names = sorted({n for n in icons if icon_codepoint(n)})
    codes = tuple(sorted({icon_codepoint(n) for n in names}))  # type: ignore[misc]
    rules = [
        "/* Font Awesome Free 6.2.1 subset, https://fontawesome.com/license/free "
        "(Icons: CC BY 4.0, Fonts: SIL OFL 1.1, Code: MIT) */",
        f'@font-face{{font-family:"{FA_FAMILY}";font-style:normal;font-weight:900;font-display:block;'
        f'src:url({_data_url("font/ttf", _subset_font(codes))}) format("truetype")}}',
        f'.fa-solid{{font-family:"{FA_FAMILY}";font-weight:900;font-style:normal;font-variant:normal;'
        "display:inline-block;line-height:1;text-rendering:auto;-webkit-font-smoothing:antialiased}",
    ]
    rules += [f'.fa-{n}:before{{content:"\\{icon_codepoint(n)}"}}' for n in names]
    return "\n".join(rules)


@lru_cache(maxsize=1)
def _leaflet_inline() -> tuple[str, str]:
    base = _leaflet_base()
    js = _data_url("text/javascript", (base / "leaflet.js").read_bytes())
    # The stylesheet's url(images/...) would point nowhere once inlined; only the default marker
    # icon and the layers control use them, and this map uses neither.
    css_text = (base / "leaflet.css").read_text(encoding="utf-8")
    css_text = re.sub(r"url\((?!data:)[^)]*\)", "none", css_text)
    return js, _data_url("text/css", css_text.encode("utf-8"))


def map_assets(
    mode: str = "static", icons: Iterable[str] = (), base_url: str = STATIC_URL
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(default_js, default_css)`` for a map.

    ``mode="static"``: URLs under ``base_url`` (call :func:`ensure_static_assets` at app start).
    ``mode="inline"``: ``data:`` URLs (Leaflet, and a font subset with the glyphs of ``icons``), for a
    standalone HTML file that works from disk without any network.
    """
    if mode == "static":
        return static_urls(base_url)
    if mode == "inline":
        js, css = _leaflet_inline()
        icon_css = _data_url("text/css", inline_icon_css(icons).encode("utf-8"))
        return [("leaflet", js)], [("leaflet_css", css), ("fontawesome_css", icon_css)]
    raise ValueError(f"asset mode must be 'static' or 'inline', not {mode!r}")


def main(argv: list[str] | None = None) -> int:
    """``python -m atlas.assets [--static-dir DIR] [--check]``: prepare (or check) the map's files.

    A build step (the Dockerfile runs it) so that the app never writes at run time.
    """
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m atlas.assets",
        description="Copy Leaflet and the Font Awesome solid font from their installed packages into "
        "static/vendor, where Streamlit serves them. Run it at build time for a read-only filesystem.",
    )
    parser.add_argument("--static-dir", type=Path, default=STATIC_DIR, help="default: %(default)s")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is missing or stale")
    args = parser.parse_args(argv)
    root = args.static_dir.resolve()
    if args.check:
        bad = [rel for src, rel in _files() if not _up_to_date(src, root / VENDOR / rel)]
        for rel in bad:
            print(f"missing or stale: {root / VENDOR / rel}")
        print(f"{len(_files()) - len(bad)} of {len(_files())} files up to date in {root / VENDOR}")
        return 1 if bad else 0
    try:
        copied = ensure_static_assets(root)
    except StaticAssetsError as exc:
        print(f"error: {exc}")
        return 1
    for path in copied:
        print(f"copied {path}")
    for path in _stale_kept:
        print(f"warning: kept an outdated copy (folder not writable): {path}")
    print(f"{len(_files())} files ready in {root / VENDOR} ({len(copied)} copied)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
