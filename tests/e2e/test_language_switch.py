"""Issue 10: switching the language in the sidebar relabels every widget at once (no stale Arabic)."""

from __future__ import annotations

import re

from atlas import load
from atlas.i18n import LANG_NAMES, pick, t
from tests.e2e._a11y import settle
from tests.e2e.conftest import ARTIFACTS

ARABIC = re.compile(r"[\u0600-\u06FF]")


WIDGETS = "[data-testid=stSelectbox], [data-testid=stMultiSelect], [data-testid=stButtonGroup]"
CHOSEN = (
    "el => el.matches('[data-testid=stButtonGroup]')"
    " ? [...el.querySelectorAll('button[aria-pressed=true], button[aria-checked=true]')]"
    "     .map(b => b.innerText).join(' ')"
    " : el.innerText + ' ' + [...el.querySelectorAll('input')].map(i => i.value).join(' ')"
)
"""The chosen value(s) of a widget: a menu's chips and selected value, or the pressed or checked pills
of a pill group (whose other pills show every choice)."""
SHOWS = f"""([label, value]) => {{
    const chosen = {CHOSEN};
    const labelled = [...document.querySelectorAll('{WIDGETS}')].find(w => [...w.querySelectorAll('*')]
        .some(n => n.children.length === 0 && n.textContent.trim() === label));
    return !!labelled && chosen(labelled).includes(value);
}}"""


def _widget_text(page, label: str) -> str:
    """The chosen value(s) of the sidebar or main widget whose label is ``label`` (see CHOSEN)."""
    return page.locator(WIDGETS).filter(has=page.get_by_text(label, exact=True)).first.evaluate(CHOSEN)


def _shows(page, label: str, value: str) -> None:
    """Wait until the widget labelled ``label`` shows ``value`` as chosen."""
    page.wait_for_function(SHOWS, arg=[label, value], timeout=30_000)


def test_switching_from_arabic_to_french_relabels_every_widget(streamlit_server, page):
    ds = load()
    page.goto(streamlit_server + "/?lang=ar&spec=energy&sel=12&fig=population", wait_until="domcontentloaded")
    page.get_by_text(t("filter.specialisation", "ar"), exact=True).first.wait_for(timeout=60_000)
    page.get_by_text(t("panel.picker", "ar"), exact=True).first.wait_for(timeout=60_000)
    # The colour figure is behind the sidebar's toggle button: press it to see it change language too.
    page.locator(".st-key-w_more button").last.click()
    page.get_by_text(t("filter.figure", "ar"), exact=True).first.wait_for(timeout=60_000)
    _shows(page, t("filter.specialisation", "ar"), pick(ds.specialisations.loc["energy"], "label", "ar"))
    _shows(page, t("filter.figure", "ar"), pick(ds.figure_defs.loc["population"], "label", "ar"))
    assert pick(ds.specialisations.loc["energy"], "label", "ar") in _widget_text(page, t("filter.specialisation", "ar"))
    assert pick(ds.figure_defs.loc["population"], "label", "ar") in _widget_text(page, t("filter.figure", "ar"))

    page.locator("[data-testid=stSidebar]").get_by_role("radio", name="Français").click()
    page.get_by_text(t("filter.specialisation", "fr"), exact=True).first.wait_for(timeout=30_000)
    page.get_by_text(t("panel.picker", "fr"), exact=True).first.wait_for(timeout=30_000)
    _shows(page, t("filter.specialisation", "fr"), pick(ds.specialisations.loc["energy"], "label", "fr"))
    _shows(page, t("filter.figure", "fr"), pick(ds.figure_defs.loc["population"], "label", "fr"))
    _shows(page, t("panel.picker", "fr"), pick(ds.regions.loc["12"], "name", "fr"))
    settle(page)  # the run that relabels every widget is over: nothing Arabic may be left

    spec = _widget_text(page, t("filter.specialisation", "fr"))
    figure = _widget_text(page, t("filter.figure", "fr"))
    picker = _widget_text(page, t("panel.picker", "fr"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "language_switch_ar_to_fr.png"), full_page=False)
    assert pick(ds.specialisations.loc["energy"], "label", "fr") in spec, spec
    assert pick(ds.figure_defs.loc["population"], "label", "fr") in figure, figure
    assert pick(ds.regions.loc["12"], "name", "fr") in picker, picker
    for text in (spec, figure, picker):
        assert not ARABIC.search(text), text
    # The language pills name each language in itself ("العربية"): the rest of the sidebar is French.
    sidebar = page.locator("[data-testid=stSidebar]").inner_text().replace(LANG_NAMES["ar"], "")
    assert not ARABIC.search(sidebar), sidebar
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.blocked_requests == []
