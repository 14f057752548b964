"""Download buttons (CSV, Excel, JSON) of the current filtered view, shown beside a table.

The files are built only when a button is clicked (``data`` is a callable), so the page stays fast;
the builders live in :mod:`atlas.exports`, shared with the export page and the command line.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from atlas import exports
from atlas.i18n import t


def app_base_url() -> str | None:
    """The address the app is served from (``scheme://host/``), for the "link to this view" in the files."""
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode)
        return None
    if not url:
        return None
    parts = urlsplit(str(url))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/"


def deferred(fmt: str, ds: Any, view: Any, *, code: str | None = None, table: str = "regions",
             base_url: str | None = None, bundle: bool = False):
    """A zero-argument builder of one export, for ``st.download_button(data=...)`` (``bundle``: a CSV
    in a zip with its metadata, see :func:`atlas.exports.to_csv_bundle`)."""

    def build() -> bytes:
        return exports.export_bytes(fmt, ds, view, code=code, table=table, base_url=base_url, bundle=bundle)

    return build


def render_downloads(ctx: Any, key_prefix: str, *, menu: bool = False) -> None:
    """CSV (regional summary, in a zip with its metadata), Excel and JSON of ``ctx.view``, in
    ``ctx.lang``, side by side: every file carries the data version, date and filters.

    ``menu``: the three buttons in a popover behind one "Download this view" button (the map page:
    the browser draws a popover's content only once it is opened, so a first visit does not load
    the download buttons' code before the map; docs/performance.md)."""
    ds, view, lang = ctx.ds, ctx.view, ctx.lang
    base = app_base_url()
    if menu:
        box = st.popover(t("export.dl.title", lang), icon=":material/download:", key=f"{key_prefix}_downloads")
        columns = [box, box, box]
    else:
        st.caption(t("export.dl.title", lang))
        columns = st.columns(3)
    for column, fmt in zip(columns, ("csv", "xlsx", "json"), strict=True):
        bundle = fmt == "csv"
        column.download_button(
            t(f"export.dl.{fmt}", lang),
            data=deferred(fmt, ds, view, base_url=base, bundle=bundle),
            file_name=exports.filename("summary", view, None, fmt, ds=ds, bundle=bundle),
            mime=exports.mime(fmt, bundle),
            key=f"{key_prefix}_dl_{fmt}",
            help=t(f"export.help.{fmt}", lang),
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )
