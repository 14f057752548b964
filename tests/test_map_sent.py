"""What the map page hands to the browser: the real ``st_folium`` under AppTest, its arguments read
back from the page (the component's JSON arguments), so a test sees the script the map's frame runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from atlas import mapview
from atlas.view import View
from tests.support.folium_sent import sent_args

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def sent(at: AppTest) -> dict:
    """The arguments of the page's one map, as the browser receives them."""
    maps = [el for el in at.get("component_instance") if el.proto.component_name.endswith("st_folium")]
    assert len(maps) == 1, "the page draws one map"
    return json.loads(maps[0].proto.json_args)


def test_the_same_view_sends_the_same_layers_on_every_run_and_after_a_change(ds):
    """A rerun of the same view sends the same layers (a redraw would otherwise flicker or break), and
    coming back to a view after a filter change sends that view's layers again, unchanged."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    first = sent(at)["feature_group"]
    assert first.count("L.marker(") == len(ds.institutes)  # every institute of the default view
    at.run()
    assert sent(at)["feature_group"] == first
    at.button_group(key="w_spec").set_value(["energy"]).run()
    energy = sent(at)["feature_group"]
    assert 0 < energy.count("L.marker(") < len(ds.institutes)
    at.button_group(key="w_spec").set_value([]).run()
    assert sent(at)["feature_group"] == first
    other = AppTest.from_file(APP, default_timeout=120)  # another session, the same view
    other.run()
    assert sent(other)["feature_group"] == first


def test_the_map_sent_without_rendering_the_whole_page_is_the_same_map(ds):
    """The page calls ``st_folium(..., render=False)``: st_folium renders the map itself and the whole
    HTML page it would otherwise render first is never sent. The browser still gets the same map: the
    same script, header (styles), HTML, layers and asset links, with a region selected and a figure."""
    view = View(selected="02", figure="population")

    def args(render: bool) -> dict:
        sent = sent_args(mapview.base_map(ds, "fr", selected="02"), mapview.map_layers(ds, view), render=render)
        return {k: re.sub(r"[0-9a-f]{32}", "ID", json.dumps(v)) for k, v in sent.items() if k != "key"}

    full, lean = args(True), args(False)
    assert full["feature_group"] == lean["feature_group"] and "atlas-region-02" in lean["feature_group"]
    assert full == lean
