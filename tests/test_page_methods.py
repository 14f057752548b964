"""AppTest of the sources-and-methods page: its tables read right to left in Arabic, list items are
separated the language's way, and a table whose notes exist only in English says so once."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from atlas import provenance
from atlas.i18n import LANGS, t
from tests.conftest import REPO


def open_methods(lang: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/methods.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


TABLES = ("methods_sources", "methods_figures", "methods_geometry", "methods_credits")  # in page order


def table(at: AppTest, key: str):
    assert len(at.dataframe) == len(TABLES)
    return at.dataframe[TABLES.index(key)].value


@pytest.mark.parametrize("lang", LANGS)
def test_sources_table_reads_in_the_page_direction_and_says_once_the_notes_are_english(ds, lang):
    at = open_methods(lang)
    sources = table(at, "methods_sources")
    expected = list(provenance.sources_table(ds, lang).columns)
    assert list(sources.columns) == (expected[::-1] if lang == "ar" else expected)
    assert len(sources) == len(ds.sources)
    note = t("prov.col.note", lang)
    assert "(" not in note  # no "Note (en anglais)" column: the caption says it once for the table
    captions = [c.value for c in at.caption]
    assert captions.count(t("panel.english_only", lang)) == (0 if lang == "en" else 1)
    fields = sources[t("prov.col.fields", lang)]
    several = [f for f in fields if "،" in f or ", " in f]
    assert several
    if lang == "ar":
        assert all("،" in f and ", " not in f for f in several)
    for key, first in (("methods_figures", "prov.col.figure"), ("methods_geometry", "prov.col.region"),
                       ("methods_credits", "methods.col.name")):
        columns = list(table(at, key).columns)
        assert (columns[-1] if lang == "ar" else columns[0]) == t(first, lang), key
