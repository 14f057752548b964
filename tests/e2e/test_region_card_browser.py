"""Issue 13 in a real browser: the region card below the map shows the new census figures with their
sources and the accountability scorecard (fr and ar), and the home page with a region selected stays
under 4,000 px tall at 1440 px wide."""

from __future__ import annotations

import shutil

import pytest

from tests.e2e._a11y import settle
from tests.e2e.conftest import ARTIFACTS, REPO

HEIGHT_JS = """() => Math.max(
    document.documentElement.scrollHeight,
    ...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer], section.main')]
        .map(el => el.scrollHeight))"""


def _open(page, url: str, text: str) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(url, wait_until="domcontentloaded")
    page.locator(".st-key-side_panel").get_by_text(text).first.wait_for(timeout=90_000)
    page.locator("[data-testid=stMarkdownContainer] table").first.wait_for(timeout=60_000)
    settle(page)


@pytest.mark.parametrize(
    ("lang", "figure", "scorecard", "count"),
    [
        ("fr", "Établissements de 50 salariés et plus", "Fiche de redevabilité", "réponses publiées : 0 sur 7"),
        ("ar", "مؤسسات تشغل 50 شخصا فأكثر", "بطاقة المساءلة", "الأجوبة المنشورة: 0 من 7"),
    ],
)
def test_region_card_shows_new_figures_sources_and_scorecard(streamlit_server, page, lang, figure, scorecard, count):
    _open(page, f"{streamlit_server}/?lang={lang}&sel=10", scorecard)
    panel = page.locator(".st-key-side_panel")
    body = panel.inner_text()
    assert figure in body and scorecard in body and count in body
    # every figure row links to its HCP source
    table = panel.locator("[data-testid=stMarkdownContainer] table").first
    hrefs = table.locator("a").evaluate_all("els => els.map(a => a.href)")
    assert len(hrefs) == 20 and {"https://www.hcp.ma/file/242672/", "https://www.hcp.ma/file/246208/"} <= set(hrefs)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.blocked_requests == []
    ARTIFACTS.mkdir(exist_ok=True)
    # Streamlit scrolls inside its main container: make the window as tall as the page to capture the card
    page.set_viewport_size({"width": 1440, "height": min(int(page.evaluate(HEIGHT_JS)), 6000)})
    settle(page, quiet_ms=300)  # laid out again at the new height
    panel.screenshot(path=str(ARTIFACTS / f"region_card_10_{lang}.png"))
    if lang == "fr":
        shutil.copy(ARTIFACTS / "region_card_10_fr.png", REPO / "docs" / "screenshot-region-card.png")


def test_home_page_with_a_region_selected_is_under_4600_px(streamlit_server, page):
    """4,000 px before the card said where the region's talent lives (issue 29: about 570 px more)."""
    _open(page, f"{streamlit_server}/?lang=fr&sel=10", "Fiche de redevabilité")
    height = page.evaluate(HEIGHT_JS)
    print(f"home page height with region 10 selected at 1440 px: {height} px")
    assert 1000 < height < 4600, height
