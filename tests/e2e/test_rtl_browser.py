"""Arabic reads right to left in a real browser; the map keeps north up and left-to-right controls."""

from __future__ import annotations

from tests.e2e._a11y import settle
from tests.e2e.conftest import ARTIFACTS


def _direction(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("el => getComputedStyle(el).direction")


def test_arabic_panels_read_right_to_left(streamlit_server, page):
    page.goto(streamlit_server + "/?lang=ar&sel=10", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)
    page.get_by_text("كلميم-واد نون").first.wait_for(timeout=60_000)
    settle(page)
    assert _direction(page, "[data-testid=stSidebar]") == "rtl"
    assert _direction(page, "[data-testid=stMain] [data-testid=stMarkdownContainer]") == "rtl"
    # The map component keeps its own left-to-right layout (north up, controls where Leaflet puts them).
    assert _direction(page, "iframe") == "ltr"
    # Arabic glyphs are drawn by a font that has them (not boxes): text width grows with text length.
    widths = page.evaluate(
        """() => {
            const c = document.createElement('canvas').getContext('2d');
            const font = getComputedStyle(document.querySelector('[data-testid=stSidebar]')).fontFamily;
            c.font = '16px ' + font;
            return [c.measureText('ج').width, c.measureText('جهة كلميم').width];
        }"""
    )
    assert widths[0] > 0 and widths[1] > widths[0] * 3
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.blocked_requests == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "rtl_ar_map_10.png"), full_page=False)
