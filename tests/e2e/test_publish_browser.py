"""The static edition in Debian's chromium, opened from file:// with every request that is not a file
blocked: the map page shows every institute and its filters work in the page; every Arabic region page
reads right to left. Screenshots go to artifacts/."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from atlas import publish
from atlas.i18n import pick

from .test_standalone_html import open_offline

# Gaps between the <h1>'s text and the left and right edges of its block.
GAPS = """() => {
    const h = document.querySelector("h1"), r = document.createRange();
    r.selectNodeContents(h);
    const text = r.getBoundingClientRect(), box = h.getBoundingClientRect();
    return [box.right - text.right, text.left - box.left];
}"""


@pytest.fixture(scope="module")
def site(ds, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edition's pages (the downloads, checked by tests/test_publish.py, are left out to save time)."""
    out = tmp_path_factory.mktemp("published") / "site"
    publish.publish(ds, out, progress=False, with_downloads=False)
    return out


VISIBLE_PINS = ("() => [...document.querySelectorAll('.atlas-pin')].filter(e => e.offsetParent !== null)"
                ".map(e => e.getAttribute('aria-label').split(' · ')[0])")
SHOWS = (f"(want) => document.readyState === 'complete' && !document.querySelector('.atlas-fonts-pending')"
         f" && JSON.stringify(({VISIBLE_PINS})().sort()) === JSON.stringify(want)")
"""The page has loaded (its filters applied), its pins wait for no font, and exactly ``want`` show."""


def visible_pins(page) -> list[str]:
    return sorted(page.evaluate(VISIBLE_PINS))


def shows(page, names) -> list[str]:
    """The names of the pins shown, once they are ``names`` (or after 15 s: then the assertion says what differs)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    want = sorted(names)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(SHOWS, arg=want, timeout=15_000)
    return visible_pins(page)


WATCH_MOVE = ("() => { window.__moved = false; const map = Object.values(window).find(v => v instanceof L.Map);"
              " map.once('moveend', () => { window.__moved = true; }); }")
"""Before a change that moves the map: ``window.__moved`` turns true once Leaflet has ended the move."""


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_map_page_shows_every_institute_offline(ds, browser, site, artifacts_dir, lang):
    context, page, attempts, errors, dialogs = open_offline(browser, site / lang / "index.html")
    try:
        everyone = [pick(r, "name", lang) for _, r in ds.institutes.iterrows()]
        assert shows(page, everyone) == sorted(everyone)
        assert page.locator("path.leaflet-interactive").count() >= 12
        count = page.locator("#atlas-filter-count")
        assert count.is_visible() and str(len(ds.institutes)) in count.inner_text()
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator(".pub-header").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        page.screenshot(path=str(artifacts_dir / f"publish_map_{lang}.png"))
        assert attempts == [] and errors == [] and dialogs == []
    finally:
        context.close()


def test_map_filters_by_specialisation_and_region_in_the_page(ds, browser, site, artifacts_dir):
    from atlas.view import View, apply_filters

    context, page, attempts, errors, _ = open_offline(browser, site / "en" / "index.html")
    try:
        assert shows(page, ds.institutes["name_en"]) == sorted(ds.institutes["name_en"])
        key = "energy"
        expected = sorted(apply_filters(ds, View(lang="en", specialisations=(key,)))["name_en"])
        assert 0 < len(expected) < len(ds.institutes)
        page.select_option("#atlas-filter-spec", key)
        assert shows(page, expected) == expected
        code = str(ds.institutes.iloc[0]["region_code"])
        page.select_option("#atlas-filter-spec", "")
        page.evaluate(WATCH_MOVE)
        page.select_option("#atlas-filter-region", code)
        in_region = sorted(ds.institutes_in(code)["name_en"])
        assert shows(page, in_region) == in_region
        link = page.locator("#atlas-filter-region-link")
        assert link.is_visible() and link.get_attribute("href") == f"region-{code}.html"
        page.wait_for_function("() => window.__moved", timeout=15_000)  # the map has zoomed to the region
        page.screenshot(path=str(artifacts_dir / "publish_map_filtered_en.png"))
        page.click("#atlas-filter-reset")
        assert shows(page, ds.institutes["name_en"]) == sorted(ds.institutes["name_en"])
        assert attempts == [] and errors == []
    finally:
        context.close()


def offline_context(browser):
    """A context that can only load file: and data: URLs; returns (context, attempts)."""
    context = browser.raw.new_context(viewport={"width": 1280, "height": 900})
    context.set_offline(True)
    attempts: list[str] = []
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                  else (attempts.append(r.request.url), r.abort()))
    return context, attempts


def test_region_link_opens_the_map_filtered(ds, browser, site):
    code = str(ds.institutes.iloc[0]["region_code"])
    context, attempts = offline_context(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((site / "fr" / f"region-{code}.html").resolve().as_uri())
    try:
        page.click(f'a[href="index.html#region={code}"]')
        page.wait_for_selector(".atlas-pin", state="attached", timeout=15_000)  # the others are hidden
        in_region = sorted(ds.institutes_in(code)["name_fr"])
        assert shows(page, in_region) == in_region
        assert page.locator("#atlas-filter-region").input_value() == code
        assert attempts == [] and errors == []
    finally:
        context.close()


def test_every_arabic_region_page_reads_right_to_left(ds, browser, site, artifacts_dir):
    context, attempts = offline_context(browser)
    page = context.new_page()
    try:
        for code in ds.regions.index:
            page.goto((site / "ar" / f"region-{code}.html").resolve().as_uri())
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            assert page.locator("html").get_attribute("lang") == "ar"
            # Right to left: the title's text starts at the right edge of its block.
            right_gap, left_gap = page.evaluate(GAPS)
            assert right_gap < 2 < left_gap, (code, right_gap, left_gap)
            if code == "10":
                page.screenshot(path=str(artifacts_dir / "publish_region_10_ar.png"))
        page.goto((site / "fr" / "region-10.html").resolve().as_uri())
        assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
        right_gap, left_gap = page.evaluate(GAPS)
        assert left_gap < 2 < right_gap
        page.screenshot(path=str(artifacts_dir / "publish_region_10_fr.png"))
        assert attempts == []
    finally:
        context.close()
