"""Tests of atlas.regionview, atlas.network and atlas.scorecard: what the side panel and the regions page
show, as plain data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from atlas import load, network, present
from atlas import regionview as rv
from atlas import scorecard as sc
from atlas.flags import evaluate_flags
from atlas.i18n import LANGS, t
from atlas.schema import CLAIM_STATUSES, STATUSES
from atlas.view import View
from tests.conftest import read_rows, set_cell, write_rows

ARABIC = re.compile(r"[\u0600-\u06FF]")
UNCOVERED = ["01", "05", "06", "08", "09", "11"]


# --- region card ---------------------------------------------------------------------------------


def test_guelmim_card_shows_commentary_water_beside_the_conventions(ds):
    card = rv.region_card(ds, "10", "fr")
    assert card.name == "Guelmim-Oued Noun"
    assert card.has_institute and card.no_institute_text == ""
    (inst,) = card.institutes
    assert [x.key for x in inst.commentary] == ["water"]
    assert [x.label for x in inst.commentary] == ["Eau"]
    assert [x.key for x in inst.focus] == ["agriculture", "energy", "health"]
    assert inst.agree is False
    # each side carries its own sources: the commentary (no address) and press with URLs
    assert inst.commentary_sources and all(s.kind == "commentary" for s in inst.commentary_sources)
    assert inst.focus_sources and all(s.url.startswith("http") for s in inst.focus_sources)
    assert all("focus_areas" in s.fields for s in inst.focus_sources)
    assert inst.status_label == t("status.agreement_signed", "fr")
    assert inst.status_date_text == "14 avril 2025"
    assert inst.confidence == "confirmed"
    assert any("MESRSI" in p for p in inst.partners)
    assert len(inst.sources) == len(ds.sources_for("jazari-guelmim"))


def test_dakhla_commentary_and_conventions_agree_and_benguerir_has_no_commentary(ds):
    (dakhla,) = rv.region_card(ds, "12", "en").institutes
    assert dakhla.agree is True
    (benguerir,) = rv.region_card(ds, "07", "en").institutes
    assert benguerir.commentary == () and benguerir.agree is None
    assert benguerir.status_date_text == "April 2025"  # month precision: no invented day


def test_timeline_marks_the_current_status_with_its_date_only(ds):
    (root,) = rv.region_card(ds, "04", "en").institutes
    steps = {s.status: s for s in root.timeline}
    assert [s.status for s in root.timeline] == list(STATUSES)
    assert steps["agreement_signed"].current and steps["agreement_signed"].date_text == "12 January 2026"
    assert steps["announced"].reached and steps["announced"].date_text == ""
    assert not steps["launched"].reached and not steps["operational"].reached


@pytest.mark.parametrize("lang", LANGS)
def test_region_with_no_institute_says_so(ds, lang):
    card = rv.region_card(ds, "05", lang)
    assert card.institutes == ()
    assert card.no_institute_text == t("common.no_institute", lang)
    # the figures are still there: a future institute would find them
    assert len(card.figures) == len(ds.figure_defs)


def test_region_card_names_in_arabic(ds):
    card = rv.region_card(ds, "10", "ar")
    assert card.name == "كلميم-واد نون"
    assert ARABIC.search(card.institutes[0].name)
    assert ARABIC.search(card.figures[0].label)


def test_unknown_region_raises(ds):
    with pytest.raises(KeyError):
        rv.region_card(ds, "13", "fr")


# --- figures -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_shown_has_definition_unit_and_source(ds, lang):
    lines = list(rv.region_card(ds, "10", lang).figures)
    lines += [rv.figure_line(ds, str(k), None, lang) for k in ds.figure_defs.index]
    assert lines
    for f in lines:
        assert f.definition and f.unit_label and f.source_publisher and f.national_label, f.key
        assert f.source_url.startswith("http")
        assert f.definition in f.help and f.source_publisher in f.help and f.unit_label in f.help


def test_figure_beside_its_national_reference(ds):
    lines = {f.key: f for f in rv.region_card(ds, "10", "fr").figures}
    pop = lines["population"]
    assert pop.value == 448685 and pop.value_text == "448\u202f685"
    assert pop.national_kind == "total" and pop.national == ds.figures["population"].sum()
    assert pop.comparison_text == "1,2 % du total national"
    share = lines["higher_education_share"]
    assert share.national_kind == "median" and share.national == pytest.approx(9.4)
    assert share.value_text == "11,3 %" and share.comparison_text == "1,20 × la médiane"


def test_ratio_to_median_is_cut_not_rounded_up(ds):
    # Béni Mellal: unemployment 26.8 % against a median of 21.5 % is 1.2465 x the median; the
    # "high unemployment" rule needs more than 1.25 x. Rounding would show 1.25 and look flagged.
    line = {f.key: f for f in rv.region_card(ds, "05", "en").figures}["unemployment_rate"]
    assert line.comparison_text == "1.24 × the median"


def test_values_round_half_up_and_references_stay_exact():
    assert present.format_value(242084.5, "people", "en") == "242,085"
    assert present.format_value(18.85, "percent", "en") == "18.9%"
    assert present.format_value(None, "people", "fr") == "–"
    # medians and thresholds are shown exactly, so "strictly below" never compares equal-looking numbers
    assert present.format_exact(242084.5, "people", "en") == "242,084.5"
    assert present.format_exact(0.9 * 18.85, "percent", "fr") == "16,965 %"
    assert present.format_exact(9.4, "percent", "en") == "9.4%"
    assert present.format_exact(36828330.0, "people", "ar") == "36.828.330"


def test_literacy_threshold_is_shown_exactly(ds):
    line = {f.key: f for f in rv.region_card(ds, "08", "en").raised}["low_foreign_language_literacy"]
    assert line.median_text == "18.85%" and line.threshold_text == "16.965%"
    assert line.numbers_text == (
        "The region's value, 15.8%, is strictly below 0.9 × the median of the 12 regions (18.85%), "
        "i.e. 16.965%. Flag raised."
    )


# --- flags ---------------------------------------------------------------------------------------


def test_flags_match_the_rules_evaluated_by_atlas_flags(ds):
    evaluated = evaluate_flags(ds.figures.reset_index(drop=True), ds.flag_rules.reset_index(drop=True))
    for code in ds.regions.index:
        expected = list(evaluated[(evaluated["code"] == code) & evaluated["raised"]]["flag"])
        assert [f.key for f in rv.region_card(ds, code, "en").raised] == expected, code


def test_guelmim_flags_come_with_rule_and_numbers(ds):
    card = rv.region_card(ds, "10", "en")
    assert [f.key for f in card.raised] == [
        "thin_talent_pool", "high_unemployment", "small_population", "few_large_employers", "public_payroll_dependence",
    ]
    talent = card.raised[0]
    assert talent.rule == ds.flag_rules.loc["thin_talent_pool", "rule_en"]
    assert talent.reading == ds.flag_rules.loc["thin_talent_pool", "reading_en"] and talent.reading not in talent.rule
    assert talent.value == 47196 and talent.operator_symbol == "<"
    assert talent.threshold_value == pytest.approx(0.5 * talent.national_median)
    assert talent.numbers_text == (
        "The region's value, 47,196, is strictly below 0.5 × the median of the 12 regions (242,084.5), "
        "i.e. 121,042.25. Flag raised."
    )
    not_raised = {f.key: f for f in card.flags}["thin_business_fabric"]
    assert not not_raised.raised and "is not strictly below" in not_raised.numbers_text


def test_national_flags_list_the_regions_they_are_raised_for(ds):
    line = rv.flag_line(ds, "thin_talent_pool", None, "fr")
    assert [r.key for r in line.regions] == ["10", "11", "12"]
    assert line.value is None and "Seuil" in line.numbers_text
    assert rv.flag_line(ds, "thin_business_fabric", None, "fr").regions == ()


# --- coverage ------------------------------------------------------------------------------------


def test_coverage_counts_add_up_to_twelve(ds):
    cov = network.coverage_by_status(ds)
    assert list(cov.index) == [*STATUSES, "none"]
    assert cov["count"].sum() == 12
    assert cov.loc["none", "count"] == 6 and list(cov.loc["none", "codes"]) == UNCOVERED
    assert cov.loc["launched", "count"] == 0
    assert cov.loc["agreement_signed", "count"] == 6 and "04" in cov.loc["agreement_signed", "codes"]


def test_national_picture_names_the_six_regions_with_none(ds):
    pic = network.national_picture(ds, "fr")
    assert (pic.covered, pic.total_regions, pic.hubs, pic.regional) == (6, 12, 1, 5)
    assert [u.key for u in pic.uncovered] == UNCOVERED
    for name in ("Béni Mellal-Khénifra", "Casablanca-Settat", "Souss-Massa", "Drâa-Tafilalet"):
        assert name in pic.uncovered_line
    assert sum(pic.by_status.values()) == 12
    assert pic.summary.startswith("6 régions sur 12")


def test_matrix_reveals_gaps_and_overlaps(ds):
    m = network.specialisation_matrix(ds)
    assert m.shape == (12, len(ds.specialisations))
    assert m.at["10", "water"] == network.MARK_COMMENTARY
    assert m.at["10", "agriculture"] == network.MARK_CONVENTION
    assert m.at["12", "energy"] == network.MARK_BOTH
    assert m.at["02", "autonomous_systems"] == network.MARK_COMMENTARY
    assert network.matrix_gaps(m) == UNCOVERED
    overlaps = network.matrix_overlaps(m)
    assert overlaps["energy"] == ["02", "10", "12"]
    assert overlaps["agriculture"] == ["02", "10"]
    assert "water" not in overlaps


def test_second_institute_in_a_region_counts_once_at_its_most_advanced_status(data_copy: Path):
    path = data_copy / "institutes.csv"
    header, rows = read_rows(path)
    extra = dict(next(r for r in rows if r["id"] == "jazari-guelmim"))
    extra.update(id="jazari-guelmim-2", status="operational", status_date="2026-02", focus_areas="tourism",
                 specialisation_commentary="")
    write_rows(path, header, [*rows, extra])
    src_header, sources = read_rows(data_copy / "sources.csv")
    src = dict(sources[0], source_id="S999", institute_id="jazari-guelmim-2")
    write_rows(data_copy / "sources.csv", src_header, [*sources, src])
    ds = load(data_copy)
    cov = network.coverage_by_status(ds)
    assert cov["count"].sum() == 12
    assert "10" in cov.loc["operational", "codes"] and "10" not in cov.loc["agreement_signed", "codes"]
    assert network.specialisation_matrix(ds).at["10", "tourism"] == network.MARK_CONVENTION
    assert "tourism" in network.matrix_overlaps(network.specialisation_matrix(ds))
    assert len(rv.region_card(ds, "10", "fr").institutes) == 2
    assert len(network.comparison_table(ds, "fr")) == 12


def test_new_institute_in_an_empty_region_leaves_the_gaps(data_copy: Path):
    set_cell(data_copy / "institutes.csv", "id", "jazari-benguerir", "region_code", "05")
    set_cell(data_copy / "institutes.csv", "id", "jazari-benguerir", "lat", "32.3373")
    set_cell(data_copy / "institutes.csv", "id", "jazari-benguerir", "lon", "-6.3498")  # Béni Mellal
    ds = load(data_copy)
    assert "05" not in network.matrix_gaps(network.specialisation_matrix(ds))
    assert "07" in network.matrix_gaps(network.specialisation_matrix(ds))
    assert rv.region_card(ds, "05", "fr").has_institute


# --- tables --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_table_has_twelve_rows_and_every_figure(ds, lang):
    table = network.comparison_table(ds, lang)
    assert len(table) == 12 and list(table["code"]) == list(ds.regions.index)
    for key in ds.figure_defs.index:
        assert table[key].dtype.kind == "f" and table[key].notna().all()
    row = table.set_index("code").loc["05"]
    assert row["institutes"] == t("common.no_institute", lang)
    guelmim = table.set_index("code").loc["10"]
    assert guelmim["date"] == "2025-04-14" and guelmim["flag_count"] == 5
    assert table.set_index("code").loc["07", "date"] == "2025-04"


def test_comparison_filters(ds):
    table = network.comparison_table(ds, "en")
    assert list(network.filter_comparison(ds, table, View(regions=("10", "12")))["code"]) == ["10", "12"]
    assert list(network.filter_comparison(ds, table, View(specialisations=("energy",)))["code"]) == ["02", "10", "12"]
    assert list(network.filter_comparison(ds, table, View(specialisations=("water",)))["code"]) == ["10"]
    assert len(network.filter_comparison(ds, table, View())) == 12
    # status, confidence and search filter the regions too (they were once ignored here)
    assert list(network.filter_comparison(ds, table, View(confidences=("weak",)))["code"]) == ["07"]
    assert list(network.filter_comparison(ds, table, View(query="Igoudar"))["code"]) == ["12"]
    assert network.filter_comparison(ds, table, View(statuses=("operational",))).empty


@pytest.mark.parametrize("lang", LANGS)
def test_claims_table(ds, lang):
    claims = network.claims_table(ds, lang)
    assert list(claims["key"]) == list(ds.claims.sort_values("order").index)
    assert set(claims["status"]) <= set(CLAIM_STATUSES)
    by_key = claims.set_index("key")
    assert by_key.loc["trained_700_over_770_hours", "status"] == "not_found"
    assert by_key.loc["guelmim_water", "status"] == "differs"
    assert by_key.loc["guelmim_water", "status_label"] == t("panel.claim.differs", lang)
    for sources in claims["sources"]:
        for publisher, url in sources:
            assert publisher and url.startswith("http")


# --- accountability scorecard -----------------------------------------------------------------


def test_scorecard_answers_every_question_with_a_fact_or_not_published(ds):
    for inst in ds.institutes.index:
        for lang in LANGS:
            card = sc.scorecard(ds, str(inst), lang)
            assert card is not None and card.total == 7
            for line in card.lines:
                assert line.answer.strip()
                assert line.published == (line.source is not None and bool(line.source.url))
    fes = sc.scorecard(ds, "jazari-fes", "en")
    host = {line.question: line for line in fes.lines}["host_university"]
    assert host.published and "Euro-Mediterranean University of Fez" in host.answer
    assert host.source.publisher == "iafrica.com"  # the UEMF venue; Le Reporter says only "in Fez"
    budget = {line.question: line for line in fes.lines}["budget"]
    # both dates: the newest source, and the later search that found nothing newer
    assert not budget.published
    assert budget.answer == "not published (sources up to 12 March 2026; last searched: December 2026)"
    assert "meatechwatch" in budget.note and "AI and digital initiatives" in budget.note
    assert fes.count_text == "published answers: 1 of 7"
    assert sc.scorecard(ds, "jazari-guelmim", "ar").count_text == "الأجوبة المنشورة: 0 من 7"


def test_region_scorecard_count(ds):
    assert sc.region_scorecard_count(ds, "04", "fr")[:2] == (1, 7)  # JAZARI ROOT: legal form only
    assert sc.region_scorecard_count(ds, "05", "fr") == (0, 0, "")  # no institute


def test_scorecard_html_is_escaped(data_copy: Path):
    from tests.conftest import set_cell

    set_cell(data_copy / "accountability.csv", "source_url", "https://iafrica.com/morocco-launches-ai-research-"
             "institute-targets-50000-jobs-and-10-billion-gdp-boost-by-2030/", "answer_en",
             "<script>alert(1)</script> {{x}}")
    ds = load(data_copy)
    html = sc.scorecard_html(ds, "jazari-fes", "en")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "{{x}}" not in html  # braces escaped, so no template engine can read them
    assert html.count("<li") == 7 and 'href="https://iafrica.com/' in html
    assert 'dir="rtl"' in sc.scorecard_html(ds, "jazari-fes", "ar")


def test_national_picture_follows_the_filters(ds):
    from atlas.view import View, apply_filters

    water = apply_filters(ds, View(lang="fr", specialisations=("water",)))
    pic = network.national_picture(ds, "fr", water)
    assert pic.covered == 1 and pic.institutes == 1
    assert "régions ayant un institut qui y répond : 1 sur 12" in pic.summary
    assert "6 régions sur 12" in network.national_picture(ds, "fr").summary
