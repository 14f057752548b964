"""Critical-mass flags: exact boundaries, median ratios, and the real data's flags."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from atlas import flags
from atlas.i18n import LANGS

DATA = Path(__file__).resolve().parent.parent / "data"

FLAGS_HEADER = (
    "key,figure,operator,threshold_kind,threshold,label_fr,label_ar,label_en,rule_fr,rule_ar,rule_en,"
    "reading_fr,reading_ar,reading_en"
)
REQUIRED_RULES = {
    "thin_talent_pool": ("higher_education_people", "lt"),
    "high_unemployment": ("unemployment_rate", "gt"),
    "thin_business_fabric": ("businesses_per_1000", "lt"),
    "small_population": ("population", "lt"),
    "low_foreign_language_literacy": ("literacy_english", "lt"),
}


def _rule(key: str, figure: str, operator: str, kind: str, threshold: float) -> dict:
    return {
        "key": key,
        "figure": figure,
        "operator": operator,
        "threshold_kind": kind,
        "threshold": threshold,
    }


def _raised(result: pd.DataFrame, code: str, flag: str) -> bool:
    row = result[(result["code"] == code) & (result["flag"] == flag)]
    assert len(row) == 1
    return bool(row["raised"].iloc[0])


# value exactly at the threshold, just above, just below
BOUNDARY_CASES = {
    "lt": {"at": False, "above": False, "below": True},
    "le": {"at": True, "above": False, "below": True},
    "gt": {"at": False, "above": True, "below": False},
    "ge": {"at": True, "above": True, "below": False},
}


@pytest.mark.parametrize("operator", sorted(BOUNDARY_CASES))
def test_each_operator_at_an_absolute_boundary(operator: str) -> None:
    figures = pd.DataFrame({"code": ["at", "above", "below"], "x": [20.0, 20.01, 19.99]})
    rules = pd.DataFrame([_rule("r", "x", operator, "absolute", 20.0)])
    result = flags.evaluate_flags(figures, rules)
    for code, want in BOUNDARY_CASES[operator].items():
        assert _raised(result, code, "r") is want, (operator, code)
    assert set(result["threshold_value"]) == {20.0}


@pytest.mark.parametrize("operator", sorted(BOUNDARY_CASES))
def test_each_operator_at_a_median_ratio_boundary(operator: str) -> None:
    # Median of (16.965, 16.975, 16.955, 18.7, 19.0, 30, 31, 32) is (18.7 + 19.0) / 2 = 18.85, and
    # 0.9 x 18.85 = 16.965 exactly; in binary floats 0.9 * 18.85 is 16.965000000000003, so a
    # float comparison would get the "at" case wrong for lt and ge.
    figures = pd.DataFrame(
        {
            "code": ["at", "above", "below", "m1", "m2", "t1", "t2", "t3"],
            "x": [16.965, 16.975, 16.955, 18.7, 19.0, 30.0, 31.0, 32.0],
        }
    )
    rules = pd.DataFrame([_rule("r", "x", operator, "median_ratio", 0.9)])
    result = flags.evaluate_flags(figures, rules)
    assert set(result["national_median"]) == {18.85}
    assert set(result["threshold_value"]) == {16.965}
    for code, want in BOUNDARY_CASES[operator].items():
        assert _raised(result, code, "r") is want, (operator, code)


def test_integer_boundary_with_median_ratio() -> None:
    figures = pd.DataFrame({"code": ["a", "b", "c", "d"], "n": [100, 200, 300, 400]})
    # median 250, 0.4 x 250 = 100: 100 is at the threshold
    rules = pd.DataFrame([_rule("lt", "n", "lt", "median_ratio", 0.4), _rule("le", "n", "le", "median_ratio", 0.4)])
    result = flags.evaluate_flags(figures, rules)
    assert not _raised(result, "a", "lt")
    assert _raised(result, "a", "le")
    assert not _raised(result, "b", "le")


def test_threshold_follows_the_median() -> None:
    figures = pd.DataFrame({"code": list("abcde"), "x": [1.0, 2.0, 3.0, 4.0, 100.0]})
    rules = pd.DataFrame([_rule("half", "x", "lt", "median_ratio", 0.5)])
    result = flags.evaluate_flags(figures, rules)
    assert set(result["national_median"]) == {3.0}
    assert set(result["threshold_value"]) == {1.5}
    assert [c for c in "abcde" if _raised(result, c, "half")] == ["a"]
    # Changing an extreme value leaves the median, and so the flags, unchanged.
    figures.loc[4, "x"] = 1_000_000.0
    again = flags.evaluate_flags(figures, rules)
    assert list(again["raised"]) == list(result["raised"])


def test_result_shape_and_columns() -> None:
    figures = pd.DataFrame({"code": ["01", "02"], "x": [1.0, 2.0], "y": [5, 6]})
    rules = pd.DataFrame([_rule("p", "x", "gt", "absolute", 1.5), _rule("q", "y", "le", "median_ratio", 1.0)])
    result = flags.evaluate_flags(figures, rules)
    assert list(result.columns) == [
        "code",
        "flag",
        "figure",
        "value",
        "national_median",
        "threshold_value",
        "operator",
        "raised",
    ]
    assert list(zip(result["code"], result["flag"], strict=True)) == [
        ("01", "p"),
        ("01", "q"),
        ("02", "p"),
        ("02", "q"),
    ]
    assert result["raised"].dtype == bool
    assert list(result["raised"]) == [False, True, True, False]


def test_missing_value_never_raises() -> None:
    figures = pd.DataFrame({"code": ["a", "b", "c"], "x": [1.0, math.nan, 3.0]})
    rules = pd.DataFrame([_rule("r", "x", "lt", "absolute", 10.0)])
    result = flags.evaluate_flags(figures, rules)
    assert [_raised(result, c, "r") for c in "abc"] == [True, False, True]


@pytest.mark.parametrize(
    "bad",
    [
        _rule("r", "x", "eq", "absolute", 1.0),
        _rule("r", "x", "lt", "percentile", 1.0),
        _rule("r", "nope", "lt", "absolute", 1.0),
        _rule("r", "code", "lt", "absolute", 1.0),
    ],
)
def test_malformed_rules_are_refused(bad: dict) -> None:
    figures = pd.DataFrame({"code": ["a"], "x": [1.0]})
    with pytest.raises(ValueError):
        flags.evaluate_flags(figures, pd.DataFrame([bad]))


def test_duplicate_rule_keys_are_refused() -> None:
    figures = pd.DataFrame({"code": ["a"], "x": [1.0]})
    rules = pd.DataFrame([_rule("r", "x", "lt", "absolute", 1.0)] * 2)
    with pytest.raises(ValueError):
        flags.evaluate_flags(figures, rules)


# --- the real rules and figures ------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> tuple[pd.DataFrame, pd.DataFrame]:
    figures = pd.read_csv(DATA / "region_figures.csv", dtype={"code": str})
    rules = flags.load_rules(DATA)
    return figures, rules


def test_flags_csv_header_and_required_rules(real) -> None:
    _, rules = real
    first_line = (DATA / "flags.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == FLAGS_HEADER
    by_key = {r["key"]: r for r in rules.to_dict("records")}
    for key, (figure, operator) in REQUIRED_RULES.items():
        assert by_key[key]["figure"] == figure
        assert by_key[key]["operator"] == operator
        assert by_key[key]["threshold_kind"] == "median_ratio"
    assert by_key["thin_talent_pool"]["threshold"] == 0.5
    assert by_key["high_unemployment"]["threshold"] == 1.25
    assert by_key["thin_business_fabric"]["threshold"] == 0.75
    assert by_key["small_population"]["threshold"] == 0.5
    assert 0 < by_key["low_foreign_language_literacy"]["threshold"] < 1


def test_rules_are_explained_in_three_languages(real) -> None:
    _, rules = real
    for rule in rules.to_dict("records"):
        for lang in LANGS:
            assert rule[f"label_{lang}"].strip(), (rule["key"], lang)
            assert len(rule[f"rule_{lang}"]) > 60, (rule["key"], lang)
        assert "median" in rule["rule_en"] and "médiane" in rule["rule_fr"]
        assert "وسيط" in rule["rule_ar"]
        # the rule in words names its direction
        word = {"lt": "below", "le": "below", "gt": "above", "ge": "above"}[rule["operator"]]
        assert word in rule["rule_en"], rule["key"]
        # the reasoning behind the rule is ours, in its own column, never in the rule (issue 28)
        for lang in LANGS:
            assert rule[f"reading_{lang}"].strip(), (rule["key"], lang)
        sentences = re.findall(r"[.!?](?:\s+[A-Z]|$)", rule["rule_en"])
        assert len(sentences) == 1, (rule["key"], "the rule only: the reasoning goes to reading_en")
        # the median region, not a "model" or "typical" one; literate, not educated
        assert "typical" not in rule["rule_en"] + rule["reading_en"], rule["key"]
        assert "région type" not in rule["rule_fr"] + rule["reading_fr"], rule["key"]
        assert "النموذجية" not in rule["rule_ar"] + rule["reading_ar"], rule["key"]
        assert "المتعلمين" not in rule["rule_ar"] + rule["reading_ar"], rule["key"]


def test_public_payroll_flag_describes_its_rule_not_the_largest_employer(real) -> None:
    """Both regions it flags employ more people in the private than in the public sector (2024 census):
    the flag says the public share is well above the median region's, never that the state leads."""
    figures, rules = real
    rule = rules.set_index("key").loc["public_payroll_dependence"]
    assert "by far the largest employer" not in rule["rule_en"] + rule["reading_en"]
    assert "median region" in rule["reading_en"]
    assert "does not make the state the largest employer" in rule["reading_en"]
    raised = flags.evaluate_flags(figures, rules)
    codes = raised[(raised["flag"] == "public_payroll_dependence") & raised["raised"]]["code"]
    shares = figures.set_index("code").loc[list(codes), ["public_sector_share", "private_sector_share"]]
    assert len(shares) == 2 and (shares["private_sector_share"] > shares["public_sector_share"]).all()


def test_thin_industry_reasoning_says_elsewhere_in_every_language(real) -> None:
    _, rules = real
    rule = rules.set_index("key").loc["thin_industry"]
    assert "elsewhere" in rule["reading_en"] and "d'ailleurs" in rule["reading_fr"]
    assert "من الخارج" not in rule["reading_ar"] and "أماكن أخرى" in rule["reading_ar"]


def _expected_raised(figures: pd.DataFrame, rules: pd.DataFrame) -> dict[tuple[str, str], bool]:
    """Derived by hand from the figures file, with exact fractions."""
    out = {}
    for rule in rules.to_dict("records"):
        values = sorted(Fraction(str(v)) for v in figures[rule["figure"]])
        n = len(values)
        median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
        ratio = Fraction(str(rule["threshold"]))
        limit = ratio * median if rule["threshold_kind"] == "median_ratio" else ratio
        for code, value in zip(figures["code"], figures[rule["figure"]], strict=True):
            v = Fraction(str(value))
            out[(code, rule["key"])] = {
                "lt": v < limit,
                "le": v <= limit,
                "gt": v > limit,
                "ge": v >= limit,
            }[rule["operator"]]
    return out


def test_real_flags_match_a_hand_derivation(real) -> None:
    figures, rules = real
    result = flags.evaluate_flags(figures, rules)
    assert len(result) == len(figures) * len(rules) == 12 * len(rules)
    want = _expected_raised(figures, rules)
    got = {(r["code"], r["flag"]): r["raised"] for r in result.to_dict("records")}
    assert got == want
    # the result carries the numbers the app shows
    for row in result.to_dict("records"):
        values = figures[row["figure"]]
        assert row["national_median"] == pytest.approx(float(values.median()))
        assert row["value"] == float(figures.loc[figures["code"] == row["code"], row["figure"]].iloc[0])


def test_real_flags_are_informative(real) -> None:
    """Not every region is flagged, and not none: the rules discriminate."""
    figures, rules = real
    result = flags.evaluate_flags(figures, rules)
    raised = result[result["raised"]]
    assert 0 < len(raised) < len(result) / 2
    per_region = flags.raised_flags(result)
    assert set(per_region) == set(figures["code"])
    assert any(per_region.values()) and not all(per_region.values())


def test_small_population_matches_the_smallest_regions(real) -> None:
    figures, rules = real
    result = flags.evaluate_flags(figures, rules)
    half_median = figures["population"].median() / 2
    smallest = set(figures.loc[figures["population"] < half_median, "code"])
    flagged = set(result[(result["flag"] == "small_population") & result["raised"]]["code"])
    assert flagged == smallest
