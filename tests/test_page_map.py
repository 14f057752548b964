"""The map page under AppTest, with ``st_folium`` replaced by a fake that records what it is given and
returns a scripted click (no JavaScript runs in AppTest)."""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path

import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from atlas import mapview
from atlas.i18n import pick, t
from atlas.mapview import provinces as mp
from atlas.text import md_escape
from atlas.view import View, apply_filters
from tests.html_table import read_table

APP = str(Path(__file__).resolve().parent.parent / "app.py")


class FakeStFolium:
    """Stands in for ``streamlit_folium.st_folium``: records each call, returns ``self.result``."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.result: dict | None = None

    def __call__(self, fig, key=None, feature_group_to_add=None, returned_objects=None, **kwargs):
        layers = feature_group_to_add or []
        self.calls.append({
            "markers": mapview.marker_ids(layers),
            "base_markers": mapview.marker_ids(fig),
            "returned_objects": returned_objects,
            "key": key,
            "kwargs": kwargs,
            "html": fig.get_root().render(),
        })
        return self.result

    @property
    def last(self) -> dict:
        assert self.calls, "the page did not draw the map"
        return self.calls[-1]


@pytest.fixture
def fake(monkeypatch) -> FakeStFolium:
    f = FakeStFolium()
    monkeypatch.setattr(streamlit_folium, "st_folium", f)
    return f


def app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def texts(at: AppTest) -> str:
    """The visible text of the page's main elements, Markdown escapes removed."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(el.value) for el in getattr(at, kind)]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def table_html(at: AppTest) -> str:
    tables = [str(el.value) for el in at.html if 'class="atlas-table"' in str(el.value)]
    assert len(tables) == 1, "the page shows no table of institutes"
    return tables[0]


def table(at: AppTest):
    """The table under the map, read back from its HTML."""
    return read_table(table_html(at))[0]


def test_default_view_draws_every_institute_on_map_and_table(fake, ds):
    at = app()
    at.run()
    assert not at.exception
    assert fake.last["markers"] == list(ds.institutes.index)
    assert len(table(at)) == len(ds.institutes)
    # Only clicks come back, so panning and zooming never rerun the script.
    assert set(fake.last["returned_objects"]) <= {"last_object_clicked", "last_active_drawing"}
    # The markers travel as feature groups, not in the base map: filtering does not reload the map.
    assert fake.last["base_markers"] == []
    assert fake.last["kwargs"].get("center") is None and fake.last["kwargs"].get("zoom") is None
    assert "https://cdn" not in fake.last["html"]


@pytest.mark.parametrize("spec", ["energy", "industry", "water"])
def test_specialisation_filter_in_url_shrinks_markers_and_table(fake, ds, spec):
    at = app(spec=spec)
    at.run()
    assert not at.exception
    expected = list(apply_filters(ds, View(specialisations=(spec,))).index)
    assert 0 < len(expected) < len(ds.institutes)
    assert fake.last["markers"] == expected
    names = table(at)[t("table.name", "fr")].tolist()
    assert names == [pick(ds.institutes.loc[i], "name", "fr") for i in expected]


def test_filters_change_the_layers_but_not_the_base_map(fake, ds):
    """st_folium keys its component on the base map's script: an unchanged base keeps the component,
    and with it the user's pan and zoom, while the filtered layers are swapped in."""
    at = app()
    at.run()
    first = fake.last
    at2 = app(status="launched")
    at2.run()
    assert not at2.exception
    expected = list(apply_filters(ds, View(statuses=("launched",))).index)
    assert fake.last["markers"] == expected
    assert table(at2)[t("table.name", "fr")].tolist() == [pick(ds.institutes.loc[i], "name", "fr") for i in expected]
    strip = re.compile(r"_[0-9a-f]{32}")
    assert strip.sub("", fake.last["html"]) == strip.sub("", first["html"])
    assert fake.last["key"] == first["key"]


def test_sidebar_filter_widgets_shrink_markers_and_table(fake, ds):
    at = app()
    at.run()
    # Behind the sidebar's toggle button: not drawn until it is pressed.
    assert not _in(at.sidebar, "multiselect", "w_status") and not _in(at.sidebar, "text_input", "w_q")
    at.button_group(key="w_more").set_value(["on"]).run()
    assert [m.key for m in at.sidebar.multiselect] == ["w_region", "w_status", "w_conf"]
    at.multiselect(key="w_status").set_value(["launched"]).run()
    assert not at.exception
    expected = list(apply_filters(ds, View(statuses=("launched",))).index)
    assert fake.last["markers"] == expected
    assert len(table(at)) == len(expected)
    at.multiselect(key="w_status").set_value([]).run()
    at.multiselect(key="w_conf").set_value(["weak"]).run()
    expected = list(apply_filters(ds, View(confidences=("weak",))).index)
    assert fake.last["markers"] == expected
    assert len(table(at)) == len(expected)


def test_hidden_filters_keep_narrowing_the_view_and_say_so(fake, ds):
    """Filters set from the URL stay applied with the toggle button off (the sidebar says how many are
    in use), and come back in their widgets when it is pressed; releasing it again keeps them."""
    at = app(status="launched", fig="population")
    at.run()
    expected = list(apply_filters(ds, View(statuses=("launched",))).index)
    assert fake.last["markers"] == expected
    assert t("sidebar.filters_in_use", "fr", count=2) in [c.value for c in at.sidebar.caption]
    at.button_group(key="w_spec").set_value(["energy"]).run()  # a run that does not draw them
    both = list(apply_filters(ds, View(statuses=("launched",), specialisations=("energy",))).index)
    assert fake.last["markers"] == both
    at.button_group(key="w_more").set_value(["on"]).run()
    assert at.multiselect(key="w_status").value == ["launched"]
    assert at.selectbox(key="w_fig").value == "population"
    at.button_group(key="w_more").set_value([]).run()
    at.button_group(key="w_spec").set_value([]).run()
    assert fake.last["markers"] == expected
    assert at.query_params.get("status") in ("launched", ["launched"])


def _in(container, kind: str, key: str) -> bool:
    return any(getattr(el, "key", None) == key for el in getattr(container, kind))


def test_toolbar_above_the_map_filters_by_specialisation_and_follows_across_pages(fake, ds):
    at = app()
    at.run()
    # On the map page the lens and the specialisation filter sit above the map, not in the sidebar.
    assert _in(at.main, "button_group", "w_spec") and _in(at.main, "button_group", "w_lens")
    assert not _in(at.sidebar, "multiselect", "w_spec") and not _in(at.sidebar, "button_group", "w_lens")
    pills = at.button_group(key="w_spec")
    # Each pill's text is Markdown, the data's label escaped (shown as the label itself).
    assert list(pills.options) == [md_escape(pick(ds.specialisations.loc[k], "label", "fr"))
                                   for k in ds.specialisations.index]
    pills.set_value(["energy"]).run()
    assert not at.exception
    expected = list(apply_filters(ds, View(specialisations=("energy",))).index)
    assert 0 < len(expected) < len(ds.institutes)
    assert fake.last["markers"] == expected
    assert table(at)[t("table.name", "fr")].tolist() == [pick(ds.institutes.loc[i], "name", "fr") for i in expected]
    assert at.query_params.get("spec") in ("energy", ["energy"])
    at.button_group(key="w_lens").set_value("conventions").run()
    assert at.query_params.get("lens") in ("conventions", ["conventions"])
    assert fake.last["markers"] == expected

    # Another page draws them in the sidebar, with the same choices; back on the map, the same again.
    at.switch_page("pages/regions.py").run()
    assert not at.exception
    assert at.sidebar.multiselect(key="w_spec").value == ["energy"]
    assert at.sidebar.button_group(key="w_lens").value == "conventions"
    at.switch_page("pages/map.py").run()
    assert at.button_group(key="w_spec").value == ["energy"]
    assert at.button_group(key="w_lens").value == "conventions"
    assert fake.last["markers"] == expected


def test_no_match_shows_an_empty_map_and_table_with_a_message(fake, ds):
    at = app(q="zzzz-no-match")
    at.run()
    assert not at.exception
    assert fake.last["markers"] == []
    assert len(table(at)) == 0
    assert t("map.no_match", "fr") in texts(at)


def test_a_click_on_a_marker_selects_its_region_and_fills_the_panel(fake, ds):
    at = app(lang="en")
    at.run()
    assert at.session_state["selected"] is None
    row = ds.institutes.loc["jazari-guelmim"]
    fake.result = {
        "last_object_clicked": {"lat": float(row["lat"]), "lng": float(row["lon"])},
        "last_active_drawing": {"type": "Feature", "properties": {"code": "10", "id": "jazari-guelmim"}},
    }
    at.run()
    assert not at.exception
    assert at.session_state["selected"] == "10"
    assert at.query_params["sel"] == ["10"] or at.query_params["sel"] == "10"
    shown = texts(at)
    assert pick(ds.regions.loc["10"], "name", "en") in shown
    assert pick(row, "name", "en") in shown  # the panel lists the region's institute
    # st_folium keeps returning that click: once the user moves on, the old click must not come back.
    at.session_state["selected"] = None
    at.run()
    assert at.session_state["selected"] is None


def _carriers(at: AppTest) -> list[str]:
    """The hidden elements the map draws the provinces from, in page order."""
    return [str(el.value) for el in at.html if "data-atlas-provinces=" in str(el.value)]


def _region_of(carrier: str) -> str:
    """The region whose provinces a carrier holds."""
    text = carrier.split(f'{mp.DATA_ATTRIBUTE}="', 1)[1].split('"', 1)[0]
    return json.loads(html_lib.unescape(text))["region"]


def test_a_card_opened_on_the_map_keeps_the_view_and_a_region_clicked_does_not(fake, ds):
    """The map keeps its view for a region picked by opening an institute's card (its carrier is
    marked), and brings into view a region clicked on the map or picked elsewhere (no mark)."""
    at = app()
    at.run()
    assert _carriers(at) == []  # the national view sends no province
    fake.result = {"last_object_clicked": {"lat": 30.4, "lng": -9.5}, "last_active_drawing": None}  # Agadir
    at.run()
    clicked = _carriers(at)
    assert [_region_of(c) for c in clicked] == ["09"] and mp.KEEP_VIEW_ATTRIBUTE not in clicked[0]
    row = ds.institutes.loc["jazari-guelmim"]
    fake.result = {
        "last_object_clicked": {"lat": float(row["lat"]), "lng": float(row["lon"])},
        "last_active_drawing": {"type": "Feature",
                                "properties": {"code": "10", "id": "jazari-guelmim", "kind": "institute"}},
    }
    at.run()
    carded = _carriers(at)
    assert _region_of(carded[-1]) == "10" and mp.KEEP_VIEW_ATTRIBUTE in carded[-1]  # the map draws the last
    at.session_state["selected"] = "02"  # as the region pills do
    at.run()
    chosen = _carriers(at)
    assert [_region_of(c) for c in chosen] == ["02"] and mp.KEEP_VIEW_ATTRIBUTE not in chosen[0]


def test_a_click_on_a_region_without_feature_uses_the_point(fake, ds):
    at = app()
    at.run()
    fake.result = {"last_object_clicked": {"lat": 30.4, "lng": -9.5}, "last_active_drawing": None}  # Agadir
    at.run()
    assert not at.exception
    assert at.session_state["selected"] == "09"
    assert pick(ds.regions.loc["09"], "name", "fr") in texts(at)


def test_forged_query_string_shows_the_notice_and_no_exception(fake, ds):
    at = app(spec="<script>", foo="1", sel="99")
    at.run()
    assert not at.exception
    warning = "\n".join(w.value for w in at.warning)
    assert t("notice.title", "fr") in warning
    assert "foo" in warning and "99" in warning
    assert "<script>" not in warning  # shown escaped, as text
    assert fake.last["markers"] == list(ds.institutes.index)
    assert at.session_state["selected"] is None


def test_bad_tiles_setting_is_reported_and_the_map_is_drawn_without_tiles(fake, monkeypatch):
    monkeypatch.setenv("ATLAS_TILES", "ftp://example.org/tiles")
    at = app()
    at.run()
    assert not at.exception
    lead = t("map.tiles_problem", "fr", detail="").strip()
    assert any(lead in w.value for w in at.warning)
    assert "L.tileLayer" not in fake.last["html"]


def test_arabic_page_table_and_map(fake, ds):
    at = app(lang="ar")
    at.run()
    assert not at.exception
    # the table runs right to left: the name, its first column, is drawn right-most
    frame, attrs, caption = read_table(table_html(at))
    assert attrs["dir"] == "rtl" and attrs["lang"] == "ar"
    assert list(frame.columns)[0] == t("table.name", "ar")
    assert caption == t("a11y.table_alternative", "ar", shown=len(frame), total=len(ds.institutes))
    assert 'dir=\\"rtl\\"' in fake.last["html"] or 'dir="rtl"' in fake.last["html"]
    assert t("map.table.title", "ar") in texts(at)
