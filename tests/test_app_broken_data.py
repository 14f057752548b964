"""A broken custom dataset (ATLAS_DATA_DIR) shows an error panel listing every problem, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.i18n import LANGS, t
from atlas.text import md_escape
from tests.conftest import REPO, set_cell, unreadable


@pytest.mark.parametrize("lang", LANGS)
def test_broken_copy_shows_every_problem_in_the_app(data_copy: Path, monkeypatch, lang):
    row = set_cell(data_copy / "institutes.csv", "id", "jazari-fes", "status", "planned")
    lat_row = set_cell(data_copy / "institutes.csv", "id", "jazari-nador", "lat", "48.85")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and at.error[0].value == t("data.invalid", lang, count=2, path=md_escape(data_copy))
    listing = at.code[0].value
    assert f"institutes.csv:{row}: status: " in listing
    assert f"institutes.csv:{lat_row}: lat: " in listing and "outside Morocco" in listing


def test_missing_data_directory(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "nowhere"))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert "does not exist" in at.code[0].value


def test_unreadable_data_directory_shows_a_clear_message(data_copy: Path, monkeypatch):
    with unreadable(data_copy):
        monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.code[0].value == f"{data_copy}:-: -: cannot read the data directory: Permission denied"


def test_the_data_directory_path_is_shown_as_text_not_markdown(tmp_path: Path, monkeypatch):
    """A path is data too: its link, bold, maths and HTML stay literal in the error panel."""
    odd = tmp_path / "**bold** [link](https:__evil.example) $x^2$ <b>b<_b>" / "data"
    odd.mkdir(parents=True)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(odd))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = at.error[0].value
    assert shown == t("data.invalid", "fr", count=len(at.code[0].value.splitlines()), path=md_escape(odd))
    assert "\\*\\*bold\\*\\*" in shown and "\\[link\\]" in shown and "\\$x" in shown and "\\<b\\>" in shown
