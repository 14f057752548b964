"""A keyboard-only journey on the map page (issue 15): Tab reaches every filter of the sidebar (Space on
its toggle button shows the filters behind it), then the map (arrows move it, + zooms), each region and each
institute marker (named: institute, region, specialisation, status); Enter opens a marker's card with
the focus inside it, Escape closes it and gives the focus back to the marker; Tab then reaches the
caveats beside the map and the card below it, both showing the selected region. Every stop shows its
focus. Nothing here uses the mouse."""

from __future__ import annotations

import pytest

from atlas import load
from atlas.i18n import pick, t
from atlas.present import region_name
from atlas.view import View, apply_filters
from tests.conftest import DATA
from tests.e2e._a11y import (
    DESKTOP,
    FOCUS_BOX,
    MAP_FRAME,
    TIMEOUT_MS,
    active,
    focus_ring_visible,
    map_frame,
    open_page,
    settle,
)

FILTERS = ("sidebar.language", "filter.specialisation", "lens.label", "filter.region", "filter.status",
           "filter.confidence", "filter.search", "filter.figure")
IDLE = "!map.getPane('mapPane').classList.contains('leaflet-zoom-anim')"  # no zoom animation running
TARGET = "jazari-guelmim"  # the institute whose card the journey opens


@pytest.fixture(scope="module")
def ds():
    return load(DATA)


def _tab_until(page, done, limit: int, seen: list[dict], visible_misses: list[str]):
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = active(page)
        seen.append(now)
        if now["inFrame"]:  # a marker reached with Tab may pan the map into view: let it end
            map_frame(page).wait_for_function("!map._panAnim || !map._panAnim._inProgress", timeout=TIMEOUT_MS)
        if not focus_ring_visible(page):
            box = page.evaluate(FOCUS_BOX)
            visible_misses.append(f"{now['tag']} role={now['role']} {now['label'][:60]!r} at {box}")
        if done(now):
            return now
    raise AssertionError(f"not reached in {limit} Tab presses; last stops: {seen[-6:]}")


def test_keyboard_only_journey(streamlit_server, browser, ds, artifacts_dir):
    lang = "fr"
    page = browser.new_page(viewport=DESKTOP)
    try:
        open_page(page, streamlit_server, "/", lang)
        seen: list[dict] = []
        misses: list[str] = []

        # 1. Every filter (the sidebar's, then the lens and the specialisation pills above the map), then
        # the map. The sidebar's toggle button shows its filters (Space), next in the Tab order.
        _tab_until(page, lambda a: a["sidebar"] and a["label"] == t("sidebar.filters_menu", lang), 40, seen, misses)
        page.keyboard.press("Space")
        page.locator(".st-key-w_fig").wait_for(timeout=TIMEOUT_MS)
        settle(page)
        _tab_until(page, lambda a: a["container"], 80, seen, misses)
        labels = {a["label"] for a in seen if not a["inFrame"]}
        for key in FILTERS:
            assert t(key, lang) in labels, f"the filter {t(key, lang)!r} is not reachable with Tab: {sorted(labels)}"
        assert seen[-1]["label"] == t("a11y.map", lang)

        # 2. The map moves with the arrows and zooms with +.
        frame = map_frame(page)
        centre = frame.evaluate("map.getCenter().lng")
        page.keyboard.press("ArrowRight")
        frame.wait_for_function(f"Math.abs(map.getCenter().lng - {centre}) > 0.1", timeout=TIMEOUT_MS)
        zoom = frame.evaluate("map.getZoom()")
        page.keyboard.press("+")
        frame.wait_for_function(f"map.getZoom() > {zoom} && {IDLE}", timeout=TIMEOUT_MS)
        zoomed = frame.evaluate("map.getZoom()")
        page.keyboard.press("-")
        frame.wait_for_function(f"map.getZoom() < {zoomed} && {IDLE}", timeout=TIMEOUT_MS)
        # Back to the start view, every marker in sight (a reset, not a user step).
        frame.evaluate(f"map.setZoom({zoom}, {{animate: false}})")

        # 3. Each region, then each marker, is a named Tab stop.
        shown = apply_filters(ds, View(lang=lang))
        target = pick(shown.loc[TARGET], "name", lang)
        stop = _tab_until(page, lambda a: a["marker"] and a["label"].startswith(target), 60, seen, misses)
        regions = [a for a in seen if a["region"]]
        assert len(regions) == 12
        for code in ds.regions.index:
            name = region_name(ds, code, lang)
            assert any(a["label"].startswith(name) for a in regions), f"region {name} is not a named Tab stop"
        assert stop["role"] == "button"
        row = shown.loc[TARGET]
        for part in (region_name(ds, str(row["region_code"]), lang), t(f"status.{row['status']}", lang)):
            assert part in stop["label"], f"{part!r} missing from the marker's name {stop['label']!r}"

        # 4. Enter opens the card with the focus inside; Escape closes it and the focus returns.
        page.keyboard.press("Enter")
        popup = page.frame_locator(MAP_FRAME).locator(".leaflet-popup .atlas-card")
        popup.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert target in popup.inner_text()
        inside = active(page)
        assert inside["popup"], f"the focus stayed outside the card: {inside}"
        assert focus_ring_visible(page)
        page.screenshot(path=str(artifacts_dir / "keyboard_popup_fr.png"))
        page.keyboard.press("Escape")
        popup.wait_for(state="detached", timeout=TIMEOUT_MS)
        back = active(page)
        assert back["marker"] and back["label"].startswith(target), f"the focus did not return: {back}"

        # 5. Enter selected the marker's region; Tab goes on to the caveats beside the map, then to the card
        # below it, both showing that region.
        region = region_name(ds, str(row["region_code"]), lang)
        page.wait_for_function(f"() => location.search.includes('sel={row['region_code']}')", timeout=TIMEOUT_MS)
        settle(page)  # the page's run for the selection is over
        caveat_stop = _tab_until(page, lambda a: a["caveats"], 40, seen, misses)
        assert caveat_stop["tag"] == "SUMMARY" or caveat_stop["tag"] == "A", caveat_stop
        assert region in page.locator(".st-key-caveats_panel").inner_text()
        panel_stop = _tab_until(page, lambda a: a["panel"], 80, seen, misses)
        assert not panel_stop["inFrame"]
        panel = page.locator(".st-key-side_panel")
        assert region in panel.inner_text()
        markers = {a["label"].split(" · ")[0] for a in seen if a["marker"]}
        assert markers == {pick(r, "name", lang) for _, r in shown.iterrows()}, "not every marker was a Tab stop"
        assert not misses, "focus not visible at: " + "; ".join(misses)
    finally:
        page.context.close()
