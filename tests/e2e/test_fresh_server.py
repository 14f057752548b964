"""The first session on a freshly started server: deep links and the very first filter change.

Streamlit 1.67 runs its first script run in a legacy pages-folder mode when ``pages/`` sits beside
the entry point (``pages/_streamlit_mode.py``): ``serve.py`` leaves it when the server starts, and
``app.py`` on its first run when it is started directly (``streamlit run app.py``); the first filter
change is checked through both. These tests start a server of their own so that nothing has run
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
    option = page.get_by_role("option", name=pick(ds.specialisations.loc["energy"], "label", "fr"))
    for _ in range(3):  # the list can close under a run that is still finishing: open it again, as a user would
        page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
        try:
            option.wait_for(state="visible", timeout=10_000)
            break
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError
            page.keyboard.press("Escape")
    option.click()
    page.locator("h1").first.click()  # Streamlit 1.67 commits a multiselect when its list closes
    expect(pins).to_have_count(len(energy), timeout=TIMEOUT_MS)
    page.wait_for_function("() => window.location.search.includes('spec=energy')", timeout=TIMEOUT_MS)
