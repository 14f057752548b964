"""What users take away, as files: the regional summary and its tables (:mod:`atlas.tables`) in CSV,
Excel, JSON and GeoJSON, the briefs (:mod:`atlas.brief`), and the standalone HTML map. The app
(``pages/export.py``, ``ui/downloads.py``) and the command line (``python -m atlas export``) both
call this module, so a file is the same wherever it was made.

Every table follows the :class:`~atlas.view.View`: its language (headers and value labels) and its
filters (see :mod:`atlas.tables`).

Safety: every text cell of a CSV or Excel file passes :func:`atlas.text.neutralise_formula`, numbers
stay numbers, and nothing here touches the network.
"""

from __future__ import annotations

import io
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from atlas import brief, brief_pdf, province_exports
from atlas.census import REGION_NAMES_EN
from atlas.i18n import direction, t
from atlas.mapview import build_map
from atlas.mapview.safe import RawHTML
from atlas.tables import TABLES, metadata, metadata_rows, summary_table, table_data, utc_now
from atlas.text import h, neutralise_formula
from atlas.view import View

if TYPE_CHECKING:
    from atlas.dataset import Dataset

APP_SLUG = "jazari-atlas"
CSV_DIALECTS = {"csv": {"sep": ",", "decimal": "."}, "csv-fr": {"sep": ";", "decimal": ","}}
BUNDLE_METADATA = "metadata.json"
BUNDLE_README = "README.txt"
ZIP_MIME = "application/zip"


# --- File names ------------------------------------------------------------------------------


def slug(text: str) -> str:
    """An ASCII file-name part: ``Guelmim-Oued Noun`` -> ``guelmim-oued-noun``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def filename(kind: str, view: View, code: str | None = None, ext: str = "csv", *,
             ds: Dataset | None = None, now: datetime | None = None, bundle: bool = False) -> str:
    """``jazari-atlas[_KIND]_REGION_DATE.EXT``: ``jazari-atlas_10-guelmim-oued-noun_2026-11-29.xlsx``.

    ``kind`` ``summary`` (the default table) is left out of the name; others (``institutes``,
    ``sources``, ``accountability``, ``brief``, ``map``) are kept. The region is ``code``, else the
    view's single region filter, else ``maroc`` (several regions: their codes). The date is today's,
    UTC. ``ext`` is an extension or a format: ``csv-fr`` adds ``excel-fr`` to the name and ends in
    ``.csv``; ``bundle`` (a CSV with its metadata) ends in ``.zip``.
    """
    codes = [code] if code else list(view.regions)
    if len(codes) == 1:
        c = codes[0]
        name = ""
        if ds is not None and c in ds.regions.index:
            name = str(ds.regions.at[c, "name_fr"])
        else:
            name = REGION_NAMES_EN.get(c, "")
        where = f"{slug(c)}-{slug(name)}" if name else slug(c)
    elif codes:
        where = "regions-" + "-".join(slug(c) for c in codes)
    else:
        where = "maroc"
    fmt = ext.lstrip(".")
    parts = [APP_SLUG]
    if kind not in ("summary", "regions", ""):
        parts.append(slug(kind))
    if fmt == "csv-fr":
        parts.append("excel-fr")
    parts += [where, utc_now(now).date().isoformat()]
    return "_".join(parts) + "." + ("zip" if bundle else (REGISTRY[fmt].extension if fmt in REGISTRY else fmt))


# --- Formats ---------------------------------------------------------------------------------


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell (and header) neutralised against spreadsheet formulas."""
    out = frame.copy()
    out.columns = [neutralise_formula(str(c)) for c in frame.columns]
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = [neutralise_formula(v) if isinstance(v, str) else v for v in out[col]]
    return out


def to_csv(ds: Dataset, view: View, table: str = "regions", fmt: str = "csv") -> bytes:
    """One table of :data:`atlas.tables.TABLES` (``regions``: the regional summary) as a bare CSV: the
    header row then the data, nothing else, so spreadsheets and scripts read it as is. UTF-8 with a
    byte-order mark (Excel reads Arabic correctly), CRLF line ends. ``fmt`` ``csv`` is comma-separated
    with a decimal point; ``csv-fr`` is what French-locale Excel opens in columns: ``;``-separated with
    a decimal comma. Every text cell passes :func:`atlas.text.neutralise_formula`.

    The data version, date and filters travel beside the table: see :func:`to_csv_bundle`."""
    if fmt not in CSV_DIALECTS:
        raise ValueError(f"unknown CSV format {fmt!r}; expected one of {', '.join(CSV_FORMATS)}")
    dialect = CSV_DIALECTS[fmt]
    frame = safe_frame(table_data(ds, view, table).frame())
    return frame.to_csv(index=False, lineterminator="\r\n", sep=dialect["sep"], decimal=dialect["decimal"]).encode(
        "utf-8-sig"
    )


def bundle_readme(ds: Dataset, view: View, meta: dict[str, Any], csv_name: str, fmt: str) -> str:
    """``README.txt`` of a CSV bundle, in ``view.lang``: what the CSV is and how it is written, then
    the metadata lines (data version, export date, filters, link, credits)."""
    lang = view.lang
    lines = [meta["title"], "", t(f"export.bundle.csv_{'fr' if fmt == 'csv-fr' else 'std'}", lang, file=csv_name), ""]
    lines += [f"{label}: {value}" for label, value in metadata_rows(meta, lang)]
    return "\r\n".join(lines) + "\r\n"


def to_csv_bundle(ds: Dataset, view: View, table: str = "regions", fmt: str = "csv", base_url: str | None = None,
                  now: datetime | None = None) -> bytes:
    """A zip holding one table as a bare CSV (:func:`to_csv`) and what it was made from:
    ``metadata.json`` (:func:`metadata`, the table's ``fields`` and the CSV's separator, decimal mark
    and encoding) and ``README.txt`` (the same in words, in the view's language). This is how a CSV
    carries the data version, date and filters while the CSV itself stays a plain table."""
    stamp = utc_now(now)
    kind = "summary" if table == "regions" else table
    csv_name = filename(kind, view, None, fmt, ds=ds, now=stamp)
    meta = metadata(ds, view, base_url, stamp)
    dialect = CSV_DIALECTS[fmt]
    doc = {
        "metadata": meta,
        "table": table,
        "csv": {"file": csv_name, "format": fmt, "separator": dialect["sep"], "decimal": dialect["decimal"],
                "encoding": "utf-8-sig", "line_end": "CRLF"},
        "fields": table_data(ds, view, table).fields(),
    }
    buf = io.BytesIO()
    date_time = stamp.timetuple()[:6]
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in (
            (csv_name, to_csv(ds, view, table, fmt)),
            (BUNDLE_METADATA, json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")),
            (BUNDLE_README, bundle_readme(ds, view, meta, csv_name, fmt).encode("utf-8-sig")),
        ):
            zf.writestr(zipfile.ZipInfo(name, date_time=date_time), data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def to_json(ds: Dataset, view: View, base_url: str | None = None, now: datetime | None = None) -> bytes:
    """``{"metadata", "fields"}`` and one key per table of :data:`atlas.tables.TABLES` (``regions`` …
    ``caveats``): records by stable key (the ``fields`` give each key's label in the view's language),
    UTF-8, Arabic kept as is."""
    tables = [table_data(ds, view, name) for name in TABLES]
    doc = {
        "metadata": metadata(ds, view, base_url, now),
        "fields": {tb.name: tb.fields() for tb in tables},
        **{tb.name: tb.records() for tb in tables},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")


def to_geojson(ds: Dataset, view: View, base_url: str | None = None, now: datetime | None = None) -> bytes:
    """The regions the view keeps as a GeoJSON FeatureCollection, each with its summary row as
    properties (stable keys; labels in the ``fields`` member, with ``metadata``)."""
    table = summary_table(ds, view)
    by_code = {row["code"]: rec for row, rec in zip(table.rows, table.records(), strict=True)}
    features = []
    for feature in ds.geojson.get("features", []):
        code = str(feature.get("properties", {}).get("code", ""))
        if code in by_code:
            features.append({"type": "Feature", "properties": by_code[code], "geometry": feature["geometry"]})
    features.sort(key=lambda f: f["properties"]["code"])
    doc = {
        "type": "FeatureCollection",
        "metadata": metadata(ds, view, base_url, now),
        "fields": table.fields(),
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


_EXCEL_FORMATS = {"int": "#,##0", "float1": "0.0", "float2": "0.00", "coord": "0.0000"}
_MAX_WIDTH = 60
_MIN_WIDTH = 8


def _width(values: Iterable[Any]) -> float:
    longest = 0
    for v in values:
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            continue
        text = f"{v:,.2f}" if isinstance(v, float) else str(v)
        longest = max(longest, len(text))
    return float(min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2)))


def to_xlsx(ds: Dataset, view: View, base_url: str | None = None, now: datetime | None = None) -> bytes:
    """An Excel workbook: a sheet per table of :data:`atlas.tables.TABLES` (regions, institutes, sources,
    the accountability scorecard, provinces, within reach, the commentary's caveats) and "about"
    (metadata and credits), each with a bold frozen header row, readable column widths and number
    formats; right-to-left sheets in Arabic. Text cells are written as text, never as formulas."""
    import xlsxwriter

    lang = view.lang
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    header_fmt = wb.add_format({"bold": True, "bg_color": "#E8EEF4", "text_wrap": True, "valign": "top",
                                "border": 1})
    text_fmt = wb.add_format({"valign": "top", "text_wrap": True})
    num_fmts = {k: wb.add_format({"num_format": v, "valign": "top"}) for k, v in _EXCEL_FORMATS.items()}
    stamp = utc_now(now)
    wb.set_properties({"title": t("export.meta.title", lang), "comments": f"dataset {ds.version}",
                       "created": stamp.replace(tzinfo=None)})

    for name in TABLES:
        table = table_data(ds, view, name)
        ws = wb.add_worksheet(_sheet_name(t(f"export.sheet.{name}", lang)))
        if lang == "ar":
            ws.right_to_left()
        for col, (hdr, kind, key) in enumerate(zip(table.headers, table.kinds, table.keys, strict=True)):
            ws.write_string(0, col, str(neutralise_formula(hdr)), header_fmt)
            values = [row.get(key) for row in table.rows]
            width = max(_width(values), min(_width([hdr]), 24.0))
            ws.set_column(col, col, width, text_fmt if kind in ("text", "url") else num_fmts[kind])
            for r, value in enumerate(values, start=1):
                _write_cell(ws, r, col, value, kind, text_fmt, num_fmts)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 30)
        if table.rows:
            ws.autofilter(0, 0, len(table.rows), len(table.keys) - 1)

    ws = wb.add_worksheet(_sheet_name(t("export.sheet.about", lang)))
    if lang == "ar":
        ws.right_to_left()
    ws.write_string(0, 0, str(neutralise_formula(t("export.meta.field", lang))), header_fmt)
    ws.write_string(0, 1, str(neutralise_formula(t("export.meta.value", lang))), header_fmt)
    rows = metadata_rows(metadata(ds, view, base_url, now), lang)
    for r, (label, value) in enumerate(rows, start=1):
        ws.write_string(r, 0, str(neutralise_formula(label)), text_fmt)
        ws.write_string(r, 1, str(neutralise_formula(value)), text_fmt)
    ws.set_column(0, 0, _width(label for label, _ in rows))
    ws.set_column(1, 1, 100)
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\']", " ", name).strip()[:31] or "sheet"


def _write_cell(ws: Any, row: int, col: int, value: Any, kind: str, text_fmt: Any, num_fmts: dict[str, Any]) -> None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        ws.write_blank(row, col, None)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, value, num_fmts.get(kind, num_fmts["float2"]))
    else:
        ws.write_string(row, col, str(neutralise_formula(str(value))), text_fmt)


def to_provinces_geojson(ds: Dataset, view: View, base_url: str | None = None, now: datetime | None = None) -> bytes:
    """The view's provinces (the selected region's, else the region filter's) as GeoJSON, each with its
    province table row as properties (:func:`atlas.province_exports.provinces_geojson`)."""
    return province_exports.provinces_geojson(ds, view, metadata(ds, view, base_url, now))


# --- Standalone HTML map ---------------------------------------------------------------------


def to_standalone_html(ds: Dataset, view: View, base_url: str | None = None, now: datetime | None = None) -> bytes:
    """The map of the view as one HTML file: Leaflet, styles and data inlined by
    ``build_map(..., asset_mode="inline")``, no base-map tiles, so it opens from disk with no server
    and no internet. A caption carries the title, data version, export time and credits: escaped
    text in :class:`~atlas.mapview.safe.RawHTML`, never template source (the search text and the
    base URL come from the user)."""
    lang = view.lang
    fmap = build_map(ds, view, tiles=None, asset_mode="inline")
    meta = metadata(ds, view, base_url, now)
    root = fmap.get_root()
    credits_text = " · ".join(f"{c['what']}: {c['by']} ({c['licence']})" for c in meta["credits"])
    root.header.add_child(RawHTML(f"<title>{h(meta['title'])}</title>"))
    caption = (
        f'<details id="atlas-export-caption" dir="{direction(lang)}" lang="{h(lang)}" style="position:fixed;top:10px;'
        'left:56px;max-width:min(560px,calc(100vw - 120px));z-index:1000;background:rgba(255,255,255,.95);'
        'font:12px/1.4 system-ui,sans-serif;padding:5px 9px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.3);'
        'max-height:70vh;overflow:auto">'
        f"<summary style=\"cursor:pointer\"><strong>{h(meta['title'])}</strong></summary>"
        f"<div>{h(t('export.meta.version', lang))}: {h(meta['dataset_version'])}</div>"
        f"<div>{h(t('export.meta.exported_at', lang))}: {h(meta['exported_at'])}</div>"
        f"<div>{h(t('export.meta.filters', lang))}: {h(meta['filters_text'])}</div>"
        f"<div>{h(t('export.meta.view_url', lang))}: {h(meta['view_url'])}</div>"
        f"<p style=\"margin:4px 0\">{h(credits_text)}</p>"
        f"<p style=\"margin:4px 0;color:#555\">{h(meta['note'])}</p></details>"
    )
    root.html.add_child(RawHTML(caption))
    return root.render().encode("utf-8")


# --- The registry of formats: one entry per format, read by every caller ------------------------


def _make_csv(fmt: str) -> Maker:
    def make(ds: Dataset, view: View, *, table: str, now: datetime | None, **_: Any) -> bytes:
        return to_csv(ds, view, table, fmt)

    return make


def _summary(maker: Callable[..., bytes]) -> Maker:
    def make(ds: Dataset, view: View, *, base_url: str | None, now: datetime | None, **_: Any) -> bytes:
        return maker(ds, view, base_url, now)

    return make


def _brief(maker: Callable[..., bytes]) -> Maker:
    def make(ds: Dataset, view: View, *, code: str | None, base_url: str | None, now: datetime | None,
             **_: Any) -> bytes:
        return maker(ds, view, code, base_url=base_url, now=now)

    return make


Maker = Callable[..., bytes]
"""``make(ds, view, *, code, table, base_url, now) -> bytes``: one file of a format."""


@dataclass(frozen=True)
class Format:
    """One export format. Adding a format is one entry of :data:`REGISTRY` plus its maker; the export
    page, the map page's downloads, the command line and the static edition read the registry."""

    key: str
    extension: str
    mime: str
    kind: str
    """The file-name part of what the file holds (:func:`filename`): ``summary``, ``provinces``, ``brief``
    or ``map``."""
    make: Maker
    tables: bool = False
    """A CSV: one table of :data:`atlas.tables.TABLES` per file, also as a zip with its metadata."""
    brief: bool = False
    """Of one region (``code``) or of the whole country, not of the view's table."""
    in_edition: bool = False
    """Published for every region and the country in the static edition's downloads."""
    beside_map: bool = False
    """Offered in the map page's "Download this view" menu."""
    on_request: bool = False
    """Slow to make: the export page builds it when asked, then offers the file."""
    icon: str = ":material/download:"
    """The Material icon of the button that makes the file."""

    @property
    def label_key(self) -> str:
        """The translation key of the format's download button."""
        return f"export.btn.{self.key}"

    @property
    def help_key(self) -> str:
        """The translation key of the format's help text."""
        return f"export.help.{self.key.replace('-', '_')}"


REGISTRY: dict[str, Format] = {f.key: f for f in (
    Format("csv", "csv", "text/csv", "summary", _make_csv("csv"), tables=True, in_edition=True, beside_map=True),
    Format("csv-fr", "csv", "text/csv", "summary", _make_csv("csv-fr"), tables=True),
    Format("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "summary",
           _summary(to_xlsx), in_edition=True, beside_map=True),
    Format("json", "json", "application/json", "summary", _summary(to_json), in_edition=True, beside_map=True),
    Format("geojson", "geojson", "application/geo+json", "summary", _summary(to_geojson), in_edition=True),
    Format("geojson-provinces", "geojson", "application/geo+json", "provinces", _summary(to_provinces_geojson),
           in_edition=True),
    Format("md", "md", "text/markdown", "brief", _brief(brief.to_markdown_brief), brief=True, in_edition=True),
    Format("pdf", "pdf", "application/pdf", "brief", _brief(brief_pdf.to_pdf_brief), brief=True, in_edition=True,
           on_request=True, icon=":material/picture_as_pdf:"),
    Format("html", "html", "text/html", "map", _summary(to_standalone_html)),
)}
"""Every export format, by key, in the order the command line lists them."""

FORMATS: tuple[str, ...] = tuple(REGISTRY)
CSV_FORMATS: tuple[str, ...] = tuple(k for k, f in REGISTRY.items() if f.tables)
"""``csv``: comma-separated, decimal point; ``csv-fr``: what French-locale Excel opens in columns
(``;``-separated, decimal comma). Both UTF-8 with a byte-order mark, CRLF line ends."""
BRIEF_FORMATS: tuple[str, ...] = tuple(k for k, f in REGISTRY.items() if f.brief)
EDITION_FORMATS: tuple[str, ...] = tuple(k for k, f in REGISTRY.items() if f.in_edition)
MIME: dict[str, str] = {**{k: f.mime for k, f in REGISTRY.items()}, "zip": ZIP_MIME}


def export_bytes(fmt: str, ds: Dataset, view: View, code: str | None = None, table: str = "regions",
                 base_url: str | None = None, bundle: bool = False, now: datetime | None = None) -> bytes:
    """The file of format ``fmt`` (a key of :data:`REGISTRY`) for ``view``; ``code`` picks the region
    of a brief (``None`` for the whole country). For a CSV format, ``bundle`` gives the zip of
    :func:`to_csv_bundle` (the CSV with its metadata) instead of the bare CSV; ``now`` stamps the file
    (default: the current time)."""
    spec = REGISTRY.get(fmt)
    if spec is None:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if bundle:
        if not spec.tables:
            raise ValueError(f"only a CSV ({', '.join(CSV_FORMATS)}) comes as a zip bundle, not {fmt!r}")
        return to_csv_bundle(ds, view, table, fmt, base_url, now)
    return spec.make(ds, view, code=code, table=table, base_url=base_url, now=now)


def kind_of(fmt: str, table: str = "regions") -> str:
    """What the file-name says a file of ``fmt`` holds: a CSV its table (the regional summary is
    ``summary``), any other format its :attr:`Format.kind`."""
    spec = REGISTRY[fmt]
    if spec.tables and table != "regions":
        return table
    return spec.kind


def mime(fmt: str, bundle: bool = False) -> str:
    """The media type of an export (a zip for a CSV bundle)."""
    return ZIP_MIME if bundle else REGISTRY[fmt].mime
