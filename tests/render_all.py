"""Render every page (AppTest), build every export and every page, feed and API file of the static
edition of a data directory: the shared check of the property test and of the broken-dataset
reproductions. Raises ``AssertionError`` naming what failed."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from streamlit.testing.v1 import AppTest

from atlas import exports, feed, load, publish, tables
from atlas.i18n import LANGS
from atlas.view import View
from ui import navigation

REPO = Path(__file__).resolve().parent.parent
PAGES = tuple(p.path for p in navigation.PAGES)


def render_pages(data_dir: Path, lang: str, sel: str | None = None) -> list[AppTest]:
    """Every page of the app in ``lang`` (with region ``sel`` selected), and the export page's PDF."""
    old = os.environ.get("ATLAS_DATA_DIR")
    os.environ["ATLAS_DATA_DIR"] = str(data_dir)
    try:
        out = []
        for page in PAGES:
            at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
            at.query_params["lang"] = lang
            if sel:
                at.query_params["sel"] = sel
            at.run()
            if page != navigation.HOME.path:
                at.switch_page(page)
                at.run()
            assert not at.exception, (page, lang, [e.value for e in at.exception])
            assert not at.error, (page, lang, [e.value for e in at.error])
            if page == "pages/export.py":
                at.button(key="export_pdf_prepare").click().run()
                assert not at.exception, (page, lang, "pdf", [e.value for e in at.exception])
                assert not at.error, (page, lang, "pdf", [e.value for e in at.error])
            out.append(at)
        return out
    finally:
        if old is None:
            os.environ.pop("ATLAS_DATA_DIR", None)
        else:
            os.environ["ATLAS_DATA_DIR"] = old


def build_exports(data_dir: Path, lang: str, code: str | None = None) -> dict[str, bytes]:
    """Every export format (and every CSV table) of the whole country and of region ``code``."""
    ds = load(data_dir)
    files: dict[str, bytes] = {}
    for view_code in (None, code) if code else (None,):
        view = View(lang=lang, regions=(view_code,) if view_code else ())
        for fmt in exports.FORMATS:
            names = tables.TABLES if fmt == "csv" else ("regions",)
            for table in names:
                name = f"{fmt}:{table}:{view_code}"
                try:
                    files[name] = exports.export_bytes(fmt, ds, view, code=view_code, table=table)
                except Exception as exc:  # noqa: BLE001 - reported with the export that failed
                    raise AssertionError(f"{name} ({lang}): {type(exc).__name__}: {exc}") from exc
                assert files[name], name
    return files


def build_edition(data_dir: Path, lang: str, code: str | None = None) -> dict[str, bytes]:
    """The pages of the static edition in ``lang`` (the map, the country, region ``code``, the
    downloads and the changes), every Atom feed (parsed as XML) and the JSON API (parsed)."""
    ds = load(data_dir)
    edition = publish.Edition(ds)
    makers = {
        "index.html": lambda: edition.map_page(lang), "maroc.html": lambda: edition.country_page(lang),
        "downloads.html": lambda: edition.downloads_page(lang), "changes.html": lambda: edition.changes_page(lang),
        "redirect.html": edition.redirect_page,
    }
    if code:
        makers[f"region-{code}.html"] = lambda: edition.region_page(lang, code)
    makers.update({f"{lg}/changes.xml": lambda lg=lg: feed.atom_feed(ds, lg, "") for lg in LANGS})
    try:
        api = feed.api_documents(ds)
    except Exception as exc:  # noqa: BLE001 - reported with the files that failed
        raise AssertionError(f"edition api/ ({lang}): {type(exc).__name__}: {exc}") from exc
    makers.update({f"api/{name}": lambda doc=doc: doc for name, doc in api.items()})
    files: dict[str, bytes] = {}
    for name, make in makers.items():
        try:
            files[name] = make()
            if name.endswith(".xml"):
                ET.fromstring(files[name])
            elif name.endswith(".json"):
                json.loads(files[name])
        except Exception as exc:  # noqa: BLE001 - reported with the file that failed
            raise AssertionError(f"edition {name} ({lang}): {type(exc).__name__}: {exc}") from exc
    return files
