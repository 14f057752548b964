"""The map in a real browser, with every non-local request blocked.

Run with ``-s`` to see the time from navigation to visible markers; the screenshot goes to
``artifacts/map.png``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from atlas import load, mapview
from atlas.i18n import pick
from atlas.view import View, apply_filters
from tests.conftest import DATA, read_rows, set_cell, write_rows
from tests.e2e._a11y import NEXT_FRAME, settle

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 60_000
WATCH_ZOOM = "() => { window.__zoomed = false; window.map.once('zoomend', () => { window.__zoomed = true; }); }"
"""Call in the map's frame before a zoom: ``window.__zoomed`` turns true once Leaflet has ended it."""


@pytest.fixture(scope="module")
def ds():
    return load(DATA)


def expect():
    from playwright.sync_api import expect as _expect

    return _expect


def map_frame(page):
    """The st_folium component's frame (it holds the Leaflet map)."""
    for frame in page.frames:
        if "st_folium" in frame.url:
            return frame
    raise AssertionError("no st_folium frame on the page")


def watch_map_requests(page) -> list[str]:
    """Non-local URLs requested from inside the map's frame (they are aborted: this records them)."""
    seen: list[str] = []

    def on_request(request):
        try:
            frame_url = request.frame.url
        except Exception:  # noqa: BLE001 - service workers have no frame
            return
        url = request.url
        if "st_folium" in frame_url and not url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
            seen.append(url)

    page.on("request", on_request)
    return seen


def test_map_markers_regions_filters_and_click(streamlit_server, page, ds, artifacts_dir):
    outside = watch_map_requests(page)
    everyone = list(apply_filters(ds, View()).index)
    energy = list(apply_filters(ds, View(specialisations=("energy",))).index)
    assert 0 < len(energy) < len(everyone)

    start = time.perf_counter()
    page.goto(streamlit_server + "/")
    frame = page.frame_locator(MAP_FRAME)
    pins = frame.locator(".atlas-pin")
    expect()(pins).to_have_count(len(everyone), timeout=TIMEOUT_MS)
    pins.first.wait_for(state="visible", timeout=TIMEOUT_MS)
    elapsed = time.perf_counter() - start
    print(f"\ntime from navigation to visible markers: {elapsed:.2f} s ({len(everyone)} markers)")

    expect()(frame.locator("path.atlas-region")).to_have_count(12, timeout=TIMEOUT_MS)
    for i in range(len(everyone)):
        assert pins.nth(i).is_visible()
    # The icon font is served locally: each marker's glyph has a width (a missing font draws nothing).
    glyph_width = frame.locator(".atlas-pin i").first.evaluate("el => el.getBoundingClientRect().width")
    assert glyph_width > 4
    # Labels and legends are drawn once the icon font is in (static/pins_after_font.js).
    frame.locator(".leaflet-container:not(.atlas-fonts-pending)").wait_for(timeout=TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "map.png"), full_page=False)
    assert outside == [], f"the map tried to load from the internet: {outside}"
    assert not [u for u in page.blocked_requests if "unpkg" in u or "jsdelivr" in u or "cdnjs" in u]

    # A click on a marker opens its card and selects its region in the side panel.
    iid = everyone[1]
    row = ds.institutes.loc[iid]
    iframe_top = page.locator(MAP_FRAME).bounding_box()["y"]
    frame.locator(f'.atlas-pin[aria-label^="{pick(row, "name", "fr")} · "]').click()
    # Leaflet's focus on mousedown must not scroll the page (the click would land elsewhere).
    assert page.locator(MAP_FRAME).bounding_box()["y"] == iframe_top
    popup = frame.locator(".leaflet-popup .atlas-card")
    expect()(popup).to_contain_text(pick(row, "name", "fr"), timeout=TIMEOUT_MS)
    region = pick(ds.regions.loc[row["region_code"]], "name", "fr")
    expect()(page.locator('[data-testid="stMain"]')).to_contain_text(region, timeout=TIMEOUT_MS)
    page.wait_for_function(f"() => window.location.search.includes('sel={row['region_code']}')", timeout=TIMEOUT_MS)
    settle(page)  # the rerun that selected the region is over ...
    expect()(popup).to_be_visible()  # ... and did not close the popup

    # Filter with the pills above the map: the marker set shrinks, and the map keeps the user's zoom.
    # (The first change of a fresh server's first session: tests/e2e/test_fresh_server.py.)
    # On a map this narrow (the caveats stand beside it) the open card takes the map's width and the
    # controls step aside: close it first.
    frame.locator(".leaflet-popup-close-button").click()
    expect()(popup).to_have_count(0, timeout=TIMEOUT_MS)
    map_frame(page).evaluate(WATCH_ZOOM)
    frame.locator(".leaflet-control-zoom-in").click()
    map_frame(page).wait_for_function("() => window.__zoomed", timeout=TIMEOUT_MS)
    zoom_before = map_frame(page).evaluate("window.map.getZoom()")
    energy_label = pick(ds.specialisations.loc["energy"], "label", "fr")
    pill = page.locator(".st-key-w_spec").get_by_role("button", name=energy_label)
    pill.click()
    expect()(pill).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT_MS)
    expect()(pins).to_have_count(len(energy), timeout=TIMEOUT_MS)
    assert map_frame(page).evaluate("window.map.getZoom()") == zoom_before
    page.wait_for_function("() => window.location.search.includes('spec=energy')", timeout=TIMEOUT_MS)
    assert outside == []


def test_specialisation_in_the_url_changes_the_markers(streamlit_server, page, ds):
    energy = list(apply_filters(ds, View(specialisations=("energy",))).index)
    page.goto(streamlit_server + "/?spec=energy")
    pins = page.frame_locator(MAP_FRAME).locator(".atlas-pin")
    expect()(pins).to_have_count(len(energy), timeout=TIMEOUT_MS)
    # A pin's accessible name starts with the institute's name (then region, specialisation, status).
    labels = {pins.nth(i).get_attribute("aria-label").split(" · ")[0] for i in range(len(energy))}
    assert labels == {pick(ds.institutes.loc[i], "name", "fr") for i in energy}


def test_region_click_selects_the_region(streamlit_server, page, ds):
    page.goto(streamlit_server + "/?lang=en")
    frame = page.frame_locator(MAP_FRAME)
    expect()(frame.locator(".atlas-pin")).to_have_count(len(ds.institutes), timeout=TIMEOUT_MS)
    # Souss-Massa (09) has no institute: click the middle of its shape.
    box = frame.locator("path.atlas-region-09").bounding_box()
    lat, lon = mapview.label_points(ds)["09"]
    point = map_frame(page).evaluate(f"(() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]); "
                                     "return [p.x, p.y]; })()")
    container = frame.locator(".leaflet-container").bounding_box()
    assert box is not None and container is not None
    page.mouse.click(container["x"] + point[0], container["y"] + point[1])
    expect()(page.locator('[data-testid="stMain"]')).to_contain_text(
        pick(ds.regions.loc["09"], "name", "en"), timeout=TIMEOUT_MS
    )
    page.wait_for_function("() => window.location.search.includes('sel=09')", timeout=TIMEOUT_MS)


HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`\\</script><script>alert(3)</script>"


def test_hostile_names_show_as_text_in_a_standalone_map(page, tmp_path: Path):
    """Names with markup, backticks and backslashes are shown as text in tooltips and popups."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    set_cell(data / "institutes.csv", "id", "jazari-guelmim", "name_fr", HOSTILE)
    set_cell(data / "regions.csv", "code", "09", "name_fr", "Souss " + HOSTILE)
    header, rows = read_rows(data / "sources.csv")
    for r in rows:
        if r["institute_id"] == "jazari-guelmim":
            r["publisher"] = HOSTILE
    write_rows(data / "sources.csv", header, rows)
    hostile = load(data)
    out = tmp_path / "map.html"
    out.write_text(mapview.build_map(hostile, View(), asset_mode="inline").get_root().render(), encoding="utf-8")

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(out.as_uri())
    pins = page.locator(".atlas-pin")
    expect()(pins).to_have_count(len(hostile.institutes), timeout=TIMEOUT_MS)
    pin = page.locator('.atlas-pin[aria-label^="<img"]')
    pin.hover()
    expect()(page.locator(".leaflet-tooltip")).to_contain_text(HOSTILE, timeout=TIMEOUT_MS)
    pin.click()
    card = page.locator(".leaflet-popup .atlas-card")
    expect()(card).to_contain_text(HOSTILE, timeout=TIMEOUT_MS)
    assert card.locator("img, script").count() == 0
    # The region tooltip (GeoJSON properties) and the region label.
    assert HOSTILE in page.locator('.atlas-label[data-region="09"] .atlas-label-full').text_content()
    assert page.locator("img[src=x]").count() == 0  # no element that could run the text as script ...
    page.evaluate(NEXT_FRAME)
    assert dialogs == []  # ... and nothing ran


def test_the_toolbar_choice_follows_the_visitor_to_another_page_and_back(streamlit_server, page, ds):
    """A pill and the lens chosen above the map are still chosen on the regions page (its sidebar)
    and back on the map, after page changes through the navigation menu."""
    from atlas.i18n import t

    energy = list(apply_filters(ds, View(specialisations=("energy",))).index)
    label = pick(ds.specialisations.loc["energy"], "label", "fr")
    page.goto(streamlit_server + "/")
    pins = page.frame_locator(MAP_FRAME).locator(".atlas-pin")
    expect()(pins).to_have_count(len(ds.institutes), timeout=TIMEOUT_MS)
    pill = page.locator(".st-key-w_spec").get_by_role("button", name=label, exact=True)
    pill.click()
    expect()(pins).to_have_count(len(energy), timeout=TIMEOUT_MS)
    page.get_by_text(t("lens.conventions", "fr"), exact=True).click()
    page.wait_for_function("() => location.search.includes('lens=conventions')", timeout=TIMEOUT_MS)

    page.get_by_role("link", name=t("nav.regions", "fr")).first.click()
    page.wait_for_function("() => location.pathname.endsWith('/regions')", timeout=TIMEOUT_MS)
    sidebar = page.locator("[data-testid=stSidebar]")
    expect()(sidebar.locator(".st-key-w_spec")).to_contain_text(label, timeout=TIMEOUT_MS)
    expect()(sidebar.get_by_role("radio", name=t("lens.conventions", "fr"))).to_be_checked(timeout=TIMEOUT_MS)
    page.wait_for_function("() => location.search.includes('spec=energy')", timeout=TIMEOUT_MS)

    page.get_by_role("link", name=t("nav.map", "fr")).first.click()
    expect()(pins).to_have_count(len(energy), timeout=TIMEOUT_MS)
    expect()(page.locator(".st-key-w_spec").get_by_role("button", name=label, exact=True)).to_have_attribute(
        "aria-pressed", "true", timeout=TIMEOUT_MS)
    assert "spec=energy" in page.url and "lens=conventions" in page.url, page.url
