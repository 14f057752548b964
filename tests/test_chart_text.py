"""The charts' text summaries (issue 15) name the extremes the chart draws, in each language."""

from __future__ import annotations

import pytest

from atlas import load
from atlas.chart_text import chart_summary
from atlas.i18n import LANGS, MISSING_MARK
from atlas.present import region_name
from tests.conftest import DATA


@pytest.fixture(scope="module")
def ds():
    return load(DATA)


@pytest.mark.parametrize("lang", LANGS)
def test_summaries_give_the_key_numbers(ds, lang):
    people = ds.figures["higher_education_people"].astype(float)
    talent = chart_summary(ds, "talent", lang)
    assert region_name(ds, people.idxmax(), lang) in talent
    assert region_name(ds, people.idxmin(), lang) in talent
    scatter = chart_summary(ds, "scatter", lang)
    assert region_name(ds, ds.figures["population"].astype(float).idxmax(), lang) in scatter
    rollout = chart_summary(ds, "rollout", lang)
    uncovered = sum(ds.institutes_in(code).empty for code in ds.regions.index)
    assert str(uncovered) in rollout
    for text in (talent, scatter, rollout):
        assert MISSING_MARK not in text and "{" not in text
