"""The view in the URL: parsing never raises, unknown values are dropped with a notice."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas.i18n import LANGS
from atlas.view import PARAMS, View, apply_filters, parse_query, rows_by_ids, to_query


def test_round_trip(ds):
    view = View(lang="ar", specialisations=("energy", "water"), regions=("10", "12"), statuses=("agreement_signed",),
                confidences=("confirmed",), query="UM6P", selected="10", figure="population")
    again = parse_query(to_query(view), ds)
    assert again == view and again.notices == ()


def test_default_view_has_an_empty_query_string(ds):
    assert to_query(View()) == {}
    assert parse_query({}, ds) == View()


def test_forged_parameters_are_dropped_with_notices(ds):
    view = parse_query({"spec": "<script>alert(1)</script>,energy", "foo": "1", "sel": "99", "lang": "xx",
                        "fig": "gdp", "region": "10,,13"}, ds)
    assert view.specialisations == ("energy",)
    assert view.selected is None and view.figure is None and view.lang == "fr"
    assert view.regions == ("10",)
    reasons = {(n.param, n.reason) for n in view.notices}
    assert {("spec", "unknown_value"), ("foo", "unknown_param"), ("sel", "unknown_value"), ("lang", "unknown_value"),
            ("fig", "unknown_value"), ("region", "unknown_value")} <= reasons


def test_overlong_values(ds):
    view = parse_query({"q": "a" * 500, "spec": "x" * 5000}, ds)
    assert len(view.query) == 100
    assert {n.reason for n in view.notices} == {"too_long"}


def test_filters(ds):
    every = apply_filters(ds, View())
    assert len(every) == len(ds.institutes)
    energy = apply_filters(ds, View(specialisations=("energy",)))
    # Energy: Dakhla (commentary and convention), Guelmim and Nador (conventions).
    assert set(energy.index) == {"jazari-dakhla", "jazari-guelmim", "jazari-nador"}
    water = apply_filters(ds, View(specialisations=("water",)))
    assert list(water.index) == ["jazari-guelmim"]  # named by the commentary only
    assert list(apply_filters(ds, View(confidences=("weak",))).index) == ["jazari-benguerir"]
    assert list(apply_filters(ds, View(regions=("12",))).index) == ["jazari-dakhla"]
    assert list(apply_filters(ds, View(query="fes")).index) == ["jazari-fes"]  # accents folded
    assert list(apply_filters(ds, View(query="polytechnique")).index) == ["jazari-benguerir"]  # partners searched
    # notes too: one source places Nador's signing at UM6P's headquarters
    assert list(apply_filters(ds, View(query="um6p")).index) == ["jazari-benguerir", "jazari-nador"]
    assert len(apply_filters(ds, View(statuses=("operational",)))) == 0


text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.one_of(st.sampled_from(PARAMS), text), st.one_of(text, st.lists(text, max_size=3)),
                       max_size=8))
def test_parse_query_never_raises(ds, params):
    view = parse_query(params, ds)
    unknown = [str(k) for k in params if k not in PARAMS]
    summary = [n for n in view.notices if n.reason in ("unknown_param", "unknown_params")]
    assert len(summary) == (1 if unknown else 0)  # one line, however many
    if len(unknown) > 1:
        assert summary[0].value == str(len(unknown))
    assert view.lang in LANGS
    assert set(view.specialisations) <= set(ds.specialisations.index)
    assert set(view.regions) <= set(ds.regions.index)
    assert view.selected in (None, *ds.regions.index)
    # Whatever was dropped is reported: a parsed view re-serialises to a clean query string.
    assert parse_query(to_query(view), ds).notices == ()
    apply_filters(ds, view)


def test_rows_by_ids_keeps_the_order_asked_and_names_a_missing_id(ds):
    ids = list(ds.institutes.index)[::-1][:5]
    rows = rows_by_ids(ds.institutes, ids)
    assert list(rows.index) == ids
    assert rows.equals(ds.institutes.loc[ids])
    assert rows_by_ids(ds.institutes, []).empty
    with pytest.raises(KeyError, match="no-such-institute"):
        rows_by_ids(ds.institutes, [ids[0], "no-such-institute"])
