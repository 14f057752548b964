"""Issue 29 in a real browser: a selected region's provinces on the map (the institute's outlined, name,
figure and source on hover and on keyboard focus), the region card's province table adding up to the
region, another figure recolouring them, nothing of them in the national view, the within-reach figures
the same on the card, the regions page and the export, and axe with a region selected in fr/ar/en."""

from __future__ import annotations

import json
import re

import pytest

from atlas import load
from atlas.i18n import LANGS, t
from atlas.present import region_name
from atlas.reachview import COMPARISON_KEYS
from tests.e2e._a11y import DESKTOP, MAP_FRAME, TIMEOUT_MS, failing, map_frame, report, run_axe, settle

FILLS = "() => [...document.querySelectorAll('path.atlas-province')].map(p => p.getAttribute('fill'))"
CODES = """() => [...document.querySelectorAll('path.atlas-province')]
    .map(p => [...p.classList].find(c => /^atlas-province-\\d/.test(c)))"""


@pytest.fixture(scope="module")
def ds():
    return load()


def _open(page, base: str, path: str, query: str) -> None:
    page.goto(f"{base}{path}?{query}", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stMain] h1", timeout=TIMEOUT_MS)
    settle(page)


def _drawn(page, code: str, figure: str = "higher_education_people"):
    """The map's frame once it has drawn region ``code``'s provinces coloured by ``figure``."""
    page.frame_locator(MAP_FRAME).locator(
        f".leaflet-container[data-atlas-provinces-drawn='{code}:{figure}']").wait_for(timeout=TIMEOUT_MS)
    return map_frame(page)


def _number(text: str) -> int:
    digits = re.sub(r"[^\d]", "", text)
    assert digits, text
    return int(digits)


def test_oriental_provinces_drawn_nador_outlined_and_the_table_adds_up(streamlit_server, page, ds):
    _open(page, streamlit_server, "/", "lang=fr&sel=02")
    frame = _drawn(page, "02")
    drawn = sorted(frame.evaluate(CODES))
    assert drawn == sorted("atlas-province-" + c.replace(".", "-") for c in ds.provinces.of_region("02"))
    assert frame.locator("path.atlas-province-institute").count() == 1
    assert frame.locator("path.atlas-province-institute-02-381").count() == 1  # Nador

    rows = page.locator(".atlas-provinces tbody tr")
    assert rows.count() == 8
    cells = [[c.inner_text() for c in row.locator("td").all()] for row in rows.all()]
    names = [row.locator("th").inner_text() for row in rows.all()]
    assert any("Nador" in n and t("prov.institute_here", "fr") in n for n in names)
    assert sum(_number(c[0]) for c in cells) == int(ds.figures.at["02", "population"])
    assert sum(_number(c[4]) for c in cells) == int(ds.figures.at["02", "large_employers"])
    higher = sum(_number(c[1]) for c in cells)
    total = [c.inner_text() for c in page.locator(".atlas-provinces tfoot td").all()]
    assert _number(total[1]) == higher
    regional = int(ds.figures.at["02", "higher_education_people"])
    assert abs(higher - regional) <= 0.001 * ds.figures.at["02", "population"]  # the shares' rounding
    assert page.blocked_requests == []


# The region's provinces, in the map's frame: their extent, and the boxes of the legends over the map.
EXTENT_AND_LEGENDS = """() => {
    const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const paths = [...document.querySelectorAll('path.atlas-province')].map(box);
    return {
        map: box(document.querySelector('.leaflet-container')),
        provinces: [Math.min(...paths.map(p => p[0])), Math.min(...paths.map(p => p[1])),
                    Math.max(...paths.map(p => p[2])), Math.max(...paths.map(p => p[3]))],
        legends: [...document.querySelectorAll('.leaflet-control-container .leaflet-control')]
            .filter(el => el.offsetWidth && el.offsetHeight).map(box),
    };
}"""
SHOTS = {"02": "oriental", "10": "guelmim-oued-noun"}
VIEW = "() => [map.getCenter().lat, map.getCenter().lng, map.getZoom()]"


def _overlap(a, b) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("code", sorted(SHOTS))
def test_a_selected_region_fills_the_map_clear_of_the_legends(streamlit_server, browser, ds, code, lang,
                                                               artifacts_dir):
    """At 1440 px, beside the caveats panel, the map is narrow: the selected region is brought into the
    part of it the legends leave free, large enough to tell its provinces apart."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        _open(page, streamlit_server, "/", f"lang={lang}&sel={code}")
        frame = _drawn(page, code)
        settle(page)
        found = frame.evaluate(EXTENT_AND_LEGENDS)
        area = (found["provinces"][2] - found["provinces"][0]) * (found["provinces"][3] - found["provinces"][1])
        mapped = (found["map"][2] - found["map"][0]) * (found["map"][3] - found["map"][1])
        assert area >= 0.12 * mapped, f"the region takes {area / mapped:.0%} of the map: {found}"
        for side in (0, 1):  # within the map
            assert found["provinces"][side] >= found["map"][side] - 1, found
            assert found["provinces"][side + 2] <= found["map"][side + 2] + 1, found
        covered = sum(_overlap(found["provinces"], legend) for legend in found["legends"])
        assert covered <= 0.1 * area, f"legends cover {covered / area:.0%} of the region: {found}"
        assert page.context.blocked_requests == []
        page.mouse.move(5, 5)  # no tooltip over the map
        page.screenshot(path=str(artifacts_dir / f"provinces_{SHOTS[code]}_{lang}.png"))
        page.locator(".st-key-provinces_section").screenshot(
            path=str(artifacts_dir / f"provinces_{SHOTS[code]}_{lang}_table.png"))
    finally:
        page.context.close()


def test_clearing_the_region_gives_back_the_national_view(streamlit_server, page, ds):
    _open(page, streamlit_server, "/", "lang=fr")
    frame = map_frame(page)
    page.frame_locator(MAP_FRAME).locator(".atlas-pin").first.wait_for(timeout=TIMEOUT_MS)
    start = frame.evaluate(VIEW)
    page.locator(".st-key-panel_pick").get_by_role("radio", name=region_name(ds, "02", "fr"), exact=True).click()
    _drawn(page, "02")
    assert frame.evaluate("() => map.getZoom()") > start[2]  # the region is brought closer
    page.locator(".st-key-panel_clear").get_by_role("button").click()
    page.frame_locator(MAP_FRAME).locator(".leaflet-container:not([data-atlas-provinces-drawn])").wait_for(
        timeout=TIMEOUT_MS)
    after = frame.evaluate(VIEW)
    assert after == pytest.approx(start, abs=1e-6)


# A spot of the map's frame where what is under the pointer is region ``code``'s shape, or (code null) the
# map itself, no shape or control over it: searched on a grid, without moving the map.
SPOT = """(code) => {
    const size = map.getSize();
    for (let y = 12; y < size.y - 12; y += 6) {
        for (let x = 12; x < size.x - 12; x += 6) {
            const el = document.elementFromPoint(x, y);
            if (!el) { continue; }
            const hit = code ? el.matches("path.atlas-region-" + code)
                : !el.closest(".leaflet-control, .leaflet-marker-pane, .leaflet-tooltip-pane")
                  && !el.matches("path, .atlas-pin");
            if (hit) { return [x, y]; }
        }
    }
    return null;
}"""


def _click_spot(page, code: str | None) -> None:
    """A click in the map's frame on region ``code``'s shape, or on no region (``None``)."""
    spot = map_frame(page).evaluate(SPOT, code)
    assert spot is not None, f"no spot of {code or 'the sea'} in view"
    # scrolled into the page's view first if the spot is below it
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").click(position={"x": spot[0], "y": spot[1]})


# The first institute pin that nothing covers (a legend may lie over some on a narrow map): its index.
FREE_PIN = """() => [...document.querySelectorAll('.atlas-pin')].findIndex((pin) => {
    const r = pin.getBoundingClientRect();
    const el = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return el && el.closest('.atlas-pin') === pin;
})"""


def test_a_card_keeps_the_view_and_a_region_clicked_on_the_map_is_brought_into_view(
        streamlit_server, page, ds):
    """An institute's card opened on the map selects its region without moving the map (the card stays
    where the reader opened it, also once closed); a click on a region's shape brings that region into
    view, even after a click on the map that picked nothing."""
    _open(page, streamlit_server, "/", "lang=fr")
    frame = map_frame(page)
    pins = page.frame_locator(MAP_FRAME).locator(".atlas-pin")
    pins.first.wait_for(timeout=TIMEOUT_MS)
    start = frame.evaluate(VIEW)
    index = frame.evaluate(FREE_PIN)
    assert index >= 0, "every pin is covered"
    pins.nth(index).click()
    page.frame_locator(MAP_FRAME).locator(".leaflet-popup .atlas-card").wait_for(timeout=TIMEOUT_MS)
    page.keyboard.press("Escape")  # the card closed, as a reader may, before the provinces come
    page.wait_for_function("() => location.search.includes('sel=')", timeout=TIMEOUT_MS)
    code = page.evaluate("() => new URLSearchParams(location.search).get('sel')")
    _drawn(page, code)
    settle(page)
    # the map did not zoom to the region (the card may have panned it a little to show itself)
    assert frame.evaluate("() => map.getZoom()") == start[2]

    _click_spot(page, None)  # the sea: no region
    settle(page)
    assert page.evaluate("() => new URLSearchParams(location.search).get('sel')") == code
    _click_spot(page, "09")  # Souss-Massa: no institute, no card
    _drawn(page, "09")
    assert frame.evaluate("() => map.getZoom()") > start[2]  # brought closer


def test_a_province_says_its_name_figure_and_source_on_hover_and_on_focus(streamlit_server, page):
    _open(page, streamlit_server, "/", "lang=fr&sel=02")
    frame = _drawn(page, "02")
    figuig = page.frame_locator(MAP_FRAME).locator("path.atlas-province-02-251")
    box = figuig.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.75)
    tip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip", has_text="Figuig")
    tip.wait_for(timeout=TIMEOUT_MS)
    assert "Haut-Commissariat au Plan" in tip.inner_text()
    page.mouse.move(5, 5)
    label = frame.evaluate("() => document.querySelector('path.atlas-province-02-411').getAttribute('aria-label')")
    assert "Oujda-Angad" in label and "Haut-Commissariat au Plan" in label
    frame.evaluate("() => document.querySelector('path.atlas-province-02-411').focus()")
    page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip", has_text="Oujda-Angad").wait_for(timeout=TIMEOUT_MS)


def test_another_figure_recolours_the_provinces(streamlit_server, page, ds):
    _open(page, streamlit_server, "/", "lang=fr&sel=02")
    before = _drawn(page, "02").evaluate(FILLS)
    page.get_by_role("button", name=t("sidebar.filters_menu", "fr")).click()
    figure = page.locator(".st-key-w_fig")
    figure.wait_for(timeout=TIMEOUT_MS)
    figure.get_by_role("combobox").click()
    label = ds.figure_defs.loc["large_employers_per_100k", "label_fr"]
    page.get_by_role("option", name=label, exact=True).click()
    after = _drawn(page, "02", "large_employers_per_100k").evaluate(FILLS)
    assert len(after) == len(before) == 8
    assert after != before
    legend = page.frame_locator(MAP_FRAME).locator(".atlas-province-legend")
    assert label in legend.inner_text()


def test_the_national_view_sends_no_province(streamlit_server, page):
    _open(page, streamlit_server, "/", "lang=fr")
    page.frame_locator(MAP_FRAME).locator(".atlas-pin").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("[data-atlas-provinces]").count() == 0
    assert "02.381" not in page.content()
    frame = map_frame(page)
    assert frame.evaluate("() => document.querySelectorAll('path.atlas-province').length") == 0
    assert "02.381" not in frame.content()


def test_within_reach_is_the_same_on_the_card_the_regions_page_and_the_export(streamlit_server, page):
    lang = "en"
    _open(page, streamlit_server, "/", f"lang={lang}&sel=02")
    card = page.locator(".st-key-provinces_section").inner_text()
    found = {}
    for radius in (100, 200):
        match = re.search(rf"Within {radius} km of Nador in a straight line: ([\d,]+) people with higher education "
                          rf"and ([\d,]+) people aged", card)
        assert match, card
        found[radius] = (_number(match.group(1)), _number(match.group(2)))

    _open(page, streamlit_server, "/regions", f"lang={lang}")
    row = page.locator(".atlas-reach tr[data-institute='jazari-nador']")
    cells = [row.locator("th").inner_text(), *(c.inner_text() for c in row.locator("td").all())]
    by_key = dict(zip(COMPARISON_KEYS, cells, strict=True))
    regions_page = {r: (_number(by_key[f"higher_{r}"]), _number(by_key[f"young_{r}"])) for r in (100, 200)}

    _open(page, streamlit_server, "/export", f"lang={lang}")
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.get_by_role("button", name=t("export.btn.json", lang), exact=True).click()
    doc = json.loads(open(info.value.path(), encoding="utf-8").read())
    rec = next(r for r in doc["reach"] if r["id"] == "jazari-nador")
    export = {r: (rec[f"higher_{r}"], rec[f"young_{r}"]) for r in (100, 200)}
    assert found == regions_page == export


@pytest.mark.parametrize("lang", LANGS)
def test_no_serious_or_critical_axe_violation_with_a_region_selected(streamlit_server, browser, lang):
    page = browser.new_page(viewport=DESKTOP)
    try:
        _open(page, streamlit_server, "/", f"lang={lang}&sel=10")
        frame = _drawn(page, "10")
        found = {"page": run_axe(page), "map frame": run_axe(frame)}
        bad = {where: failing(vs) for where, vs in found.items()}
        text = "\n".join(report(f"map sel=10 {lang} {where}", vs) for where, vs in bad.items() if vs)
        assert not text, "axe found serious or critical violations:\n" + text
        table = page.locator(".atlas-provinces table")
        assert table.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        legend = frame.locator(".atlas-province-legend")
        assert legend.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    finally:
        page.context.close()
