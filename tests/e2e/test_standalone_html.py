"""The standalone HTML map opens from disk (file://) in Debian's chromium with ALL network blocked and
shows one marker per institute of the view; data text cannot run as script."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from atlas import exports, load
from atlas.i18n import pick
from atlas.view import View, apply_filters
from tests.e2e._a11y import NEXT_FRAME

REPO = Path(__file__).resolve().parents[2]
MAP_READY = "() => document.readyState === 'complete' && !document.querySelector('.atlas-fonts-pending')"
"""The page has loaded and its pins are shown (they wait for the icon font, two seconds at most)."""


def name_of(pin) -> str:
    """The institute's name: a pin's accessible name starts with it (then region, specialisation, status)."""
    return pin.get_attribute("aria-label").split(" · ")[0]


def open_offline(browser, path: Path):
    """A page showing ``path`` from disk; every request that is not file: or data: is aborted and recorded."""
    context = browser.raw.new_context(viewport={"width": 1200, "height": 820})
    context.set_offline(True)
    attempts: list[str] = []

    def route(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            attempts.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda req: None if req.url.startswith(("file:", "data:")) else attempts.append(req.url))
    page.goto(path.resolve().as_uri())
    page.wait_for_selector(".atlas-pin", timeout=15_000)
    # The pins show once the icon font is in (static/pins_after_font.js), the page's filters once it loaded.
    page.wait_for_function(MAP_READY, timeout=15_000)
    return context, page, attempts, errors, dialogs


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_standalone_map_opens_offline_with_one_marker_per_institute(ds, browser, tmp_path, artifacts_dir, lang):
    view = View(lang=lang)
    path = tmp_path / exports.filename("map", view, None, "html", ds=ds)
    path.write_bytes(exports.to_standalone_html(ds, view))
    context, page, attempts, errors, dialogs = open_offline(browser, path)
    try:
        pins = page.locator(".atlas-pin")
        assert pins.count() == len(ds.institutes)
        labels = sorted(name_of(pins.nth(i)) for i in range(pins.count()))
        assert labels == sorted(pick(row, "name", lang) for _, row in ds.institutes.iterrows())
        assert page.locator("path.leaflet-interactive").count() >= 12  # the region polygons are drawn
        caption = page.locator("#atlas-export-caption")
        assert ds.version in caption.inner_text() or ds.version in caption.text_content()
        assert attempts == [], attempts
        assert errors == [] and dialogs == []
        page.screenshot(path=str(artifacts_dir / f"standalone_map_{lang}.png"))
    finally:
        context.close()


def test_standalone_map_follows_the_filters(ds, browser, tmp_path):
    view = View(lang="en", specialisations=("industry",))
    path = tmp_path / "map.html"
    path.write_bytes(exports.to_standalone_html(ds, view))
    context, page, attempts, errors, _ = open_offline(browser, path)
    try:
        shown = apply_filters(ds, view)
        assert 0 < len(shown) < len(ds.institutes)
        pins = page.locator(".atlas-pin")
        assert pins.count() == len(shown)
        assert name_of(pins.first) == shown.iloc[0]["name_en"]
        assert attempts == [] and errors == []
    finally:
        context.close()


def test_standalone_map_of_a_hostile_dataset_runs_no_data_as_script(browser, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    inst = data / "institutes.csv"
    with inst.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>`${alert(3)}`"
    rows[1]["name_fr"] = hostile
    rows[1]["partners_fr"] = '=HYPERLINK("http://x")</script><script>alert(4)</script>'
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    inst.write_text(buf.getvalue(), encoding="utf-8")
    ds = load(data)

    path = tmp_path / "hostile.html"
    path.write_bytes(exports.to_standalone_html(ds, View(lang="fr")))
    context, page, attempts, errors, dialogs = open_offline(browser, path)
    try:
        pins = page.locator(".atlas-pin")
        assert pins.count() == len(ds.institutes)
        labels = [name_of(pins.nth(i)) for i in range(pins.count())]
        assert hostile in labels  # shown as text
        pins.nth(labels.index(hostile)).click()
        page.locator(".leaflet-popup .atlas-card").wait_for(state="visible", timeout=15_000)
        assert page.locator("img[src='x']").count() == 0  # no element that could run the text as script ...
        page.evaluate(NEXT_FRAME)
        assert dialogs == [], dialogs  # ... and nothing ran
        assert attempts == [] and errors == []
    finally:
        context.close()
