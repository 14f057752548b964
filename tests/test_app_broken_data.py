"""A broken custom dataset (ATLAS_DATA_DIR) shows an error panel listing every problem, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.i18n import LANGS, t
from tests.conftest import REPO, set_cell


@pytest.mark.parametrize("lang", LANGS)
def test_broken_copy_shows_every_problem_in_the_app(data_copy: Path, monkeypatch, lang):
    row = set_cell(data_copy / "institutes.csv", "id", "jazari-fes", "status", "planned")
    lat_row = set_cell(data_copy / "institutes.csv", "id", "jazari-nador", "lat", "48.85")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and at.error[0].value == t("data.invalid", lang, count=2, path=str(data_copy))
    listing = at.code[0].value
    assert f"institutes.csv:{row}: status: " in listing
    assert f"institutes.csv:{lat_row}: lat: " in listing and "outside Morocco" in listing


def test_missing_data_directory(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "nowhere"))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert "does not exist" in at.code[0].value
