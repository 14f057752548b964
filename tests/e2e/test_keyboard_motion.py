"""Reduced motion (issue 15): with ``prefers-reduced-motion: reduce`` the map zooms and pans without
animation; without it, Leaflet animates as usual (so the test can tell the difference)."""

from __future__ import annotations

import pytest

from tests.e2e._a11y import DESKTOP, map_frame, open_page

COUNT = """() => new Promise(resolve => {
    const seen = {zoomanim: 0, panAnimated: false};
    map.on('zoomanim', () => seen.zoomanim++);
    map.once('zoomend', () => {
        map.once('moveend', () => resolve(seen));
        map.panBy([120, 0]);
        seen.panAnimated = map.getPane('mapPane').classList.contains('leaflet-pan-anim');
    });
    map.zoomIn(1);
})"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_zoom_and_pan_follow_the_motion_preference(streamlit_server, browser, motion):
    page = browser.new_page(viewport=DESKTOP, reduced_motion=motion)
    try:
        open_page(page, streamlit_server, "/", "fr")
        frame = map_frame(page)
        seen = frame.evaluate(COUNT)
        still = frame.evaluate("map.getContainer().getAttribute('data-atlas-still')")
        if motion == "reduce":
            assert still == "1"
            assert seen["zoomanim"] == 0, f"the zoom was animated: {seen}"
            assert not seen["panAnimated"], f"the pan was animated: {seen}"
        else:
            assert still is None
            assert seen["zoomanim"] == 1 and seen["panAnimated"], f"Leaflet should animate here: {seen}"
    finally:
        page.context.close()
