"""The app's pages, in one table: ``app.py`` builds its navigation from it, and the tests render
every page through it.

A page is a file of ``pages/`` (path relative to the repository root, as ``st.Page`` and
``AppTest.switch_page`` take it), its title's key in the translation catalogue, its Material icon
and its URL path (``""`` for the home page).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    path: str
    title_key: str
    icon: str
    url_path: str


PAGES: tuple[Page, ...] = (
    Page("pages/map.py", "nav.map", ":material/map:", ""),
    Page("pages/regions.py", "nav.regions", ":material/table_chart:", "regions"),
    Page("pages/export.py", "nav.export", ":material/download:", "export"),
    Page("pages/methods.py", "nav.methods", ":material/menu_book:", "methods"),
)
"""The first page is the home page (the map)."""

HOME = PAGES[0]


def page(url_path: str) -> Page:
    """The page served at ``url_path``."""
    return next(p for p in PAGES if p.url_path == url_path)
