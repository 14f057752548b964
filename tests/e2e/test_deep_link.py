"""A shared link opened on a freshly started server lands on the page and view it names."""

from __future__ import annotations

from tests.e2e.conftest import ARTIFACTS


def test_deep_link_on_a_fresh_server(start_streamlit, page):
    url = start_streamlit({})  # a new server: nothing has run app.py yet
    page.goto(url + "/regions?lang=en&spec=energy", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)
    page.get_by_text("Comparison table").wait_for(timeout=60_000)
    assert page.locator("h1").first.inner_text() == "The 12 regions side by side"
    assert page.locator("[data-testid=stException]").count() == 0
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    assert "Sources and methods" in nav and "_layout" not in nav
    assert "spec=energy" in page.url and "lang=en" in page.url
    # The specialisation filter from the link is applied: three regions in the table.
    page.get_by_text("3 of 12 regions").wait_for(timeout=30_000)
    assert page.blocked_requests == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "deep_link_regions_en.png"))
