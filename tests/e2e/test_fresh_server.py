"""The first session on a freshly started server: deep links and the very first filter change.

Streamlit 1.67 runs its first script run in a legacy pages-folder mode when ``pages/`` sits beside
the entry point (``ui/streamlit_mode.py``): the app leaves it on its first run, whether it is served
by ``serve.py`` or started directly (``streamlit run app.py``); the first filter change is checked
through both. These tests start a server of their own so that nothing has run
``app.py`` before them.
"""

from __future__ import annotations

import pytest

from atlas import load
from atlas.i18n import pick
from atlas.view import View, apply_filters
from tests.conftest import DATA
from tests.e2e.conftest import ARTIFACTS

TIMEOUT_MS = 60_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def test_deep_link_on_a_fresh_server(start_streamlit, page):
    url = start_streamlit({})
    page.goto(url + "/regions?lang=en&spec=energy", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=TIMEOUT_MS)
    page.get_by_text("Comparison table").wait_for(timeout=TIMEOUT_MS)
    assert page.locator("h1").first.inner_text() == "The 12 regions side by side"
    assert page.locator("[data-testid=stException]").count() == 0
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    assert "Sources and methods" in nav and "_layout" not in nav
    assert "spec=energy" in page.url and "lang=en" in page.url
    page.get_by_text("3 of 12 regions").wait_for(timeout=30_000)  # the link's filter is applied
    assert page.blocked_requests == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "deep_link_regions_en.png"))


@pytest.mark.parametrize("entry", ["serve.py", "app.py"])
def test_first_filter_change_on_a_fresh_server_is_applied(start_streamlit, page, entry):
    from playwright.sync_api import expect

    ds = load(DATA)
    energy = apply_filters(ds, View(specialisations=("energy",)))
    url = start_streamlit({}, app=entry)
    page.goto(url + "/", wait_until="domcontentloaded")
    pins = page.frame_locator(MAP_FRAME).locator(".atlas-pin")
    expect(pins).to_have_count(len(ds.institutes), timeout=TIMEOUT_MS)
    # The specialisation pills above the map: one click, as a user would.
    energy_label = pick(ds.specialisations.loc["energy"], "label", "fr")
    pill = page.locator(".st-key-w_spec").get_by_role("button", name=energy_label)
    pill.click()
    expect(pill).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT_MS)
    expect(pins).to_have_count(len(energy), timeout=TIMEOUT_MS)
    page.wait_for_function("() => window.location.search.includes('spec=energy')", timeout=TIMEOUT_MS)
