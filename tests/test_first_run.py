"""The real first run under AppTest, with nothing patched: every ``AppTest.run`` starts in Streamlit's
legacy pages-folder mode (``ui/streamlit_mode.py``), as the first session of a fresh server does. A
deep link still shows its page with its filters, and the first filter change is applied."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from atlas.i18n import t
from atlas.view import View, apply_filters

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def markers_sent(at: AppTest) -> int:
    """How many institute markers the page's map carries, as the browser receives them."""
    (folium_map,) = [el for el in at.get("component_instance") if el.proto.component_name.endswith("st_folium")]
    return json.loads(folium_map.proto.json_args)["feature_group"].count("L.marker(")


def test_a_deep_link_shows_its_page_with_its_filters():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["spec"] = "energy"
    at.switch_page("pages/regions.py").run()
    assert not at.exception, at.exception
    assert [el.value for el in at.title] == [t("regions.title", "en")]
    shown = t("regions.filtered", "en", shown=3, total=12)
    assert any(shown in str(el.value).replace("\\", "") for el in [*at.caption, *at.markdown, *at.info])
    assert (at.query_params["spec"], at.query_params["lang"]) == ("energy", "en")  # the link is kept


def test_the_first_filter_change_of_the_first_session_is_applied(ds):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert [el.value for el in at.title] == [t("app.title", "fr")]
    assert markers_sent(at) == len(ds.institutes)
    at.button_group(key="w_spec").set_value(["energy"]).run()
    assert not at.exception, at.exception
    assert markers_sent(at) == len(apply_filters(ds, View(specialisations=("energy",))))
    assert at.query_params["spec"] == "energy"  # the URL follows
