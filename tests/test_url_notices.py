"""Issue 10: URL parameters get the promised notices: repeated parameters named in one notice,
duplicates inside a list merged silently, unknown parameters summarised in one line."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from atlas.i18n import t
from atlas.view import parse_query
from tests.conftest import REPO


def test_repeated_parameters_get_one_notice_naming_them(ds):
    view = parse_query({"sel": ["99", "01"], "lang": ["ar", "en"]}, ds)
    assert (view.selected, view.lang) == ("01", "en")
    assert [(n.reason, n.param) for n in view.notices] == [("repeated", "sel, lang")]


def test_the_same_value_twice_is_no_repetition(ds):
    assert parse_query({"sel": ["01", "01"]}, ds).notices == ()


def test_duplicates_inside_a_list_are_merged_silently(ds):
    view = parse_query({"spec": "water,water", "region": "10,10,12"}, ds)
    assert view.specialisations == ("water",) and view.regions == ("10", "12")
    assert view.notices == ()


def test_many_unknown_parameters_are_one_line(ds):
    view = parse_query({f"p{i}": "1" for i in range(1000)}, ds)
    (notice,) = view.notices
    assert notice.reason == "unknown_params" and notice.value == "1000"
    assert notice.param == "p0, p1, p2, p3, p4, …"


def app_with(**params) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def notice_lines(at: AppTest) -> list[str]:
    for w in at.warning:
        if w.value.startswith(t("notice.title", "fr")):
            return [line for line in w.value.split("\n") if line.startswith("- ")]
    return []


def test_the_page_names_the_repeated_parameters_once():
    at = app_with(sel=["99", "01"], lang=["ar", "fr"])
    lines = notice_lines(at)
    assert len(lines) == 1, lines
    assert "sel, lang" in lines[0]
    assert at.session_state["selected"] == "01"


def test_the_page_summarises_a_thousand_unknown_parameters_in_one_line():
    at = app_with(**{f"junk{i}": "1" for i in range(1000)})
    lines = notice_lines(at)
    assert len(lines) == 1, lines[:3]
    assert "1000" in lines[0] and "junk0" in lines[0] and "junk999" not in lines[0]


def test_a_repeated_value_in_a_list_has_no_notice():
    at = app_with(spec="water,water")
    assert notice_lines(at) == []
    assert at.session_state["w_spec"] == ["water"]
