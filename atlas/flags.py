"""Critical-mass flags: simple, stated rules over the regional census figures.

A rule (a row of ``data/flags.csv``) compares one figure of a region with a threshold:

- ``threshold_kind == "median_ratio"``: the threshold is ``threshold`` times the median of that
  figure across the regions of the table (the 12 regions);
- ``threshold_kind == "absolute"``: the threshold is ``threshold`` itself.

``operator`` is ``lt`` (strictly below), ``le`` (below or equal), ``gt`` (strictly above) or
``ge`` (above or equal). The comparison is done on decimals, the numbers as they are printed
(``0.9 * 18.85`` is exactly ``16.965``), so a value exactly at the threshold behaves as the
operator says and never by a floating-point accident. A missing value never raises a flag.

The app shows each rule in words (``rule_*``) with the region's value, the median and the
threshold, and the atlas's reasoning behind it (``reading_*``) apart, labelled as ours: there is
no combined score.
"""

from __future__ import annotations

import math
import operator as _op
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pandas as pd

from atlas.census import median_of

FLAGS_FILE = "flags.csv"

RULE_COLUMNS: tuple[str, ...] = (
    "key",
    "figure",
    "operator",
    "threshold_kind",
    "threshold",
    "label_fr",
    "label_ar",
    "label_en",
    "rule_fr",
    "rule_ar",
    "rule_en",
    "reading_fr",
    "reading_ar",
    "reading_en",
)

RESULT_COLUMNS: tuple[str, ...] = (
    "code",
    "flag",
    "figure",
    "value",
    "national_median",
    "threshold_value",
    "operator",
    "raised",
)

OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "lt": _op.lt,
    "le": _op.le,
    "gt": _op.gt,
    "ge": _op.ge,
}

THRESHOLD_KINDS: frozenset[str] = frozenset({"median_ratio", "absolute"})


def _dec(value: object) -> Decimal:
    """The decimal a number prints as (shortest round-trip form for floats)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))  # type: ignore[arg-type]


def _is_missing(value: object) -> bool:
    try:
        return value is None or math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def load_rules(data_dir: Path) -> pd.DataFrame:
    """Read ``flags.csv``: text columns, ``threshold`` as a float."""
    rules = pd.read_csv(Path(data_dir) / FLAGS_FILE, dtype=str, keep_default_na=False)
    rules["threshold"] = rules["threshold"].astype(float)
    return rules


def validate_rules(rules: pd.DataFrame, figures: pd.DataFrame) -> None:
    """Raise ``ValueError`` when a rule is malformed or names a figure that is not in ``figures``."""
    needed = ("key", "figure", "operator", "threshold_kind", "threshold")
    missing = [column for column in needed if column not in rules.columns]
    if missing:
        raise ValueError(f"flag rules lack the columns {missing}")
    keys = list(rules["key"])
    if len(set(keys)) != len(keys):
        raise ValueError("flag rule keys must be unique")
    for rule in rules.itertuples(index=False):
        if rule.operator not in OPERATORS:
            raise ValueError(f"rule {rule.key!r}: operator must be one of {sorted(OPERATORS)}")
        if rule.threshold_kind not in THRESHOLD_KINDS:
            raise ValueError(f"rule {rule.key!r}: threshold_kind must be one of {sorted(THRESHOLD_KINDS)}")
        if rule.figure not in figures.columns or rule.figure == "code":
            raise ValueError(f"rule {rule.key!r}: figure {rule.figure!r} is not in the figures")
        if _is_missing(rule.threshold):
            raise ValueError(f"rule {rule.key!r}: threshold is missing")


def threshold_value(rule_threshold: float, threshold_kind: str, median: float) -> Decimal:
    """The number a value is compared with, as an exact decimal."""
    if threshold_kind == "absolute":
        return _dec(rule_threshold)
    if threshold_kind == "median_ratio":
        return _dec(rule_threshold) * _dec(median)
    raise ValueError(f"threshold_kind must be one of {sorted(THRESHOLD_KINDS)}")


def compare(value: float, operator: str, threshold: Decimal) -> bool:
    """``value <operator> threshold`` on decimals; a missing value gives False."""
    if _is_missing(value):
        return False
    return OPERATORS[operator](_dec(value), threshold)


def evaluate_flags(figures: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """Apply every rule to every region.

    ``figures`` has a ``code`` column and one column per figure (``region_figures.csv``);
    ``rules`` is ``flags.csv``. The result has one row per (region, rule), regions in the order
    of ``figures`` and rules in the order of ``rules``, with the columns ``RESULT_COLUMNS``:
    the region's ``value``, the ``national_median`` of the figure across the regions of
    ``figures``, the ``threshold_value`` it was compared with, the ``operator`` and ``raised``.
    """
    validate_rules(rules, figures)
    rows = []
    medians = {figure: median_of(figures[figure]) for figure in set(rules["figure"])}
    thresholds = {
        rule.key: threshold_value(float(rule.threshold), rule.threshold_kind, medians[rule.figure])
        for rule in rules.itertuples(index=False)
    }
    for region in figures.to_dict("records"):
        for rule in rules.itertuples(index=False):
            value = region[rule.figure]
            rows.append(
                {
                    "code": str(region["code"]),
                    "flag": rule.key,
                    "figure": rule.figure,
                    "value": float(value),
                    "national_median": medians[rule.figure],
                    "threshold_value": float(thresholds[rule.key]),
                    "operator": rule.operator,
                    "raised": compare(value, rule.operator, thresholds[rule.key]),
                }
            )
    result = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    result["raised"] = result["raised"].astype(bool)
    return result


def raised_flags(evaluated: pd.DataFrame) -> dict[str, list[str]]:
    """Region code -> the keys of the flags raised for it (rule order kept)."""
    out: dict[str, list[str]] = {}
    for row in evaluated.itertuples(index=False):
        out.setdefault(row.code, [])
        if row.raised:
            out[row.code].append(row.flag)
    return out
