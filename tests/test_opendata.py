"""The static edition's open data: the data package in ``data/``, the schema.org ``Dataset`` of the
landing and map pages, the DCAT catalogue a CKAN portal harvests, and a JSON Schema per API file.

Uses the edition that ``tests/test_publish.py`` builds with ``python -m atlas publish``.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import frictionless
import jsonschema
import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF

from atlas import api_schema, datapackage, exports, feed, load, opendata, publish
from atlas.i18n import LANGS
from tests.conftest import DATA, REPO, set_cell
from tests.test_publish import edition, local_target  # noqa: F401  (the session's edition)

LD_OPEN = '<script type="application/ld+json">'


def jsonld_blocks(html: str) -> list[dict]:
    """Every JSON-LD block of a page, each parsed from its text up to the first ``</script>``."""
    out, at = [], html.find(LD_OPEN)
    while at >= 0:
        start = at + len(LD_OPEN)
        out.append(json.loads(html[start:html.index("</script>", start)]))
        at = html.find(LD_OPEN, start)
    return out


PAGES = [("index.html", None), *((f"{lang}/index.html", lang) for lang in LANGS)]


@pytest.mark.parametrize(("page", "lang"), PAGES, ids=[p for p, _ in PAGES])
def test_landing_and_language_pages_describe_the_dataset(edition: Path, ds, page: str, lang: str | None):  # noqa: F811
    path = edition / page
    (dataset,) = jsonld_blocks(path.read_text(encoding="utf-8"))
    assert dataset["@context"] == "https://schema.org" and dataset["@type"] == "Dataset"
    assert dataset["name"] and len(dataset["description"]) >= 50
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["creator"]["name"] and dataset["version"] == ds.version
    day = feed.data_date(ds).isoformat()
    assert dataset["dateModified"] == day
    start, end = dataset["temporalCoverage"].split("/")
    assert start <= end == day
    south, west, north, east = map(float, dataset["spatialCoverage"]["geo"]["box"].split())
    assert 20 < south < north < 36.5 and -18 < west < east < 0  # Morocco, southern regions included
    targets = {}
    for d in dataset["distribution"]:
        assert d["@type"] == "DataDownload" and d["name"] and d["encodingFormat"]
        target = local_target(path, d["contentUrl"])
        assert target is not None and target.is_file(), f"{page}: {d['contentUrl']} is not a file of the edition"
        targets[target.relative_to(edition.resolve()).as_posix()] = d
    assert {"data/jazari-atlas-data.zip", "data/datapackage.json"} <= set(targets)
    assert {f"data/{p.name}" for p in DATA.glob("*.csv")} <= set(targets)
    assert {f"api/{name}" for name in feed.api_documents(ds)} <= set(targets)
    langs = {p.split("/")[0] for p in targets if p.split("/")[0] in LANGS}
    assert langs == ({lang} if lang else set(LANGS))  # a language's page lists its own downloads
    for lg in langs:  # every download of the language: the country and each region, in every format
        downloads = {p for p in targets if p.startswith(f"{lg}/downloads/")}
        assert downloads == {p.relative_to(edition).as_posix() for p in (edition / lg / "downloads").iterdir()}
        assert len(downloads) == (1 + len(ds.regions)) * len(exports.EDITION_FORMATS)
        assert targets[f"{lg}/changes.xml"]["encodingFormat"] == "application/atom+xml"


def test_dataset_json_ld_cannot_close_its_script(data_copy: Path):
    """Data text in the JSON-LD (here a census publisher) is escaped for a ``<script>`` element: it
    cannot end the block early, and reads back as the same text."""
    evil = "HCP </script><script>alert(1)</script> {{ 7*7 }}"
    set_cell(data_copy / "figures.csv", "key", "population", "source_publisher", evil)
    edition_ = publish.Edition(load(data_copy))
    for html in (edition_.redirect_page().decode("utf-8"), edition_.map_page("ar").decode("utf-8")):
        (dataset,) = jsonld_blocks(html)
        assert evil in {w["name"] for w in dataset["isBasedOn"]}
        block = html[html.index(LD_OPEN):]
        assert "<script>alert" not in block[:block.index("</script>")]


def test_dcat_catalogue_reads_as_rdf_and_every_download_exists(edition: Path, ds):  # noqa: F811
    path = edition / opendata.CATALOG
    g = rdflib.Graph()
    g.parse(path, format="json-ld", publicID=path.resolve().as_uri())  # as a harvester reads it from its URL
    (catalog,) = g.subjects(RDF.type, DCAT.Catalog)
    (dataset,) = g.objects(catalog, DCAT.dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in g
    assert {title.language for title in g.objects(dataset, DCTERMS.title)} == set(LANGS)
    assert str(g.value(dataset, OWL.versionInfo)) == ds.version
    assert str(g.value(dataset, DCTERMS.modified)) == feed.data_date(ds).isoformat()
    assert str(g.value(dataset, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    period = g.value(dataset, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) is not None and g.value(period, DCAT.endDate) is not None
    found = set()
    for dist in g.objects(dataset, DCAT.distribution):
        assert (dist, RDF.type, DCAT.Distribution) in g and g.value(dist, DCAT.mediaType) is not None
        url = urlsplit(str(g.value(dist, DCAT.downloadURL)))
        target = Path(unquote(url.path))
        assert url.scheme == "file" and target.is_file(), f"{url.geturl()} is not a file of the edition"
        found.add(target.relative_to(edition.resolve()).as_posix())
    data_files = {f"data/{p.name}" for p in (edition / "data").iterdir()}
    assert data_files | {f"api/{name}" for name in feed.api_documents(ds)} <= found


def test_the_data_package_of_the_edition_is_the_data_and_validates(edition: Path, ds):  # noqa: F811
    folder = edition / opendata.DATA_FOLDER
    assert (folder / "datapackage.json").read_bytes() == datapackage.package_bytes(ds)
    for path in [*DATA.glob("*.csv"), DATA / "regions.geojson"]:
        assert (folder / path.name).read_bytes() == path.read_bytes(), path.name
    with zipfile.ZipFile(folder / datapackage.ZIP_NAME) as zf:
        inside = {name.removeprefix("jazari-atlas-data/"): zf.read(name) for name in zf.namelist()}
    assert inside == {p.name: p.read_bytes() for p in folder.iterdir() if p.name != datapackage.ZIP_NAME}
    assert frictionless.validate(str(folder / "datapackage.json")).valid


def _validator(name: str, edition_dir: Path) -> jsonschema.Draft202012Validator:
    schema_doc = json.loads((edition_dir / "api" / "schema" / api_schema.schema_name(name)).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema_doc)
    return jsonschema.Draft202012Validator(schema_doc, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_every_api_file_fits_its_schema(edition: Path):  # noqa: F811
    api_files = sorted((edition / "api").glob("*.json"))
    assert len(api_files) >= 3
    docs = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    for path in api_files:
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}"
                  for e in _validator(path.name, edition).iter_errors(json.loads(path.read_text(encoding="utf-8")))]
        assert errors == [], path.name
        assert f"api/schema/{api_schema.schema_name(path.name)}" in docs, f"docs/api.md: no {path.name} schema"


@pytest.mark.parametrize(("name", "key", "change"), [
    ("institutes.json", "institutes", lambda r: r.update(status="rumoured")),
    ("institutes.json", "institutes", lambda r: r.update(focus_areas="energy")),
    ("institutes.json", "institutes", lambda r: r.pop("source_ids")),
    ("regions.json", "regions", lambda r: r["figures"].update(population="1000")),
    ("regions.json", "regions", lambda r: r.update(code="13")),
    ("sources.json", "sources", lambda r: r.update(fields=["colour"])),
    ("sources.json", "sources", lambda r: r.update(extra=1)),
])
def test_the_api_schemas_refuse_a_broken_record(edition: Path, name, key, change):  # noqa: F811
    doc = json.loads((edition / "api" / name).read_text(encoding="utf-8"))
    change(doc[key][0])
    assert list(_validator(name, edition).iter_errors(doc))
