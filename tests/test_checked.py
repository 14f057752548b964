"""How current the data are: the newest source's date and the last search's, both, wherever a date of
the data is shown (data/README.md: ``last_verified`` and ``last_searched``)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from atlas import charts, network, publish, tables
from atlas import regionview as rv
from atlas import scorecard as sc
from atlas.brief import to_markdown_brief
from atlas.checked import checked_text, dataset_dates, later_search, not_published_text
from atlas.exports import export_bytes
from atlas.i18n import LANGS, t
from atlas.view import View

BOTH = {  # the newest source's date and the last search's, as each language writes them
    "fr": ("12 mars 2026", "décembre 2026"),
    "ar": ("12 مارس 2026", "دجنبر 2026"),
    "en": ("12 March 2026", "December 2026"),
}


def _both(text: str, lang: str) -> bool:
    newest, searched = BOTH[lang]
    return newest in text and searched in text


def test_the_dates_are_data_not_code(ds):
    assert dataset_dates(ds) == ("2026-03-12", "2026-12")
    assert set(ds.institutes["last_searched"]) == {"2026-12"}
    assert set(ds.accountability["last_searched"]) == {"2026-12"}
    # a row whose search found the newest source itself, or records none, says one date only
    assert later_search("2026-03-12", "2026-03-12") == "" and later_search("2026-03-12", "") == ""
    assert checked_text("2026-03-12", "", "en") == "newest source: 12 March 2026"
    assert not_published_text("2026-03-12", "", "en") == "not published (sources up to 12 March 2026)"


@pytest.mark.parametrize("lang", LANGS)
def test_region_card_scorecard_and_popup_show_both_dates(ds, lang):
    card = rv.institute_card(ds, "jazari-guelmim", lang)
    assert _both(card.checked_text, lang)
    missing = [line for line in sc.scorecard(ds, "jazari-guelmim", lang).lines if not line.published]
    assert missing and all(_both(line.answer, lang) for line in missing)
    assert _both(unescape(sc.scorecard_html(ds, "jazari-guelmim", lang)), lang)  # the map popup's checklist


@pytest.mark.parametrize("lang", LANGS)
def test_national_summary_and_charts_show_both_dates(ds, lang):
    assert _both(network.national_picture(ds, lang).summary, lang)
    assert _both(charts.institutes_source(ds, lang), lang)


def test_exports_carry_both_dates(ds):
    view = View(lang="en")
    inst = tables.institutes_table_data(ds, view)
    assert {(r["last_verified"], r["last_searched"]) for r in inst.rows} == {("2026-03-12", "2026-12")}
    assert "Newest source" in inst.headers and "Last searched" in inst.headers
    acc = tables.accountability_table_data(ds, view)
    assert all(r["last_searched"] == "2026-12" for r in acc.rows)
    doc = json.loads(export_bytes("json", ds, view))
    assert doc["metadata"]["newest_source"] == "2026-03-12" and doc["metadata"]["last_searched"] == "2026-12"


@pytest.mark.parametrize("lang", LANGS)
def test_briefs_and_the_static_edition_show_both_dates(ds, lang):
    brief = to_markdown_brief(ds, View(lang=lang), "10").decode("utf-8").replace("\\", "")
    assert _both(brief, lang)
    edition = publish.Edition(ds)
    for page in (edition.region_page(lang, "10"), edition.country_page(lang)):
        footer = page.decode("utf-8").split('<footer class="pub-footer"')[1]
        assert _both(unescape(re.sub(r"<[^>]+>", " ", footer)), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_the_static_edition_shows_the_claims_check_with_a_partly_confirmed_badge(ds, lang):
    html = publish.Edition(ds).country_page(lang).decode("utf-8")
    claim = html.split('id="claim-dakhla_500_mw"')[1].split("</div>")[0]
    badge = f'<span class="pub-badge pub-claim-partly_confirmed">{t("panel.claim.partly_confirmed", lang)}</span>'
    assert badge in claim
    assert html.count('class="pub-claim"') == len(ds.claims)
    assert network.claims_intro(network.claims_table(ds, lang), lang) in unescape(html)
