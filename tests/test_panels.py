"""AppTest of the map page's panels: the caveats beside the map (ui/caveats_panel.py) and the region
card or national picture below it (ui/panels.py)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas import load
from atlas.i18n import LANGS, t
from atlas.present import region_name
from atlas.text import md_escape
from ui.panels import shown_key

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def panel_script() -> None:
    """The card below the map alone, with a Context built like app.py's (selection read from ?sel= once)."""
    import streamlit as st

    from atlas import load
    from atlas.view import View
    from ui.layout import Context
    from ui.panels import render_side_panel

    lang = st.query_params.get("lang", "fr")
    if "selected" not in st.session_state:
        st.session_state["selected"] = st.query_params.get("sel") or None
    ds = load()
    view = View(lang=lang, selected=st.session_state["selected"])
    render_side_panel(Context(ds=ds, view=view, lang=lang))


def run_app(lang: str, sel: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    if sel:
        at.query_params["sel"] = sel
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_panel(lang: str = "fr", sel: str | None = None) -> AppTest:
    at = AppTest.from_function(panel_script, default_timeout=60)
    at.query_params["lang"] = lang
    if sel:
        at.query_params["sel"] = sel
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [i.value for i in at.info] + [s.value for s in at.success]
    parts += [e.label for e in at.expander] + [h.value for h in at.subheader]
    parts += [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    return "\n".join(parts).replace("\\", "")  # drop Markdown escapes


def caveats_html(at: AppTest) -> str:
    """The caveats panel's HTML, as the map page sent it."""
    panels = [h.value for h in at.html if 'class="atlas-caveats"' in h.value]
    assert len(panels) == 1, len(panels)
    return html.unescape(panels[0])


# --- through the real app (the map page calls the panel) -----------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_map_page_panel_for_guelmim(lang):
    at = run_app(lang, "10")
    body = texts(at)
    assert t("panel.spec_commentary", lang) in body and t("panel.spec_conventions", lang) in body
    water = {"fr": "Eau", "ar": "الماء", "en": "Water"}[lang]
    agriculture = {"fr": "Agriculture", "ar": "الفلاحة", "en": "Agriculture"}[lang]
    assert water in body and agriculture in body
    assert at.button_group(key="panel_pick").value == "10"
    # beside the map, the caveats follow the region
    html = caveats_html(at)
    assert t("cv.scope_region", lang, region=region_name(load(), "10", lang)) in html
    assert t("panel.caveats_title", lang) in html


def test_map_page_panel_for_a_region_with_none():
    at = run_app("fr", "05")
    body = texts(at)
    assert "Béni Mellal-Khénifra" in body
    assert t("common.no_institute", "fr") in body
    assert "Le plan prévoit un institut par région" in body
    assert t("common.no_institute", "fr") in caveats_html(at)


def test_map_page_panel_with_nothing_selected_shows_the_national_picture():
    at = run_app("en", None)
    body = texts(at)
    assert t("panel.national_title", "en") in body
    assert "6 of the 12 regions have an institute" in body
    for name in ("Tangier-Tetouan-Al Hoceima", "Beni Mellal-Khenifra", "Casablanca-Settat", "Souss-Massa"):
        assert name in body
    assert at.button_group(key="panel_pick").value is None
    assert t("cv.scope_national", "en", total=12) in caveats_html(at)


def _keyed_blocks(node, out: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """The keys of the keyed containers under ``node``, in page order."""
    for child in getattr(node, "children", {}).values():
        if type(child).__name__ == "Block" and getattr(child, "key", None):
            out.append(child.key)
        _keyed_blocks(child, out)
    return out


def _find_block(node, key: str):  # type: ignore[no-untyped-def]
    for child in getattr(node, "children", {}).values():
        if type(child).__name__ == "Block" and getattr(child, "key", None) == key:
            return child
        found = _find_block(child, key)
        if found is not None:
            return found
    return None


def test_the_caveats_sit_in_the_map_row_after_the_map():
    """One row: the map's column, then the caveats' (the map is drawn first); the card below the row."""
    at = run_app("fr", None)
    keys = _keyed_blocks(at.main, [])
    assert keys.index("map_row") < keys.index("map_col") < keys.index("caveats_col") < keys.index("side_panel")
    row = _find_block(at.main, "map_row")
    assert [getattr(c, "key", None) for c in row.children.values()] == ["map_col", "caveats_col"]
    html = caveats_html(at)
    assert 'id="caveat-resourcing" open' in html and 'id="caveat-critical-mass" open' in html
    assert 'id="caveat-dispersion" open' not in html


def test_a_region_picked_below_the_map_changes_the_caveats_beside_it():
    at = run_app("en", None)
    assert "Region: Guelmim-Oued Noun." not in caveats_html(at)
    at.button_group(key="panel_pick").select("10").run()
    assert not at.exception
    html = caveats_html(at)
    assert "Region: Guelmim-Oued Noun." in html and "flag raised (47,196; threshold: 121,042.25)" in html


# --- the card below the map alone ---------------------------------------------------------------


def test_flags_are_explained_with_rule_and_numbers():
    at = run_panel("en", "10")
    body = texts(at)
    assert "5 of 8 flags raised for this region" in body
    assert "Thin talent pool" in body
    assert "The region's value, 47,196, is strictly below 0.5 × the median of the 12 regions (242,084.5)" in body
    # the rule in words, not just a label
    assert "Raised when the estimated number of residents who reached higher education" in body
    assert "Flag raised" in body
    # the reasoning behind a rule is ours, and says so
    assert f"*{t('cv.flag_reading', 'en')}*" in "\n".join(m.value for m in at.markdown)
    # the rule is written once, not once per caveat that names the flag
    assert body.count("Raised when the estimated number of residents who reached higher education") == 1


def test_results_caveat_shows_the_scorecard_answers():
    """Beside the map, the results caveat of a region carries its institute's answers, not published
    ones saying how current the sources are."""
    html = caveats_html(run_app("fr", "10"))
    results = html[html.index('id="caveat-measurable-results"'):]
    results = results[:results.index("</details>\n</div>")] if "</details>\n</div>" in results else results
    assert t("panel.acc.in_caveat", "fr") in results
    answer = "<strong>Objectifs publiés</strong> : non publié (sources jusqu'au 12 mars 2026 ; dernière recherche"
    assert answer in results


def test_region_card_shows_new_figures_with_sources_and_the_scorecard():
    at = run_panel("en", "10")
    body = texts(at)
    table = next(m.value for m in at.markdown if m.value.startswith("| Figure |"))
    assert "Establishments with 50\\+ employees per 100,000 residents" in table
    assert "| **17** |" in table  # Guelmim-Oued Noun's 17 large employers
    assert "Urban dwellings on the electricity network" in table
    assert "(https://www.hcp.ma/file/246208/)" in table and "(https://www.hcp.ma/file/242672/)" in table
    assert "not compute" not in body  # said in the definitions instead (see test_census)
    assert "Accountability scorecard" in body and "published answers: 0 of 7" in body
    assert "Multi-year budget**: not published (sources up to 12 March 2026; last searched: December 2026)" in body
    # the institute's sources say how current they are: the newest source, and the later search
    assert "Newest source: 12 March 2026; last searched: December 2026, nothing newer found." in body


def test_arabic_panel():
    at = run_panel("ar", "12")
    body = texts(at)
    assert "الداخلة-وادي الذهب" in body
    assert t("panel.specs_agree", "ar") in body  # energy in both the commentary and the convention


def test_picker_selects_and_clear_goes_back_to_national():
    at = run_panel("fr")
    assert t("panel.national_title", "fr") in texts(at)
    assert not at.button  # nothing to clear yet
    at.button_group(key="panel_pick").select("10").run()
    assert at.session_state["selected"] == "10"
    assert "Guelmim-Oued Noun" in [s.value.replace("\\", "") for s in at.subheader]
    at.button(key="panel_clear").click().run()
    assert at.session_state["selected"] is None
    assert t("panel.national_title", "fr") in texts(at)
    assert at.button_group(key="panel_pick").value is None
    # A second click on the chosen region's pill goes back to the national view too.
    at.button_group(key="panel_pick").select("10").run()
    assert at.session_state["selected"] == "10"
    at.button_group(key="panel_pick").unselect("10").run()
    assert at.session_state["selected"] is None
    assert t("panel.national_title", "fr") in texts(at)


def test_picker_shows_every_region_by_name():
    at = run_panel("ar")
    pills = at.button_group(key="panel_pick")
    assert list(pills.options) == [md_escape(region_name(load(), c, "ar")) for c in load().regions.index]
    assert pills.value is None


def test_data_text_is_escaped_in_markdown(data_copy, monkeypatch):
    from tests.conftest import set_cell

    set_cell(data_copy / "institutes.csv", "id", "jazari-guelmim", "notes_en", "**bold** [x](https://evil.example) <b>")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
    at = run_panel("en", "10")
    notes = [c.value for c in at.caption if "evil" in c.value]
    assert notes == ["\\*\\*bold\\*\\* \\[x\\]\\(https\\://evil\\.example\\) \\<b\\>"]


def test_the_national_pictures_cache_key_follows_the_institutes_shown(ds):
    """The picture under the map is cached per set of institutes shown: another set, another key."""
    all_rows = ds.institutes
    assert shown_key(None) is None
    assert shown_key(all_rows) == shown_key(all_rows.copy())
    assert shown_key(all_rows) != shown_key(all_rows.iloc[1:])
    assert shown_key(all_rows.iloc[:0]) != shown_key(all_rows.iloc[:1])
