"""Every page in every language: runs without an exception and shows no raw catalogue key."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from atlas.i18n import LANGS, catalogue
from tests.conftest import REPO
from tests.html_table import read_table
from ui import navigation

PAGES = [p.path for p in navigation.PAGES]
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _texts(at: AppTest) -> list[str]:
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("selectbox", "multiselect", "text_input", "button", "radio", "checkbox", "toggle", "button_group"):
        out += [str(e.label) for e in getattr(at, kind)]
    for frame in at.dataframe:
        out += [str(c) for c in frame.value.columns]
    for block in at.html:  # the table under the map: its caption, headers and notes
        if 'class="atlas-table"' in str(block.value):
            frame, _attrs, caption = read_table(str(block.value))
            out += [caption, *[str(c) for c in frame.columns]]
    return out


def _run(page: str, lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != navigation.HOME.path:
        at.switch_page(page)
        at.run()
    return at


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_in_language_without_raw_keys(page, lang):
    at = _run(page, lang, sel="10")
    assert not at.exception, [e.value for e in at.exception]
    texts = _texts(at)
    assert texts, "the page showed nothing"
    keys = set(catalogue())
    raw = [t for t in texts if t.strip() in keys]
    assert raw == []
    if lang == "ar":
        # Interface text is Arabic: most headings and labels carry Arabic script.
        labelled = [t for t in texts if t.strip()]
        share = sum(bool(ARABIC.search(t)) for t in labelled) / len(labelled)
        assert share > 0.5, share
    if lang == "fr":
        assert any("Région" in t or "région" in t for t in texts)


def test_language_switch_is_kept_in_the_url_and_across_pages():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    at.sidebar.button_group(key="w_lang").set_value("en").run()
    assert at.query_params.get("lang") in ("en", ["en"])
    at.switch_page("pages/methods.py")
    at.run()
    assert at.title[0].value == "Sources and methods"
    assert at.query_params.get("lang") in ("en", ["en"])
