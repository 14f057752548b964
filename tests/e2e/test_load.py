"""Under load and at scale, in Debian's chromium with every non-local request blocked.

- 20 browser contexts open the home page at once against one ``streamlit run`` server, each with
  the specialisation filter in the URL, and download the map page's CSV: no error anywhere, every
  file complete (``tests/support/sessions.py``; ``bench/concurrent_sessions.py`` prints their timings);
- a 2,000-institute map (canvas point layer) draws every point, and a hostile name in the data
  shows as text in its tooltip and popup.

No timing assertions: the figures come from the bench scripts.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from atlas import load, mapview, synthetic
from atlas.view import View
from tests.conftest import read_rows, write_rows
from tests.e2e._a11y import NEXT_FRAME, settle
from tests.support import sessions

SESSIONS = 20
FIND_MAP = "() => { const map = Object.values(window).find(v => v instanceof L.Map);"
FIND_POINTS = FIND_MAP + " let pts = null; map.eachLayer(l => { if (l.atlasPoints) pts = l; });"
HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`\\</script><script>alert(3)</script>"


def run_sessions(url: str, count: int) -> list[sessions.Session]:
    """``tests.support.sessions.run`` in a thread of its own (the sync Playwright of the other browser
    tests owns this thread's event loop)."""
    out: dict = {}

    def target() -> None:
        try:
            out["results"] = asyncio.run(sessions.run(url, count))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            out["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["results"]


def test_twenty_sessions_at_once_each_filter_and_download_a_complete_csv(streamlit_server, browser):
    results = run_sessions(streamlit_server, SESSIONS)
    assert len(results) == SESSIONS
    errors = [(r.index, e) for r in results for e in r.errors]
    assert errors == []
    markers, _ = sessions.expected()
    assert all(r.markers == markers for r in results)  # the filter from the URL reached every session
    assert all(r.csv_rows == 12 for r in results)  # every download complete (BOM, 12 regions, exact bytes)


def test_thousands_of_points_draw_on_a_canvas_and_hostile_text_stays_text(page, tmp_path: Path, artifacts_dir):
    n = 2_000
    out = synthetic.write_synthetic(tmp_path / "data", n)
    header, rows = read_rows(out / "institutes.csv")
    rows[0]["name_fr"] = HOSTILE
    write_rows(out / "institutes.csv", header, rows)
    ds = load(out)
    html = tmp_path / "map.html"
    html.write_text(mapview.build_map(ds, View(), asset_mode="inline").get_root().render(), encoding="utf-8")

    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(html.as_uri())
    page.wait_for_selector(f'[data-atlas-points="{n}"]', timeout=60_000)
    assert page.locator("canvas").count() >= 1
    assert page.locator(".atlas-pin").count() == 0  # no DOM element per institute
    # One layer of our own holds every institute (no Leaflet object or DOM element per point), and its
    # canvas shows them: thousands of painted pixels.
    layers, count, painted = page.evaluate(FIND_POINTS + """
        const canvas = document.querySelector(".atlas-points-canvas"), ctx = canvas.getContext("2d");
        const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) painted++; }
        return [Object.keys(map._layers).length, pts.count(), painted]; }""")
    assert count == n and layers < 100
    assert painted > n * 10
    # Hover, then click, the hostile institute's point with the mouse (zoomed in).
    x, y = page.evaluate(FIND_POINTS + """
        const id = "synth-00001";
        map.setView(map.containerPointToLatLng(pts.pointOf(id)), 11, {animate: false});
        const p = pts.pointOf(id), box = map.getContainer().getBoundingClientRect();
        return [p.x + box.left, p.y + box.top]; }""")
    # The regions below the canvas still answer the pointer: a spot of the region with no point shows
    # the region's tooltip; on the point, the point's tooltip shows and the region's steps aside.
    ex, ey = page.evaluate(FIND_POINTS + """
        const box = map.getContainer().getBoundingClientRect();
        for (let dx = 30; dx < 400; dx += 7) {
            for (const sy of [1, -1]) {
                const x = box.left + box.width / 2 + dx, y = box.top + box.height / 2 + sy * dx / 2;
                const el = document.elementFromPoint(x, y);
                if (el && el.matches("path.leaflet-interactive") && pts._pointAt({clientX: x, clientY: y}) < 0) {
                    return [x, y];
                }
            }
        }
        return [null, null]; }""")
    assert ex is not None
    region_tip = page.locator(".leaflet-tooltip:not(.atlas-point-tip)")
    page.mouse.move(ex, ey)
    region_tip.wait_for(state="visible", timeout=5_000)
    assert "Tanger" in region_tip.text_content()
    tip = page.locator(".leaflet-tooltip.atlas-point-tip")
    page.mouse.move(x, y)
    tip.wait_for(state="visible", timeout=5_000)
    assert region_tip.is_hidden()
    tip_text = tip.text_content()
    page.mouse.click(x, y)
    card = page.locator(".leaflet-popup .atlas-card")
    card.wait_for(state="visible", timeout=5_000)
    texts = [tip_text, card.text_content(), card.locator("img, script").count()]
    assert HOSTILE in texts[0] and HOSTILE in texts[1]
    assert texts[2] == 0
    assert page.locator("img[src=x]").count() == 0  # no element that could run the text as script ...
    page.evaluate(NEXT_FRAME)
    assert dialogs == [] and errors == []  # ... and nothing ran
    assert page.blocked_requests == []
    page.screenshot(path=str(artifacts_dir / "scale_2000_popup.png"))


def test_a_click_on_one_of_thousands_of_points_opens_its_card_and_selects_its_region(start_streamlit, page, tmp_path):
    """In the app: the canvas points report their region through st_folium like the pins do, and a click
    between them reaches the region below."""
    out = synthetic.write_synthetic(tmp_path / "data", 600)
    url = start_streamlit({"ATLAS_DATA_DIR": str(out)})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/")
    frame_box = page.locator('iframe[title="streamlit_folium.st_folium"]')
    page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator('[data-atlas-points="600"]').wait_for(
        timeout=90_000)
    settle(page)  # the first run is over and nothing above the map moves any more: click where a user sees it
    frame = next(f for f in page.frames if "st_folium" in f.url)
    x, y = frame.evaluate(FIND_POINTS + """
        const id = "synth-00005";
        map.setView(map.containerPointToLatLng(pts.pointOf(id)), 10, {animate: false});
        // to the lower left, clear of the legends (top left and lower right) on a narrow map
        const size = map.getSize(), here = pts.pointOf(id);
        map.panBy([here.x - size.x * 0.22, here.y - size.y * 0.75], {animate: false});
        const p = pts.pointOf(id);
        return [p.x, p.y]; }""")
    code = load(out).institutes.loc["synth-00005", "region_code"]
    box = frame_box.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".leaflet-popup .atlas-card").wait_for(
        timeout=10_000)
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('sel') === '{code}'", timeout=30_000)
    region = load(out).regions.loc[code, "name_fr"]
    page.locator(".st-key-side_panel h3", has_text=region).first.wait_for(timeout=30_000)
    # Between the points, the canvas lets the click through: a spot of another region selects it.
    x, y, other = frame.evaluate(FIND_POINTS.replace("() =>", "(code) =>", 1) + """
        map.closePopup();
        map.fitBounds([[21, -17], [36, -1]], {animate: false});
        // the legends folded (the selected region's provinces bring one more): more of the map to search
        document.querySelectorAll(".atlas-legend details[open]").forEach((d) => { d.open = false; });
        const size = map.getSize();
        for (let y = 20; y < size.y - 20; y += 9) {
            for (let x = 20; x < size.x - 20; x += 9) {
                const el = document.elementFromPoint(x, y);
                const m = el && el.matches("path.leaflet-interactive") &&
                    /atlas-region-(\\w+)/.exec(el.className.baseVal);
                if (m && m[1] !== code && pts._pointAt({clientX: x, clientY: y}) < 0 &&
                        pts._pointAt({clientX: x, clientY: y, pointerType: "touch"}) < 0) {
                    return [x, y, m[1]];
                }
            }
        }
        return [null, null, null]; }""", code)
    assert other is not None
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('sel') === '{other}'", timeout=30_000)
    page.locator(".st-key-side_panel h3", has_text=load(out).regions.loc[other, "name_fr"]).first.wait_for(
        timeout=30_000)
    assert errors == []
    assert page.blocked_requests == []
