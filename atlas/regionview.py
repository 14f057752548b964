"""What the side panel and the regions page show, as plain data (no Streamlit).

Everything here turns the dataset into ready-to-display records in one language:

- :func:`region_card`: one region's names, institute(s) (the commentary's specialisation and the
  conventions' focus areas side by side, each with its sources), status timeline, partners,
  confidence, sources, census figures beside their national reference, and flags with their rule
  and numbers;
- :func:`figure_line`, :func:`flag_line`: one census figure, one critical-mass rule, for a region
  or the whole country (the caveats and their evidence are in :mod:`atlas.caveats`).

The network across the 12 regions (coverage, specialisation matrix, the regions page's tables) is
in :mod:`atlas.network`; the scorecard (records and the popup's
checklist) in :mod:`atlas.scorecard`.

Nothing is invented: what the data does not say is shown as "not announced" / "no institute
announced". A flag is never a score: it always comes with its rule in words and the numbers behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from atlas.checked import checked_text, sentence
from atlas.i18n import LANGS, fmt_date, fmt_number, fmt_percent, pick, t
from atlas.present import SourceRef, fmt_ratio, format_exact, format_value, region_name, source_date_text, spec_label
from atlas.schema import STATUSES, split_list
from atlas.scorecard import Scorecard, scorecard

if TYPE_CHECKING:
    from atlas.dataset import Dataset

OPERATOR_SYMBOLS = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    key: str
    label: str


@dataclass(frozen=True)
class TimelineStep:
    status: str
    label: str
    reached: bool
    current: bool
    date: str  # the data's partial date, only on the current step
    date_text: str


@dataclass(frozen=True)
class InstituteCard:
    id: str
    name: str
    kind: str
    kind_label: str
    city: str
    location_precision: str
    location_precision_label: str
    status: str
    status_label: str
    status_date: str
    status_date_text: str
    confidence: str
    confidence_label: str
    commentary: tuple[Label, ...]  # the commentary's specialisation (empty when it names none)
    commentary_sources: tuple[SourceRef, ...]
    focus: tuple[Label, ...]  # the conventions' focus areas
    focus_sources: tuple[SourceRef, ...]
    agree: bool | None  # None when the commentary names nothing for this institute
    partners: tuple[str, ...]
    notes: str
    last_verified_text: str  # the newest source's date
    checked_text: str  # "Newest source: …; last searched: …, nothing newer found."
    timeline: tuple[TimelineStep, ...]
    sources: tuple[SourceRef, ...]
    scorecard: Scorecard | None = None  # None when the dataset has no accountability.csv


@dataclass(frozen=True)
class FigureLine:
    """One census figure of a region (or of the country when ``code`` is None)."""

    key: str
    label: str
    definition: str
    unit: str
    unit_label: str
    value: float | None  # the region's value; None in the national picture
    value_text: str
    national: float
    national_text: str
    national_kind: str  # "median" or "total"
    national_label: str  # "median of the 12 regions" / "national total (sum of the 12 regions)"
    comparison_text: str  # "1.2 × the median" / "2.1% of the national total"; "" nationally
    low_text: str  # nationally: the lowest region and its value
    high_text: str  # nationally: the highest region and its value
    source_publisher: str
    source_url: str
    source_date: str
    help: str  # definition, unit and source, for a hover tooltip


@dataclass(frozen=True)
class FlagLine:
    """One critical-mass rule applied to a region (or, nationally, to all 12)."""

    key: str
    label: str
    rule: str  # the rule, in words
    reading: str  # why we look at this figure: the atlas's reasoning, shown apart ("" when none)
    figure: str
    figure_label: str
    operator: str
    operator_symbol: str
    threshold_value: float
    threshold_text: str
    national_median: float
    median_text: str
    value: float | None  # None in the national picture
    value_text: str
    raised: bool  # nationally: raised for at least one region
    numbers_text: str  # the comparison in numbers, in the language
    regions: tuple[Label, ...] = ()  # nationally: the regions it is raised for (code, name)


@dataclass(frozen=True)
class RegionCard:
    code: str
    name: str
    names: dict[str, str]
    institutes: tuple[InstituteCard, ...]
    no_institute_text: str  # "" when the region has an institute
    figures: tuple[FigureLine, ...]
    flags: tuple[FlagLine, ...]  # every rule, raised or not, in rule order
    raised: tuple[FlagLine, ...]  # only the raised ones

    @property
    def has_institute(self) -> bool:
        return bool(self.institutes)


# --------------------------------------------------------------------------------------------
# Cached computations per dataset
# --------------------------------------------------------------------------------------------

_CACHE: dict[tuple[str, str, str], object] = {}


def _cached(ds: Dataset, name: str, build):  # type: ignore[no-untyped-def]
    key = (str(ds.data_dir), ds.version, name)
    if key not in _CACHE:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = build()
    return _CACHE[key]


def _figures_frame(ds: Dataset) -> pd.DataFrame:
    """``ds.figures`` with ``code`` as a plain column (the order of regions.csv)."""
    frame = ds.figures.reset_index(drop=True)
    if "code" not in frame.columns:
        frame = ds.figures.reset_index()
    return frame


def national_reference(ds: Dataset) -> dict[str, float]:
    """The national reference of every figure (median of the 12 regions, or their total)."""

    def build() -> dict[str, float]:
        figures = _figures_frame(ds)
        defs = ds.figure_defs.reset_index(drop=True)
        try:
            from atlas.census import national_reference as census_reference

            return census_reference(figures, defs)
        except ImportError:  # pragma: no cover - census module always present in the repo
            out: dict[str, float] = {}
            for key, kind in zip(defs["key"], defs["national"], strict=True):
                col = figures[key].dropna()
                out[key] = float(col.sum()) if kind == "total" else float(col.median())
            return out

    return _cached(ds, "national_reference", build)  # type: ignore[return-value]


def evaluated_flags(ds: Dataset) -> pd.DataFrame:
    """Every flag rule applied to every region (``atlas.flags.evaluate_flags``)."""

    def build() -> pd.DataFrame:
        from atlas.flags import evaluate_flags

        rules = ds.flag_rules.reset_index(drop=True)
        return evaluate_flags(_figures_frame(ds), rules)

    return _cached(ds, "flags", build)  # type: ignore[return-value]


def raised_by_region(ds: Dataset) -> dict[str, list[str]]:
    """Region code -> keys of the flags raised for it (rule order). Every region is present."""
    out: dict[str, list[str]] = {code: [] for code in ds.regions.index}
    for row in evaluated_flags(ds).itertuples(index=False):
        if row.raised:
            out.setdefault(str(row.code), []).append(str(row.flag))
    return out


# --------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------




def _source_ref(row: pd.Series, lang: str) -> SourceRef:
    published = str(row.get("published", "") or "")
    return SourceRef(
        publisher=str(row["publisher"]),
        url=str(row.get("url", "") or ""),
        date=published,
        date_text=source_date_text(published, lang),
        kind=str(row["kind"]),
        fields=tuple(split_list(str(row["fields"]))),
    )


def _sources_with(sources: pd.DataFrame, fld: str, lang: str) -> tuple[SourceRef, ...]:
    return tuple(
        _source_ref(row, lang) for _, row in sources.iterrows() if fld in split_list(str(row["fields"]))
    )


def _timeline(status: str, status_date: str, lang: str) -> tuple[TimelineStep, ...]:
    current = STATUSES.index(status)
    steps = []
    for i, s in enumerate(STATUSES):
        is_current = i == current
        steps.append(
            TimelineStep(
                status=s,
                label=t(f"status.{s}", lang),
                reached=i <= current,
                current=is_current,
                date=status_date if is_current else "",
                date_text=fmt_date(status_date, lang) if is_current else "",
            )
        )
    return tuple(steps)


def institute_card(ds: Dataset, institute_id: str, lang: str) -> InstituteCard:
    row = ds.institutes.loc[institute_id]
    sources = ds.sources_for(institute_id)
    commentary_keys = split_list(str(row["specialisation_commentary"]))
    focus_keys = list(row["focus_list"])
    status = str(row["status"])
    status_date = str(row["status_date"])
    partners_text = pick(row, "partners", lang)
    return InstituteCard(
        id=institute_id,
        name=pick(row, "name", lang),
        kind=str(row["kind"]),
        kind_label=t(f"kind.{row['kind']}", lang),
        city=pick(row, "city", lang),
        location_precision=str(row["location_precision"]),
        location_precision_label=t(f"precision.{row['location_precision']}", lang),
        status=status,
        status_label=t(f"status.{status}", lang),
        status_date=status_date,
        status_date_text=fmt_date(status_date, lang),
        confidence=str(row["confidence"]),
        confidence_label=t(f"confidence.{row['confidence']}", lang),
        commentary=tuple(Label(k, spec_label(ds, k, lang)) for k in commentary_keys),
        commentary_sources=_sources_with(sources, "specialisation_commentary", lang),
        focus=tuple(Label(k, spec_label(ds, k, lang)) for k in focus_keys),
        focus_sources=_sources_with(sources, "focus_areas", lang),
        agree=(bool(set(commentary_keys) & set(focus_keys)) if commentary_keys else None),
        partners=tuple(p.strip() for p in partners_text.split(";") if p.strip()),
        notes=pick(row, "notes", lang),
        last_verified_text=fmt_date(str(row["last_verified"]), lang),
        checked_text=sentence(checked_text(str(row["last_verified"]), str(row["last_searched"]), lang)),
        timeline=_timeline(status, status_date, lang),
        sources=tuple(_source_ref(s, lang) for _, s in sources.iterrows()),
        scorecard=scorecard(ds, institute_id, lang),
    )


# --------------------------------------------------------------------------------------------
# Figures and flags
# --------------------------------------------------------------------------------------------


def _figure_help(defn: pd.Series, lang: str) -> str:
    unit = str(defn["unit"])
    return t(
        "panel.figure_help",
        lang,
        definition=pick(defn, "definition", lang),
        unit=t(f"panel.unit.{unit}", lang),
        national=t(f"panel.national.{defn['national']}", lang),
        source=str(defn["source_publisher"]),
        date=source_date_text(str(defn["source_date"]), lang),
    )


def figure_line(ds: Dataset, key: str, code: str | None, lang: str) -> FigureLine:
    """Figure ``key`` for region ``code`` beside its national reference (``code=None``: the country)."""
    defn = ds.figure_defs.loc[key]
    unit = str(defn["unit"])
    kind = str(defn["national"])
    national = national_reference(ds)[key]
    value: float | None = None
    comparison = low_text = high_text = ""
    if code is not None:
        raw = ds.figures.loc[code, key]
        value = None if raw != raw else float(raw)
        if value is not None and national:
            if kind == "total":
                comparison = t("panel.share_of_total", lang, share=fmt_percent(100 * value / national, lang, 1))
            else:
                comparison = t("panel.ratio_to_median", lang, ratio=fmt_ratio(value / national, lang))
    else:
        col = ds.figures[key].dropna()
        if not col.empty:
            lo, hi = col.idxmin(), col.idxmax()
            low_text = t(
                "panel.range_low", lang, region=region_name(ds, lo, lang), value=format_value(col[lo], unit, lang)
            )
            high_text = t(
                "panel.range_high", lang, region=region_name(ds, hi, lang), value=format_value(col[hi], unit, lang)
            )
    return FigureLine(
        key=key,
        label=pick(defn, "label", lang),
        definition=pick(defn, "definition", lang),
        unit=unit,
        unit_label=t(f"panel.unit.{unit}", lang),
        value=value,
        value_text=format_value(value, unit, lang) if code is not None else format_exact(national, unit, lang),
        national=national,
        national_text=format_exact(national, unit, lang),
        national_kind=kind,
        national_label=t(f"panel.national.{kind}", lang),
        comparison_text=comparison,
        low_text=low_text,
        high_text=high_text,
        source_publisher=str(defn["source_publisher"]),
        source_url=str(defn["source_url"]),
        source_date=str(defn["source_date"]),
        help=_figure_help(defn, lang),
    )


def _numbers_text(
    rule: pd.Series, unit: str, value: float | None, median: float, threshold: float, raised: bool, lang: str
) -> str:
    op = t(f"panel.op.{rule['operator']}", lang)
    thr = format_exact(threshold, unit, lang)
    if str(rule["threshold_kind"]) == "median_ratio":
        ratio = fmt_number(float(rule["threshold"]), lang, 2).rstrip("0").rstrip(",.") or "0"
        threshold_words = t(
            "panel.threshold_ratio", lang, ratio=ratio, median=format_exact(median, unit, lang), threshold=thr
        )
    else:
        threshold_words = thr
    if value is None:
        return t("panel.flag_threshold", lang, op=op, threshold=threshold_words)
    key = "panel.flag_numbers_raised" if raised else "panel.flag_numbers_clear"
    return t(key, lang, value=format_value(value, unit, lang), op=op, threshold=threshold_words)


def flag_line(ds: Dataset, key: str, code: str | None, lang: str) -> FlagLine:
    """Rule ``key`` applied to region ``code`` (``None``: the regions it is raised for)."""
    rule = ds.flag_rules.loc[key]
    figure = str(rule["figure"])
    unit = str(ds.figure_defs.loc[figure, "unit"])
    evaluated = evaluated_flags(ds)
    rows = evaluated[evaluated["flag"] == key]
    first = rows.iloc[0]
    median = float(first["national_median"])
    threshold = float(first["threshold_value"])
    if code is not None:
        mine = rows[rows["code"] == code].iloc[0]
        value: float | None = float(mine["value"])
        raised = bool(mine["raised"])
        regions: tuple[Label, ...] = ()
    else:
        value = None
        hit = rows[rows["raised"]]
        regions = tuple(Label(str(c), region_name(ds, str(c), lang)) for c in hit["code"])
        raised = bool(regions)
    return FlagLine(
        key=key,
        label=pick(rule, "label", lang),
        rule=pick(rule, "rule", lang),
        reading=pick(rule, "reading", lang),
        figure=figure,
        figure_label=pick(ds.figure_defs.loc[figure], "label", lang),
        operator=str(rule["operator"]),
        operator_symbol=OPERATOR_SYMBOLS[str(rule["operator"])],
        threshold_value=threshold,
        threshold_text=format_exact(threshold, unit, lang),
        national_median=median,
        median_text=format_exact(median, unit, lang),
        value=value,
        value_text=format_value(value, unit, lang) if value is not None else "",
        raised=raised,
        numbers_text=_numbers_text(rule, unit, value, median, threshold, raised, lang),
        regions=regions,
    )


# --------------------------------------------------------------------------------------------
# Region card
# --------------------------------------------------------------------------------------------


def region_card(ds: Dataset, code: str, lang: str) -> RegionCard:
    """Everything the side panel shows about region ``code``. Raises ``KeyError`` for an unknown code."""
    region = ds.regions.loc[code]
    institutes = ds.institutes_in(code)
    cards = tuple(institute_card(ds, str(i), lang) for i in institutes.index)
    flags = tuple(flag_line(ds, str(k), code, lang) for k in ds.flag_rules.index)
    return RegionCard(
        code=code,
        name=pick(region, "name", lang),
        names={lg: str(region[f"name_{lg}"]) for lg in LANGS},
        institutes=cards,
        no_institute_text="" if cards else t("common.no_institute", lang),
        figures=tuple(figure_line(ds, str(k), code, lang) for k in ds.figure_defs.index),
        flags=flags,
        raised=tuple(f for f in flags if f.raised),
    )
