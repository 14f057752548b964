"""Download buttons of the current filtered view, shown beside a table (the formats of
:data:`atlas.exports.REGISTRY` marked ``beside_map``).

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
    """The regional summary of ``ctx.view`` in ``ctx.lang``, in each format of the registry marked
    ``beside_map`` (a CSV in a zip with its metadata), side by side: every file carries the data
    version, date and filters.

    ``menu``: the buttons in a popover behind one "Download this view" button (the browser draws a
    popover's content only once it is opened, so a first visit does not load the download buttons'
    code before the map)."""
    ds, view, lang = ctx.ds, ctx.view, ctx.lang
    base = app_base_url()
    formats = [f for f in exports.REGISTRY.values() if f.beside_map]
    if menu:
        box = st.popover(t("export.dl.title", lang), icon=":material/download:", key=f"{key_prefix}_downloads")
        columns = [box] * len(formats)
    else:
        st.caption(t("export.dl.title", lang))
        columns = st.columns(len(formats))
    for column, spec in zip(columns, formats, strict=True):
        fmt, bundle = spec.key, spec.tables
        column.download_button(
            t(f"export.dl.{fmt}", lang),
            data=deferred(fmt, ds, view, base_url=base, bundle=bundle),
            file_name=exports.filename("summary", view, None, fmt, ds=ds, bundle=bundle),
            mime=exports.mime(fmt, bundle),
            key=f"{key_prefix}_dl_{fmt}",
            help=t(spec.help_key, lang),
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )
