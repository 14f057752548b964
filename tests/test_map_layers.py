"""``ui/map_layers.py``: the map's layers built and turned into script once per view, and the text
the browser receives exactly the one streamlit-folium makes."""

from __future__ import annotations

import pytest
import streamlit_folium

from atlas import mapview
from atlas.view import View, apply_filters
from ui import map_layers


@pytest.fixture
def installed(monkeypatch):
    """The wrapper installed for this test only; returns the list of groups the original rendered."""
    original = streamlit_folium._get_feature_group_string
    if original is map_layers._feature_group_string:  # installed by a page run earlier in this process
        original = map_layers._ORIGINAL["fn"]
    rendered: list[object] = []

    def counting(group, map, idx=0):  # noqa: A002
        rendered.append(group)
        return original(group, map, idx)

    monkeypatch.setattr(streamlit_folium, "_get_feature_group_string", counting)
    monkeypatch.setattr(map_layers, "_ORIGINAL", {})
    map_layers._cached_layers.clear()  # groups a page run earlier in this process cached and rendered
    map_layers.install()
    map_layers.install()  # twice: still one wrapper around the original
    assert map_layers._ORIGINAL["fn"] is counting
    yield rendered
    map_layers._cached_layers.clear()


def scripts(ds, view: View, groups=None) -> list[str]:
    """What streamlit-folium makes of the view's layers (fresh groups unless given), as st_folium calls it."""
    groups = groups if groups is not None else mapview.map_layers(ds, view, apply_filters(ds, view))
    base = mapview.base_map(ds, view.lang)
    return [streamlit_folium._get_feature_group_string(g, base, i) for i, g in enumerate(groups)]


def test_the_streamlit_folium_internals_it_relies_on_are_unchanged():
    problems = map_layers.check_internals()
    assert not problems, (
        "ui/map_layers.py was written for streamlit-folium's internals, which changed: "
        + "; ".join(problems) + ". Read its docstring, then update or delete it."
    )


@pytest.mark.parametrize("view", [View(), View(lang="ar", lens="conventions"), View(specialisations=("water",))],
                         ids=["default", "ar-conventions", "water"])
def test_cached_layers_send_the_text_streamlit_folium_makes_and_render_once(ds, installed, view):
    expected = scripts(ds, view)  # fresh groups: the original each time
    installed.clear()
    shown = apply_filters(ds, view)
    groups = map_layers.layers(ds, view, shown, with_tiles=False)
    assert scripts(ds, view, groups) == expected
    assert len(installed) == len(groups)  # each rendered once ...
    again = map_layers.layers(ds, view, shown, with_tiles=False)
    assert again is groups
    assert scripts(ds, view, again) == expected
    assert len(installed) == len(groups)  # ... and not again on the next run


def test_groups_that_are_not_the_pages_go_through_unchanged(ds, installed):
    groups = mapview.map_layers(ds, View(), apply_filters(ds, View()))
    first = scripts(ds, View(), groups)
    scripts(ds, View(), groups)
    assert len(installed) == 2 * len(groups)  # rendered on every call, as streamlit-folium does
    assert first == scripts(ds, View())


def test_each_view_has_its_own_layers_but_selecting_a_region_reuses_them(ds, installed):
    view = View()
    shown = apply_filters(ds, view)
    groups = map_layers.layers(ds, view, shown, with_tiles=False)
    region = str(ds.regions.index[3])
    assert map_layers.layers(ds, view.with_(selected=region), shown, with_tiles=False) is groups
    # ... which is right only because the layers never read the selection:
    assert scripts(ds, view.with_(selected=region)) == scripts(ds, view)
    figure = str(ds.figure_defs.index[0])
    for other in (view.with_(lens="conventions"), view.with_(lang="en"), view.with_(figure=figure)):
        assert map_layers.layers(ds, other, apply_filters(ds, other), with_tiles=False) is not groups
    assert map_layers.layers(ds, view, shown, with_tiles=True) is not groups
    water = view.with_(specialisations=("water",))
    water_groups = map_layers.layers(ds, water, apply_filters(ds, water), with_tiles=False)
    assert water_groups is not groups
    assert mapview.marker_ids(water_groups) == [str(i) for i in apply_filters(ds, water).index]
