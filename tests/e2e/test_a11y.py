"""axe-core audits (issue 15): 4 pages × fr, ar, en × desktop (1400×1000) and phone (390×844) = 24
audits, each of the page and, on the map page, of the map's frame. Any serious or critical violation
fails, with a readable list of what and where; run with ``-s`` to see every audit's counts.

One Streamlit server for the module and one browser context per screen size, reused by its audits.
axe-core's script comes with the ``axe-playwright-python`` package (no network).
"""

from __future__ import annotations

from collections import Counter

import pytest

from atlas.i18n import LANGS
from tests.e2e._a11y import DESKTOP, PAGES, PHONE, failing, map_frame, open_page, report, run_axe

SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(scope="module")
def pages_by_size(browser):
    opened: dict[str, object] = {}
    contexts = []

    def get(size: str):
        if size not in opened:
            context = browser.new_context(viewport=SIZES[size])
            contexts.append(context)
            opened[size] = context.new_page()
        return opened[size]

    yield get
    for context in contexts:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_axe_violation(streamlit_server, pages_by_size, name, lang, size):
    page = pages_by_size(size)
    open_page(page, streamlit_server, PAGES[name], lang)
    found = {"page": run_axe(page)}
    if name == "map":
        frame = map_frame(page)
        assert frame is not None, "the map's frame is missing"
        found["map frame"] = run_axe(frame)
    counts = {where: dict(Counter(v["impact"] for v in vs)) for where, vs in found.items()}
    print(f"\naxe {name} {lang} {size}: {counts}")
    bad = {where: failing(vs) for where, vs in found.items()}
    text = "\n".join(report(f"{name} {lang} {size} {where}", vs) for where, vs in bad.items() if vs)
    assert not text, "axe found serious or critical violations:\n" + text
    assert page.context.blocked_requests == []


LABELS = """() => {
    const boxes = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const shown = [...document.querySelectorAll('.atlas-label')].filter(
        el => getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().width > 0);
    const pins = [...document.querySelectorAll('.atlas-pin')].map(boxes);
    const box = document.querySelector('.leaflet-container').getBoundingClientRect();
    return {zoom: map.getZoom(), labels: shown.map(el => [el.dataset.region, boxes(el)]), pins: pins,
            map: [box.left, box.top, box.right, box.bottom]};
}"""


def _overlap(a, b) -> bool:
    return not (a[2] <= b[0] or a[0] >= b[2] or a[3] <= b[1] or a[1] >= b[3])


@pytest.mark.parametrize("lang", LANGS)
def test_every_region_is_named_at_the_start_view(streamlit_server, pages_by_size, lang):
    """Issue 13: all 12 regions carry their name at the desktop start view, inside the map, with no
    label over another or over a marker."""
    page = pages_by_size("desktop")
    open_page(page, streamlit_server, "/", lang)
    seen = map_frame(page).evaluate(LABELS)
    codes = sorted(code for code, _ in seen["labels"])
    assert codes == [f"{i:02d}" for i in range(1, 13)], f"labels at zoom {seen['zoom']}: {codes}"
    boxes = [box for _, box in seen["labels"]]
    for i, (code, box) in enumerate(seen["labels"]):
        assert box[0] >= seen["map"][0] and box[2] <= seen["map"][2], f"label {code} leaves the map"
        assert not any(_overlap(box, other) for other in boxes[i + 1:]), f"label {code} overlaps another"
        assert not any(_overlap(box, pin) for pin in seen["pins"]), f"label {code} covers a marker"
