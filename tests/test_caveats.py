"""atlas.caveats: the commentary's points with their evidence (national and per region) and the panel
beside the map as HTML."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import pytest

from atlas import caveats as cv
from atlas import load
from atlas.i18n import LANGS, pick, t
from atlas.scorecard import scorecard
from tests.conftest import set_cell


class _Parsed(HTMLParser):
    """Tags, attributes and text of a piece of HTML, for checks that do not depend on formatting."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def html_text(text: str) -> str:
    """``text`` as the autoescaped template writes it."""
    return escape(text, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;")


def _by_key(items):  # type: ignore[no-untyped-def]
    return {i.text.key: i for i in items}


# --- texts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_texts_keep_the_commentary_and_our_reading_apart(ds, lang):
    texts = cv.caveat_texts(ds, lang)
    assert [x.key for x in texts] == list(ds.caveats.sort_values("order").index)
    for x in texts:
        row = ds.caveats.loc[x.key]
        assert x.commentary == pick(row, "commentary", lang) and x.reading == pick(row, "reading", lang)
        assert x.commentary != x.reading and x.anchor == "caveat-" + x.key.replace("_", "-")
        assert x.paragraphs and all(str(n) in x.source_text for n in x.paragraphs)


def test_paragraphs_read_as_words():
    texts = {x.key: x for x in cv.caveat_texts(load(), "fr")}
    assert texts["critical_mass"].source_text == "paragraphe 12"
    assert texts["talent_retention"].source_text == "paragraphes 10 et 16"
    assert texts["technological_dependence"].source_text == "paragraphes 5, 7 et 19"
    assert {x.key: x for x in cv.caveat_texts(load(), "en")}["talent_retention"].source_text == "paragraphs 10 and 16"


# --- national evidence ------------------------------------------------------------------------------


def test_national_evidence_counts_the_regions_each_flag_is_raised_for(ds):
    items = _by_key(cv.caveat_evidence(ds, None, "en"))
    assert [k for k, i in items.items() if i.open] == ["resourcing", "critical_mass"]
    critical = items["critical_mass"]
    pop = {f.line.key: f for f in critical.flags}["small_population"]
    assert pop.summary == "3 of the 12 regions (Guelmim-Oued Noun, Laayoune-Sakia El Hamra, Dakhla-Oued Ed-Dahab)"
    assert "Dakhla-Oued Ed-Dahab (219,965)" in pop.detail and "Casablanca-Settat (7,688,967)" in pop.detail
    assert "0.5 × the median of the 12 regions" in pop.detail
    # a figure no flag carries is listed once, with its range; a flagged one is not repeated
    assert "population" not in {f.key for f in critical.figures}
    assert any(text.startswith("Establishments with 50+ employees") for text in critical.figure_texts)
    one = {f.line.key: f for f in items["technological_dependence"].flags}["thin_industry"]
    assert one.summary == "1 of the 12 regions (Draa-Tafilalet)"
    none = {f.line.key: f for f in items["dispersion"].flags}["thin_business_fabric"]
    assert none.summary == "none of the 12 regions"
    assert critical.badge.startswith("flags: 2 · regions concerned: 3")


def test_national_evidence_of_announcements_is_status_and_scorecard(ds):
    item = _by_key(cv.caveat_evidence(ds, None, "en"))["announcements_vs_capacity"]
    assert item.show_status and not item.flags and not item.figures
    assert len(item.institutes) == len(ds.institutes)
    root = next(s for s in item.institutes if s.name.startswith("JAZARI ROOT"))
    row = ds.institutes.loc["jazari-root"]
    assert root.status == row["status"] and root.status_label == t(f"status.{row['status']}", "en")
    card = scorecard(ds, "jazari-root", "en")
    assert root.published_text == f"{card.published} of {card.total}"
    questions = ds.caveats.loc["announcements_vs_capacity", "questions"].split(";")
    assert [q.label for q in item.questions] == [t(f"panel.acc.q.{q}", "en") for q in questions]
    published = sum(c.published for c in (scorecard(ds, str(i), "en") for i in ds.institutes.index) if c)
    assert sum(q.published for q in item.questions) == published


# --- region evidence --------------------------------------------------------------------------------


def test_region_evidence_has_its_flags_answers_and_partners(ds):
    items = _by_key(cv.caveat_evidence(ds, "10", "en"))
    talent = {f.line.key: f for f in items["resourcing"].flags}
    assert talent["thin_talent_pool"].summary == "flag raised (47,196; threshold: 121,042.25)"
    assert talent["low_foreign_language_literacy"].summary.startswith("not raised")
    answers = [a.question for s in items["resourcing"].institutes for a in s.answers]
    assert answers == ["staff", "host_university"]
    assert items["resourcing"].badge == "flags raised: 1 of 2 · published answers: 0 of 2"
    fabric = items["productive_fabric"]
    assert fabric.show_partners and "MTNRA" in fabric.institutes[0].partners[0]
    assert not items["dispersion"].institutes  # no institute field, no scorecard question


def test_region_without_an_institute_has_figures_but_no_answers(ds):
    items = _by_key(cv.caveat_evidence(ds, "05", "fr"))
    assert items["resourcing"].flags and items["resourcing"].institutes == ()
    assert items["announcements_vs_capacity"].institutes == ()


def test_unknown_region_raises(ds):
    with pytest.raises(KeyError):
        cv.caveat_evidence(ds, "99", "fr")


# --- the panel as HTML ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", [None, "10", "12"])
def test_panel_html_has_every_caveat_with_a_stable_anchor(ds, lang, code):
    parsed = _Parsed(cv.panel_html(ds, code, lang))
    details = [a for tag, a in parsed.tags if tag == "details" and "cv" in (a.get("class") or "").split()]
    assert [d["id"] for d in details] == [cv.anchor(k) for k in ds.caveats.sort_values("order").index]
    assert [d["id"] for d in details if "open" in d] == ["caveat-resourcing", "caveat-critical-mass"]
    section = next(a for tag, a in parsed.tags if tag == "section")
    assert section["dir"] == ("rtl" if lang == "ar" else "ltr") and section["lang"] == lang
    text = " ".join(parsed.text)
    assert text.count("RGPH 2024") >= 2 and "HCP" in text  # under each block of census figures
    assert t("cv.ours", lang) in text and t("cv.intro", lang, count=len(details)) in text
    # links: the caveats' own anchors, and http(s) sources
    for href in (a["href"] for tag, a in parsed.tags if tag == "a"):
        assert href.startswith(("#caveat-", "https://", "http://")), href


def test_published_answers_keep_their_source_link(ds):
    html = cv.panel_html(ds, "12", "en")
    url = ds.accountability.query("institute_id == 'jazari-dakhla' and question == 'host_university'")["source_url"]
    assert f'href="{url.iloc[0]}"' in html


def test_the_commentary_and_our_reading_are_separate_blocks(ds):
    html = cv.panel_html(ds, None, "en")
    row = ds.caveats.loc["dispersion"]
    said = re.search(r'<p class="cv-said">(.*?)</p>', html[html.index('id="caveat-dispersion"'):], re.S).group(1)
    assert "The commentary (paragraphs 12 and 9):" in said and "pooling" not in said
    ours = re.search(r'<details class="cv-ours">(.*?)</details>', html[html.index('id="caveat-dispersion"'):], re.S)
    assert html_text(t("cv.ours", "en")) in ours.group(1) and html_text(row["reading_en"]) in ours.group(1)


def test_data_text_is_escaped(data_copy):
    set_cell(data_copy / "caveats.csv", "key", "resourcing", "title_en", '<img src=x onerror="alert(1)"> {{ 7*7 }}')
    set_cell(data_copy / "flags.csv", "key", "thin_talent_pool", "reading_en", "<script>alert(2)</script>")
    html = cv.panel_html(load(data_copy), "10", "en")
    assert "<img" not in html and "<script" not in html and "onerror=&#34;" in html
    assert "{{ 7*7 }}" in html and "49" not in re.findall(r"\d+", "".join(re.findall(r"<h3>.*?</h3>", html)))
