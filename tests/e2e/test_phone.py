"""The map page on a phone, 390×844, in French and Arabic (issue 15): the map shows on the first screen
under a short header, nothing scrolls sideways, the caveats and the region card follow the map, the
filters wait in
Streamlit's collapsible sidebar, a card fits the screen, and every tap target is at least 44 px.
Screenshots: ``artifacts/phone_map_<lang>.png`` and ``artifacts/phone_card_<lang>.png``."""

from __future__ import annotations

import pytest

from atlas.i18n import pick, t
from tests.e2e._a11y import MAP_FRAME, PHONE, TIMEOUT_MS, box_of, horizontal_overflow, map_frame, open_page

TAP = 44


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_map_page_on_a_phone(streamlit_server, browser, ds, lang, artifacts_dir):
    page = browser.new_page(viewport=PHONE)
    try:
        open_page(page, streamlit_server, "/", lang)
        width, height = PHONE["width"], PHONE["height"]
        assert horizontal_overflow(page) == 0

        # The map starts in the upper half of the first screen and spans the screen's width.
        frame_box = box_of(page.locator(MAP_FRAME))
        assert frame_box["y"] < height / 2, f"the map starts at {frame_box['y']:.0f} px, below half the screen"
        assert frame_box["width"] >= width - 40 and frame_box["x"] >= 0 and frame_box["x"] + frame_box["width"] <= width
        title = box_of(page.locator("[data-testid=stMain] h1").first)
        assert title["y"] < frame_box["y"] and title["x"] >= 0 and title["x"] + title["width"] <= width

        # The caveats panel follows the map, and the region card follows the caveats.
        caveats = box_of(page.locator(".st-key-caveats_panel"))
        assert caveats["y"] >= frame_box["y"] + frame_box["height"] - 1
        assert caveats["x"] >= 0 and caveats["x"] + caveats["width"] <= width
        panel = box_of(page.locator(".st-key-side_panel"))
        assert panel["y"] >= caveats["y"] + caveats["height"] - 1
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= width

        # Filters: in the collapsed sidebar, behind a 44 px button.
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.get_attribute("data-collapsed") == "true"
        assert box_of(sidebar)["x"] + box_of(sidebar)["width"] <= 0, "the sidebar covers the page"
        opener = page.locator("[data-testid=stExpandSidebarButton]")
        box = box_of(opener)
        assert box["width"] >= TAP and box["height"] >= TAP, f"sidebar button {box}"
        page.screenshot(path=str(artifacts_dir / f"phone_map_{lang}.png"))

        # Every pill of the page (lens, specialisations, regions) is a 44 px tap target.
        pills = page.locator(
            "[data-testid=stMain] [data-testid=stButtonGroup] :is([role=toolbar], [role=radiogroup]) button"
        ).evaluate_all(
            "els => els.map(b => [b.innerText.slice(0, 20), Math.round(b.getBoundingClientRect().height)])"
        )
        assert len(pills) >= 2 + len(ds.specialisations) + len(ds.regions), pills
        assert not [p for p in pills if p[1] < TAP], f"pills under {TAP} px: {pills}"

        # Tap targets of the map: zoom buttons, legend toggles, pins (hit area), and the card's close button.
        frame = page.frame_locator(MAP_FRAME)
        sizes = frame.locator("body").evaluate(
            """() => {
                const out = [];
                const add = (what, el, r) => out.push([what, Math.round(r.width), Math.round(r.height)]);
                document.querySelectorAll('.leaflet-bar a, .atlas-legend summary').forEach(
                    el => add(el.textContent.trim().slice(0, 20), el, el.getBoundingClientRect()));
                document.querySelectorAll('.atlas-pin-wrap').forEach(el => {
                    const r = el.getBoundingClientRect(), b = getComputedStyle(el, '::before');
                    const grow = b.content === 'none' ? 0 : -2 * parseFloat(b.left);
                    add('pin', el, {width: r.width + grow, height: r.height + grow});
                });
                return out;
            }"""
        )
        small = [s for s in sizes if s[1] < TAP or s[2] < TAP]
        assert len(sizes) > 6 and not small, f"tap targets under {TAP} px: {small}"

        # A card fits the screen.
        iid = "jazari-guelmim"
        name = pick(ds.institutes.loc[iid], "name", lang)
        frame.locator(f'.atlas-pin[aria-label^="{name}"]').click()
        card = frame.locator(".leaflet-popup")
        card.wait_for(state="visible", timeout=TIMEOUT_MS)
        frame.locator(".leaflet-popup .atlas-card").wait_for(timeout=TIMEOUT_MS)
        # Leaflet pans the map to show the whole card: wait for that pan to end.
        map_frame(page).wait_for_function("!map._panAnim || !map._panAnim._inProgress", timeout=TIMEOUT_MS)
        frame_box = box_of(page.locator(MAP_FRAME))
        card_box = box_of(card)
        left, top = frame_box["x"], frame_box["y"]
        right, bottom = left + frame_box["width"], top + frame_box["height"]
        assert left <= card_box["x"] and card_box["x"] + card_box["width"] <= right, f"card {card_box}"
        assert top <= card_box["y"] and card_box["y"] + card_box["height"] <= bottom, f"card {card_box}"
        close = box_of(frame.locator(".leaflet-popup-close-button"))
        assert close["width"] >= TAP and close["height"] >= TAP
        assert frame.locator(".atlas-legend:visible").count() == 0, "a legend is drawn over the open card"
        assert horizontal_overflow(page) == 0
        page.screenshot(path=str(artifacts_dir / f"phone_card_{lang}.png"))

        # The sidebar opens; its toggle button shows every filter.
        page.locator("[data-testid=stExpandSidebarButton]").click()
        sidebar.wait_for(state="visible", timeout=TIMEOUT_MS)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=stSidebar]').getAttribute('data-collapsed') === 'false'",
            timeout=TIMEOUT_MS,
        )
        page.locator(".st-key-w_more button").last.click()
        page.get_by_text(t("filter.search", lang), exact=True).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert horizontal_overflow(page) == 0
        page.screenshot(path=str(artifacts_dir / f"phone_filters_{lang}.png"))
    finally:
        page.context.close()
