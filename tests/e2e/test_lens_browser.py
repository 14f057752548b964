"""The specialisation lens in a real browser (issue 11): hovering Guelmim, Dakhla and Nador shows
water, energy and autonomous systems under the default (commentary) lens, the legend lists them,
the conventions lens shows agriculture at Guelmim, and the selected region is outlined."""

from __future__ import annotations

import pytest

from atlas import load
from atlas.i18n import LANGS, pick, t
from tests.conftest import DATA

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 60_000
EXPECTED = {"jazari-guelmim": "water", "jazari-dakhla": "energy", "jazari-nador": "autonomous_systems"}


@pytest.fixture(scope="module")
def ds():
    return load(DATA)


def _pins(page, ds):
    from playwright.sync_api import expect

    frame = page.frame_locator(MAP_FRAME)
    pins = frame.locator(".atlas-pin")
    expect(pins).to_have_count(len(ds.institutes), timeout=TIMEOUT_MS)
    return frame, pins


def _hover_text(frame, ds, iid: str, lang: str) -> str:
    name = pick(ds.institutes.loc[iid], "name", lang)
    pin = frame.locator(f'.atlas-pin[aria-label^="{name} · "]')
    pin.first.hover()
    tip = frame.locator(".leaflet-tooltip .atlas-tip", has_text=name)
    tip.first.wait_for(state="visible", timeout=TIMEOUT_MS)
    text = tip.first.inner_text()
    frame.locator(".leaflet-container").first.hover(position={"x": 5, "y": 5})
    return text


@pytest.mark.parametrize("lang", LANGS)
def test_commentary_lens_shows_water_energy_autonomous_systems(streamlit_server, page, ds, lang, artifacts_dir):
    page.goto(f"{streamlit_server}/?lang={lang}")
    frame, _ = _pins(page, ds)
    for iid, key in EXPECTED.items():
        label = pick(ds.specialisations.loc[key], "label", lang)
        text = _hover_text(frame, ds, iid, lang)
        assert label in text, (iid, text)
    legend = frame.locator(".atlas-legend").filter(has_text=t("lens.legend_title.commentary", lang))
    legend.wait_for(state="visible", timeout=TIMEOUT_MS)
    legend_text = legend.inner_text()
    for key in EXPECTED.values():
        assert pick(ds.specialisations.loc[key], "label", lang) in legend_text
    assert t("lens.legend.disagree", lang) in legend_text
    # Guelmim and Nador carry the disagreement mark, Dakhla does not.
    assert frame.locator(".atlas-pin .atlas-pin-badge").count() == 2
    page.screenshot(path=str(artifacts_dir / f"lens-commentary-{lang}.png"), full_page=False)


@pytest.mark.parametrize("lang", LANGS)
def test_conventions_lens_shows_agriculture_at_guelmim(streamlit_server, page, ds, lang):
    page.goto(f"{streamlit_server}/?lang={lang}&lens=conventions")
    frame, _ = _pins(page, ds)
    text = _hover_text(frame, ds, "jazari-guelmim", lang)
    agriculture = pick(ds.specialisations.loc["agriculture"], "label", lang)
    water = pick(ds.specialisations.loc["water"], "label", lang)
    assert agriculture in text and water in text  # both sources named where they differ
    legend = frame.locator(".atlas-legend").filter(has_text=t("lens.legend_title.conventions", lang))
    legend.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert agriculture in legend.inner_text()


def test_water_filter_under_both_lenses_and_the_selected_region_outline(streamlit_server, page, ds, artifacts_dir):
    from playwright.sync_api import expect

    page.goto(f"{streamlit_server}/?lang=en&spec=water&sel=10")
    frame = page.frame_locator(MAP_FRAME)
    pins = frame.locator(".atlas-pin")
    expect(pins).to_have_count(1, timeout=TIMEOUT_MS)
    legend = frame.locator(".atlas-legend").filter(has_text=t("lens.legend_title.commentary", "en"))
    expect(legend).to_contain_text("Water", timeout=TIMEOUT_MS)
    expect(frame.locator("path.atlas-region-selected.atlas-region-10")).to_have_count(1, timeout=TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "lens-water-selected.png"), full_page=False)

    page.goto(f"{streamlit_server}/?lang=en&spec=water&lens=conventions")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".atlas-pin")).to_have_count(1, timeout=TIMEOUT_MS)
    legend = frame.locator(".atlas-legend").filter(has_text=t("lens.legend_title.conventions", "en"))
    expect(legend).to_contain_text(t("lens.legend.filtered", "en", label="Water"), timeout=TIMEOUT_MS)
    frame.locator(".atlas-pin").first.hover()
    tip = frame.locator(".leaflet-tooltip .atlas-tip").first
    expect(tip).to_contain_text("matched through the commentary", timeout=TIMEOUT_MS)
