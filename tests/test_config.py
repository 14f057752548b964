"""The one settings table (``atlas.config.SETTINGS``): the README shows it, and the code reads no
other environment variable of ours."""

from __future__ import annotations

import re

import pytest

from atlas import config
from tests.conftest import REPO


def test_the_readme_settings_table_is_the_settings_table():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert config.readme_table() in readme, "README's settings table differs: paste atlas.config.readme_table()"


def test_every_atlas_variable_the_code_names_is_in_the_table():
    names = {s.name for s in config.SETTINGS}
    found = set()
    for folder in ("atlas", "ui", "server", "pages"):
        for path in (REPO / folder).rglob("*.py"):
            found |= set(re.findall(r"\bATLAS_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    assert found <= names, f"not in atlas.config.SETTINGS: {sorted(found - names)}"


def test_only_config_reads_the_environment_for_our_settings():
    for folder in ("atlas", "ui", "server", "pages"):
        for path in (REPO / folder).rglob("*.py"):
            if path.name == "config.py" and path.parent.name == "atlas":
                continue
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"environ(\.get)?\(?\[?['\"]ATLAS_", text), f"{path} reads an ATLAS_ variable"


def test_an_unknown_setting_name_is_refused():
    with pytest.raises(KeyError):
        config._raw("ATLAS_NOPE")


@pytest.mark.parametrize(("value", "want"), [
    ("", None), ("ftp://x.org", None), ("https://atlas.example.org", "https://atlas.example.org/"),
    ("http://a.b/c/", "http://a.b/c/"),
])
def test_public_url(monkeypatch, value, want):
    monkeypatch.setenv("ATLAS_PUBLIC_URL", value)
    assert config.public_base_url() == want
