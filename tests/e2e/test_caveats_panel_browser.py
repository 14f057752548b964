"""Issue 28 in a real browser: the commentary's caveats in a panel beside the map.

At 1440 × 900 the panel stands beside the map (on its left in Arabic) and, without scrolling, shows its
heading and the opening lines of the two caveats the design card names (resourcing, critical mass),
with the census credit in view and lines of at least 45 characters. A click on a region of the map
changes the panel to that region; a link to a caveat opens it; printed, every caveat shows; on a phone
the panel follows the map. Screenshots: ``artifacts/caveats_<lang>_<width>_<view>.png`` (the ones in
docs/ are copies of these).
"""

from __future__ import annotations

import pytest

from atlas import mapview
from atlas.i18n import t
from atlas.present import region_name
from tests.e2e._a11y import MAP_FRAME, PHONE, TIMEOUT_MS, box_of, horizontal_overflow, map_frame, open_page, settle

WIDE = {"width": 1440, "height": 900}
PANEL = ".st-key-caveats_panel .atlas-caveats"
MIN_LINE = 45

# Characters on each rendered line of each element matched by a selector (a line = the characters
# whose boxes share a top, within 3 px).
LINE_LENGTHS = """(selector) => [...document.querySelectorAll(selector)].map(el => {
    const tops = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const box = range.getClientRects()[0];
            if (box && box.width > 0) tops.push(box.top);
        }
    }
    const lines = [];
    for (const top of tops) {
        const line = lines.find(l => Math.abs(l.top - top) < 3);
        if (line) line.count++; else lines.push({top: top, count: 1});
    }
    return lines.sort((a, b) => a.top - b.top).map(l => l.count);
})"""


def _open(page, base: str, lang: str, query: str = "") -> None:
    """The map page with ``query`` after ``?lang=…`` (``&sel=10``, ``#caveat-…``), settled, markers drawn."""
    if query:
        page.goto(f"{base}/?lang={lang}{query}", wait_until="domcontentloaded")
        page.wait_for_selector("[data-testid=stMain] h1", timeout=TIMEOUT_MS)
        settle(page)
    else:
        open_page(page, base, "/", lang)
    page.locator(PANEL).wait_for(timeout=TIMEOUT_MS)
    page.frame_locator(MAP_FRAME).locator(".atlas-pin").first.wait_for(state="visible", timeout=TIMEOUT_MS)


SHOW_PANEL = """el => {
    el.scrollIntoView({block: "start"});
    document.querySelector("[data-testid=stMain]").scrollBy(0, -240);
}"""
"""Scroll a phone's page to the panel, the end of the map above it (for the screenshot)."""


def _click_region(page, ds, code: str) -> None:
    """A click in the map's frame, at the place where the region's label sits."""
    lat, lon = mapview.label_points(ds)[code]
    point = map_frame(page).evaluate(
        f"(() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }})()"
    )
    container = box_of(page.frame_locator(MAP_FRAME).locator(".leaflet-container"))
    page.mouse.click(container["x"] + point[0], container["y"] + point[1])


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_panel_stands_beside_the_map_with_its_first_two_caveats_in_view(streamlit_server, browser, lang,
                                                                            artifacts_dir):
    page = browser.new_page(viewport=WIDE)
    try:
        _open(page, streamlit_server, lang)
        frame, panel = box_of(page.locator(MAP_FRAME)), box_of(page.locator(PANEL))
        # side by side: the same row, the panel after the map in the reading direction
        assert abs(panel["y"] - frame["y"]) < 40, (frame, panel)
        if lang == "ar":
            assert panel["x"] + panel["width"] <= frame["x"] + 1, "in Arabic the panel is on the map's left"
        else:
            assert panel["x"] >= frame["x"] + frame["width"] - 1, "the panel is on the map's right"
        assert frame["width"] > panel["width"] > 0.3 * (frame["width"] + panel["width"])

        # without scrolling: the heading, and the opening lines of resourcing and critical mass
        heading = page.locator(f"{PANEL} h2")
        assert heading.inner_text() == t("panel.caveats_title", lang)
        for anchor in ("caveat-resourcing", "caveat-critical-mass"):
            said = page.locator(f"#{anchor} .cv-said")
            assert said.is_visible(), anchor
            box = box_of(said)
            line = float(said.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
            assert box["y"] + 2 * line <= WIDE["height"], f"{anchor}'s opening lines are below the fold: {box}"
        assert box_of(heading)["y"] >= 0

        # the census credit under the figures, in view and not only on hover
        credit = page.locator("#caveat-resourcing .cv-flags + .cv-credit")
        assert credit.is_visible() and "RGPH 2024" in credit.inner_text()
        assert box_of(credit)["y"] + box_of(credit)["height"] <= WIDE["height"]

        # lines of at least 45 characters: in each paragraph, its full lines (all but the last) hold 45 on
        # average; one may hold fewer where a bold label or a long name moves to the next line
        lengths = page.evaluate(LINE_LENGTHS, f"{PANEL} details[open].cv :is(.cv-said, .cv-flags li)")
        full = [lines[:-1] for lines in lengths if len(lines) > 1]
        assert len(full) >= 4, lengths
        short = [lines for lines in full if sum(lines) / len(lines) < MIN_LINE or min(lines) < MIN_LINE - 10]
        assert not short, f"lines under {MIN_LINE} characters: {short} (all: {lengths})"
        print(f"characters per line, {lang}: {lengths}")

        assert horizontal_overflow(page) == 0
        assert page.locator("[data-testid=stException]").count() == 0
        assert page.context.blocked_requests == []
        page.screenshot(path=str(artifacts_dir / f"caveats_{lang}_1440_national.png"))
    finally:
        page.context.close()


def test_a_click_on_a_region_of_the_map_changes_the_panel(streamlit_server, browser, ds, artifacts_dir):
    from playwright.sync_api import expect

    page = browser.new_page(viewport=WIDE)
    try:
        _open(page, streamlit_server, "fr")
        intro = page.locator(f"{PANEL} .cv-intro")
        expect(intro).to_contain_text(t("cv.scope_national", "fr", total=12))
        _click_region(page, ds, "10")
        expect(intro).to_contain_text(region_name(ds, "10", "fr"), timeout=TIMEOUT_MS)
        page.wait_for_function("() => location.search.includes('sel=10')", timeout=TIMEOUT_MS)
        # that region's own flags now: Guelmim-Oued Noun's thin talent pool, with its numbers
        flags = page.locator("#caveat-resourcing .cv-flags")
        expect(flags).to_contain_text("signal levé (47 196", timeout=TIMEOUT_MS)
        # and the map draws that region's provinces
        drawn = page.frame_locator(MAP_FRAME).locator(".leaflet-container")
        expect(drawn).to_have_attribute("data-atlas-provinces-drawn", "10:higher_education_people", timeout=TIMEOUT_MS)
        settle(page)
        popup = page.frame_locator(MAP_FRAME).locator(".leaflet-popup-close-button")
        if popup.count():  # the click may have landed on the region's marker: close its card
            popup.click()
        page.mouse.move(5, 5)  # and no tooltip left over the map
        page.screenshot(path=str(artifacts_dir / "caveats_fr_1440_region10_clicked.png"))
        assert page.locator("[data-atlas-provinces]").count() == 1
    finally:
        page.context.close()


def test_a_link_to_a_caveat_opens_it_in_view(streamlit_server, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport=WIDE)
    try:
        _open(page, streamlit_server, "fr", "#caveat-dispersion")
        target = page.locator("#caveat-dispersion")
        expect(target).to_have_attribute("open", "", timeout=TIMEOUT_MS)
        expect(target.locator(".cv-said")).to_be_in_viewport(timeout=TIMEOUT_MS)
        assert page.evaluate("location.hash") == "#caveat-dispersion"  # the address to copy
        # printed, the caveats closed on screen show in full
        page.emulate_media(media="print")
        assert page.locator("#caveat-governance-funding .cv-said").evaluate("el => el.checkVisibility()")
    finally:
        page.context.close()


def test_on_a_phone_the_panel_follows_the_map(streamlit_server, browser, artifacts_dir):
    page = browser.new_page(viewport=PHONE)
    try:
        _open(page, streamlit_server, "fr")
        frame, panel = box_of(page.locator(MAP_FRAME)), box_of(page.locator(PANEL))
        assert panel["y"] >= frame["y"] + frame["height"] - 1
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= PHONE["width"]
        assert box_of(page.locator(".st-key-side_panel"))["y"] >= panel["y"] + panel["height"] - 1
        assert horizontal_overflow(page) == 0
        page.locator(PANEL).evaluate(SHOW_PANEL)
        page.screenshot(path=str(artifacts_dir / "caveats_fr_390_national.png"))
    finally:
        page.context.close()


@pytest.mark.parametrize(("lang", "viewport", "name"), [
    ("fr", WIDE, "caveats_fr_1440_region10.png"), ("ar", WIDE, "caveats_ar_1440_region10.png"),
    ("fr", PHONE, "caveats_fr_390_region10.png"),
])
def test_a_region_in_the_address_shows_in_the_panel(streamlit_server, browser, ds, lang, viewport, name,
                                                     artifacts_dir):
    from playwright.sync_api import expect

    page = browser.new_page(viewport=viewport)
    try:
        _open(page, streamlit_server, lang, "&sel=10")
        expect(page.locator(f"{PANEL} .cv-intro")).to_contain_text(region_name(ds, "10", lang), timeout=TIMEOUT_MS)
        assert page.locator("[data-testid=stException]").count() == 0
        if viewport is PHONE:
            page.locator(PANEL).evaluate(SHOW_PANEL)
        page.screenshot(path=str(artifacts_dir / name))
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_every_caveat_opened_passes_axe(streamlit_server, browser, lang):
    """axe on the page at 1440 px with a region selected and every caveat and its parts opened: no
    serious or critical violation in what the panel shows once a reader has opened it all."""
    from tests.e2e._a11y import failing, report, run_axe

    page = browser.new_page(viewport=WIDE)
    try:
        _open(page, streamlit_server, lang, "&sel=10")
        page.locator(PANEL).evaluate("el => el.querySelectorAll('details').forEach(d => { d.open = true; })")
        bad = failing(run_axe(page))
        assert not bad, "axe found serious or critical violations:\n" + report(f"caveats {lang}", bad)
    finally:
        page.context.close()
