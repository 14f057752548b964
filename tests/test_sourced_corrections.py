"""What a reader sees of the corrections of the second reading of the sources: the Dakhla signing
date the sources disagree on, who attended rather than signed, where each fact comes from, one
definition of "launched", and wording that says what the census and the sources say."""

from __future__ import annotations

import re
import tomllib
from html import unescape

import pytest

from atlas import publish
from atlas import regionview as rv
from atlas import scorecard as sc
from atlas.brief import to_markdown_brief
from atlas.i18n import LANGS, t
from atlas.present import status_definitions
from atlas.schema import STATUSES, split_list
from atlas.view import View
from tests.conftest import REPO

DAKHLA_DATES = {  # the date kept, and the other one a source gives, as each language writes them
    "fr": ("14 novembre 2025", "15 selon iafrica.com"),
    "ar": ("14 نونبر 2025", "15 نونبر حسب iafrica.com"),
    "en": ("14 November 2025", "the 15th (iafrica.com)"),
}


def _text(html: bytes) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html.decode("utf-8")))


@pytest.mark.parametrize("lang", LANGS)
def test_the_dakhla_date_conflict_is_shown_beside_the_date_kept(ds, lang):
    card = rv.institute_card(ds, "jazari-dakhla", lang)
    kept, other = DAKHLA_DATES[lang]
    assert card.status_date == "2025-11-14"
    assert kept in card.notes and other in card.notes  # the region card's notes
    brief = to_markdown_brief(ds, View(lang=lang), "12").decode("utf-8")
    assert other in brief  # the brief (and the static edition's region page, built from it)
    page = _text(publish.Edition(ds).region_page(lang, "12"))
    assert kept in page and other in page


def test_each_dakhla_date_has_its_sources(ds):
    src = ds.sources_for("jazari-dakhla")
    dated = {sid for sid, s in src.iterrows() if "status_date" in split_list(s["fields"])}
    fifteenth = {sid for sid, s in src.iterrows() if "15 November 2025" in s["note"]}
    assert {"S024", "S030"} <= dated  # ExpressTV, Belpresse: Friday 14 November
    assert fifteenth == {"S031"} and not fifteenth & dated  # iafrica.com: the 15th, listed for the status only
    assert set(split_list(ds.changes.at["C004", "source_ids"])) == dated  # the feed cites the sources of the 14th


def test_ibn_zohr_attended_and_is_cited_from_the_outlets_that_name_it(ds):
    for sid in ("S022", "S023"):  # L'Observateur and Les Echos name the university: partners is among their fields
        assert "partners" in split_list(ds.sources.at[sid, "fields"])
        assert "attending" in ds.sources.at[sid, "note"]
    assert "Does not name Ibn Zohr" in ds.sources.at["S020", "note"]  # Le Matin
    host = {line.question: line for line in sc.scorecard(ds, "jazari-dakhla", "en").lines}["host_university"]
    assert host.source.url == "https://www.maghress.com/fr/lobservateur/216330"
    assert "attended" in host.answer and "no source says he signed" in host.answer
    card = rv.institute_card(ds, "jazari-dakhla", "fr")
    assert any("son président était présent" in p and "Ibn Zohr" in p for p in card.partners)


def test_the_fes_venue_comes_from_iafrica_and_le_reporter_only_says_fez(ds):
    host = {line.question: line for line in sc.scorecard(ds, "jazari-fes", "fr").lines}["host_university"]
    assert host.source.publisher == "iafrica.com" and host.source.date == "2026-03-12"
    assert "séminaire" in host.answer and "UEMF" in host.answer
    assert "names no venue" in ds.sources.at["S028", "note"]
    assert "seminar" in ds.sources.at["S029", "note"]


@pytest.mark.parametrize(("lang", "places"), [("fr", ("Rabat", "Salé", "province de Nador")),
                                               ("ar", ("الرباط", "سلا", "إقليم الناظور")),
                                               ("en", ("Rabat", "Salé", "Nador province"))])
def test_nador_signing_place_lists_nador_province(ds, lang, places):
    notes = rv.institute_card(ds, "jazari-nador", lang).notes
    assert all(place in notes for place in places)
    assert "Nador province" in ds.sources.at["S017", "note"]  # le48info


def test_the_mad_1_3_billion_is_attributed_to_the_page_that_gives_it(ds):
    for lang in LANGS:
        budget = {line.question: line for line in sc.scorecard(ds, "jazari-root", lang).lines}["budget"]
        assert "meatechwatch" in budget.note
    notes = ds.accountability[ds.accountability["question"] == "budget"]
    assert all("AI and digital initiatives" in n and "start-up" not in n for n in notes["note_en"])


# --- one definition of "launched" ----------------------------------------------------------------


def test_one_definition_of_each_status_on_the_methods_page_and_in_data_readme():
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    for status in STATUSES:
        assert f"- `{status}`: {t(f'status_help.{status}', 'en')}" in readme, status
    for lang in LANGS:
        lines = status_definitions(lang)
        assert [t(f"status_help.{s}", lang) in line for s, line in zip(STATUSES, lines, strict=False)] == [True] * 4
    assert "beyond a signing" in t("status_help.launched", "en")


def test_the_methods_page_and_the_status_filter_use_that_definition(ds):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/methods.py")
    at.run()
    assert not at.exception
    body = "\n".join(m.value for m in at.markdown).replace("\\", "")  # md_escape's backslashes
    assert t("status_help.launched", "en") in body
    assert "official launch was announced" not in body  # the old, looser wording
    captions = "\n".join(c.value for c in at.caption)
    assert "newest source: 12 March 2026; last searched: December 2026" in captions  # both dates, under the title
    at.button_group(key="w_more").set_value(["on"]).run()  # the sidebar's other filters
    assert "beyond a signing" in at.multiselect(key="w_status").help


def test_jazari_root_stays_agreement_signed_under_that_definition(ds):
    root = ds.institutes.loc["jazari-root"]
    assert root["status"] == "agreement_signed"  # the press's "launch" was a signing; nothing shows it started
    assert "beyond the signing" in root["notes_en"] and "public-benefit entity" in root["notes_en"]
    assert not (ds.institutes["status"].isin(["launched", "operational"])).any()


# --- wording: what the sources and the census say -------------------------------------------------


def _catalogue_and_owned_data() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "atlas" / "locales").glob("*.toml"))]
    texts += [(REPO / "data" / name).read_text(encoding="utf-8")
              for name in ("specialisations.csv", "figures.csv", "claims.csv", "institutes.csv", "changes.csv")]
    return "\n".join(texts)


@pytest.mark.parametrize(("wrong", "meaning"), [
    ("الجهة النموذجية", "a model region, not the median one"),
    ("الأنظمة المستقلة", "independent systems, not autonomous ones"),
    ("المتعلمين", "educated, not literate"),
    ("في طور الاشتغال", "starting to operate, not operational"),
    ("جزري صناعة", "a translated proper name"),
])
def test_arabic_says_what_is_meant(wrong, meaning):
    assert wrong not in _catalogue_and_owned_data(), meaning


def test_arabic_terms_in_use(ds):
    assert ds.specialisations.at["autonomous_systems", "label_ar"] == "الأنظمة ذاتية التشغيل"
    assert t("status.operational", "ar") == "قيد التشغيل"
    assert "القادرين على القراءة والكتابة" in ds.figure_defs.at["literacy_french", "definition_ar"]
    # the proper name stays in Latin script, as maroc.ma writes it
    assert "JAZARI Industrie X.0" in ds.institutes.at["jazari-fes", "name_ar"]


@pytest.mark.parametrize(("lang", "labels"), [("fr", ("Confirmée", "Moyenne", "Faible (source unique)")),
                                              ("ar", ("مؤكدة", "متوسطة", "ضعيفة (مصدر وحيد)"))])
def test_confidence_labels_agree_with_fiabilite_and_daraja(lang, labels):
    # "Fiabilité" and "درجة الثقة" are feminine: every level agrees with them
    assert tuple(t(f"confidence.{c}", lang) for c in ("confirmed", "medium", "weak")) == labels
    assert t("panel.confidence", "fr", level=t("confidence.confirmed", "fr")) == "Fiabilité : Confirmée"


def test_no_claim_that_every_fact_has_a_public_address():
    with (REPO / "atlas" / "locales" / "methods.toml").open("rb") as fh:
        intro = tomllib.load(fh)["methods.intro"]
    assert "public source" not in intro["en"] and "source publique" not in intro["fr"]
    assert "no public address is on record" in intro["en"]
    readme = "".join((REPO / name).read_text(encoding="utf-8") for name in ("README.md", "data/README.md"))
    assert "Every fact carries its source;" not in readme
