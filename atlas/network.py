"""The network across the 12 regions, as plain data (no Streamlit): what the regions page shows.

- :func:`national_picture`, :func:`coverage_by_status`, :func:`specialisation_matrix`: coverage of
  the 12 regions (a region with several institutes counts once, at its most advanced status);
- :func:`comparison_table`, :func:`filter_comparison`, :func:`claims_table`: the tables of the
  regions page.

Nothing is invented: a region with no institute announced shows as such, never as a gap filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from atlas.checked import dataset_checked_text
from atlas.i18n import pick, t
from atlas.present import region_name, spec_label
from atlas.regionview import Label, raised_by_region
from atlas.schema import CLAIM_STATUSES, STATUSES, parse_partial_date, split_list
from atlas.view import View, regions_in_view

if TYPE_CHECKING:
    from atlas.dataset import Dataset

NONE_STATUS = "none"
COVERAGE_KEYS: tuple[str, ...] = (*STATUSES, NONE_STATUS)

MARK_COMMENTARY = "commentary"
MARK_CONVENTION = "convention"
MARK_BOTH = "both"
MARK_SYMBOLS = {"": "", MARK_COMMENTARY: "◆", MARK_CONVENTION: "●", MARK_BOTH: "◆●"}


@dataclass(frozen=True)
class NationalPicture:
    total_regions: int
    covered: int
    covered_regions: tuple[Label, ...]
    uncovered: tuple[Label, ...]  # the regions with no institute announced, by name
    by_status: dict[str, int]  # regions by their most advanced status, plus "none"; sums to 12
    hubs: int
    regional: int
    institutes: int
    flagged_regions: int  # regions with at least one flag raised
    summary: str  # one sentence in the language
    status_lines: tuple[str, ...]
    kind_line: str
    uncovered_line: str
    flagged_line: str
    matrix_overlaps: dict[str, tuple[str, ...]] = field(default_factory=dict)


def region_status(ds: Dataset, institutes: pd.DataFrame | None = None) -> dict[str, str]:
    """Region code -> the most advanced status of its institutes (of ``institutes``, default all), or ``"none"``."""
    out = {code: NONE_STATUS for code in ds.regions.index}
    for _, row in (ds.institutes if institutes is None else institutes).iterrows():
        code, status = str(row["region_code"]), str(row["status"])
        if out[code] == NONE_STATUS or STATUSES.index(status) > STATUSES.index(out[code]):
            out[code] = status
    return out


def coverage_by_status(ds: Dataset, institutes: pd.DataFrame | None = None) -> pd.DataFrame:
    """How many of the 12 regions have an institute at each status (and none).

    Indexed by status (``STATUSES`` then ``"none"``) with ``count`` and ``codes`` (tuple of region
    codes); a region with several institutes counts once, at its most advanced status.
    """
    status = region_status(ds, institutes)
    rows = []
    for s in COVERAGE_KEYS:
        codes = tuple(sorted(c for c, v in status.items() if v == s))
        rows.append({"status": s, "count": len(codes), "codes": codes})
    return pd.DataFrame(rows).set_index("status")


def specialisation_matrix(ds: Dataset) -> pd.DataFrame:
    """Region (12 rows, by code) × specialisation (columns, in specialisations.csv order).

    Cells: ``"commentary"`` (named only by the commentary), ``"convention"`` (only in the
    conventions' focus areas), ``"both"``, or ``""``.
    """
    specs = list(ds.specialisations.index)
    matrix = pd.DataFrame("", index=list(ds.regions.index), columns=specs, dtype=object)
    matrix.index.name = "code"
    for _, row in ds.institutes.iterrows():
        code = str(row["region_code"])
        commentary = set(split_list(str(row["specialisation_commentary"])))
        focus = set(row["focus_list"])
        for spec in commentary | focus:
            if spec not in matrix.columns:
                continue
            mark = MARK_BOTH if (spec in commentary and spec in focus) else (
                MARK_COMMENTARY if spec in commentary else MARK_CONVENTION
            )
            previous = matrix.at[code, spec]
            if previous and previous != mark:
                mark = MARK_BOTH
            matrix.at[code, spec] = mark
    return matrix


def matrix_gaps(matrix: pd.DataFrame) -> list[str]:
    """Region codes with no specialisation at all (no institute announced)."""
    return [str(code) for code, row in matrix.iterrows() if not any(row.astype(bool))]


def matrix_overlaps(matrix: pd.DataFrame) -> dict[str, list[str]]:
    """Specialisation -> region codes, for specialisations present in more than one region."""
    out = {}
    for spec in matrix.columns:
        codes = [str(c) for c in matrix.index[matrix[spec].astype(bool)]]
        if len(codes) > 1:
            out[str(spec)] = codes
    return out


def matrix_display(
    ds: Dataset, lang: str, codes: list[str] | None = None, specs: list[str] | None = None
) -> pd.DataFrame:
    """The matrix with region names as the index, specialisation labels as columns and marks as
    symbols (◆ commentary, ● convention, ◆● both; the page's legend says so in words)."""
    matrix = specialisation_matrix(ds)
    if codes:
        matrix = matrix.loc[[c for c in matrix.index if c in codes]]
    if specs:
        matrix = matrix[[s for s in matrix.columns if s in specs]]
    out = matrix.apply(lambda col: col.map(MARK_SYMBOLS))
    out.index = [region_name(ds, c, lang) for c in matrix.index]
    out.columns = [spec_label(ds, s, lang) for s in matrix.columns]
    return out


def national_picture(ds: Dataset, lang: str, institutes: pd.DataFrame | None = None) -> NationalPicture:
    """The network across the 12 regions: coverage by status, hub vs regional, regions with none.

    ``institutes`` (the filtered set, default all) makes the picture follow the view's filters: with
    a filter, the summary counts the regions with an institute that passes it."""
    filtered = institutes is not None and len(institutes) != len(ds.institutes)
    if institutes is None:
        institutes = ds.institutes
    coverage = coverage_by_status(ds, institutes)
    by_status = {str(s): int(n) for s, n in coverage["count"].items()}
    total = len(ds.regions)
    covered_codes = [c for s in STATUSES for c in coverage.loc[s, "codes"]]
    none_codes = list(coverage.loc[NONE_STATUS, "codes"])
    uncovered = tuple(Label(c, region_name(ds, c, lang)) for c in none_codes)
    kinds = institutes["kind"].value_counts()
    hubs, regional = int(kinds.get("hub", 0)), int(kinds.get("regional", 0))
    raised = raised_by_region(ds)
    flagged = sum(1 for codes in raised.values() if codes)
    status_lines = tuple(
        t("panel.status_count", lang, status=t(f"status.{s}", lang), count=by_status[s])
        for s in STATUSES
        if by_status[s]
    )
    overlaps = matrix_overlaps(specialisation_matrix(ds))
    checked = dataset_checked_text(ds, lang)
    return NationalPicture(
        total_regions=total,
        covered=len(covered_codes),
        covered_regions=tuple(Label(c, region_name(ds, c, lang)) for c in sorted(covered_codes)),
        uncovered=uncovered,
        by_status=by_status,
        hubs=hubs,
        regional=regional,
        institutes=len(institutes),
        flagged_regions=flagged,
        summary=(
            t("panel.national_summary_filtered", lang, covered=len(covered_codes), total=total, shown=len(institutes),
              all=len(ds.institutes), checked=checked)
            if filtered
            else t("panel.national_summary", lang, covered=len(covered_codes), total=total, checked=checked)
        ),
        status_lines=status_lines,
        kind_line=t("panel.kind_count", lang, hubs=hubs, regional=regional),
        uncovered_line=t(
            "panel.uncovered_list",
            lang,
            count=len(uncovered),
            names=t("panel.list_sep", lang).join(u.label for u in uncovered),
        ),
        flagged_line=t("panel.flagged_count", lang, flagged=flagged, total=total, rules=len(ds.flag_rules)),
        matrix_overlaps={k: tuple(v) for k, v in overlaps.items()},
    )


# --------------------------------------------------------------------------------------------
# Tables of the regions page
# --------------------------------------------------------------------------------------------

BASE_COLUMNS: tuple[str, ...] = (
    "code",
    "region",
    "institutes",
    "kind",
    "commentary",
    "focus",
    "status",
    "date",
    "confidence",
)


def comparison_table(ds: Dataset, lang: str) -> pd.DataFrame:
    """One row per region (12, by code): institute(s), specialisations, status, every figure, flags.

    Text cells are in ``lang``; figure columns (named by figure key) stay numeric so they sort;
    ``date`` is the data's partial date (``2025-04``), which sorts in time order and shows its
    precision. ``flags`` lists the labels of the raised flags (``flag_count`` their number).
    """
    raised = raised_by_region(ds)
    sep = t("panel.list_sep", lang)
    none = t("common.no_institute", lang)
    rows = []
    for code in ds.regions.index:
        inst = ds.institutes_in(code)
        row: dict[str, object] = {"code": code, "region": region_name(ds, code, lang)}
        if inst.empty:
            row.update(
                institutes=none, kind="", commentary="", focus="", status=none, date="", confidence="",
            )
        else:
            commentary = [
                spec_label(ds, k, lang)
                for v in inst["specialisation_commentary"]
                for k in split_list(str(v))
            ]
            row.update(
                institutes=sep.join(pick(r, "name", lang) for _, r in inst.iterrows()),
                kind=sep.join(t(f"kind.{k}", lang) for k in inst["kind"]),
                commentary=sep.join(commentary) if commentary else t("panel.commentary_silent", lang),
                focus=sep.join(dict.fromkeys(spec_label(ds, k, lang) for ks in inst["focus_list"] for k in ks)),
                status=sep.join(t(f"status.{s}", lang) for s in inst["status"]),
                date=sep.join(str(d) for d in inst["status_date"]),
                confidence=sep.join(t(f"confidence.{c}", lang) for c in inst["confidence"]),
            )
        for key in ds.figure_defs.index:
            row[str(key)] = float(ds.figures.loc[code, key])
        keys = raised.get(code, [])
        row["flag_count"] = len(keys)
        row["flags"] = sep.join(pick(ds.flag_rules.loc[k], "label", lang) for k in keys)
        rows.append(row)
    columns = [*BASE_COLUMNS, *[str(k) for k in ds.figure_defs.index], "flag_count", "flags"]
    return pd.DataFrame(rows, columns=columns)


def filter_comparison(ds: Dataset, table: pd.DataFrame, view: View) -> pd.DataFrame:
    """Rows of ``table`` for the regions of :func:`atlas.view.regions_in_view` (every filter of the view)."""
    return table[table["code"].isin(regions_in_view(ds, view))]


CLAIM_COLOURS = {"confirmed": "green", "partly_confirmed": "blue", "differs": "orange", "not_found": "red"}
"""The badge colour of each claim status (Streamlit badge colours; the static edition's CSS follows them)."""


def claims_intro(claims: pd.DataFrame, lang: str) -> str:
    """"9 claims compared with public sources: 4 confirmed, 1 partly confirmed, …" for :func:`claims_table`."""
    counts = claims["status"].value_counts()
    return t("regions.claims_intro", lang, total=len(claims),
             **{status: int(counts.get(status, 0)) for status in CLAIM_STATUSES})


def claims_table(ds: Dataset, lang: str) -> pd.DataFrame:
    """The commentary's claims in order: ``key, claim, status, status_label, finding, sources``
    (``sources`` is a tuple of (publisher, url) pairs)."""
    rows = []
    for key, row in ds.claims.iterrows():
        urls = split_list(str(row["source_urls"]))
        publishers = split_list(str(row["source_publishers"]))
        rows.append(
            {
                "key": str(key),
                "claim": pick(row, "claim", lang),
                "status": str(row["status"]),
                "status_label": t(f"panel.claim.{row['status']}", lang),
                "finding": pick(row, "finding", lang),
                "sources": tuple(zip(publishers, urls, strict=False)),  # the loader checks they pair up
            }
        )
    return pd.DataFrame(rows, columns=["key", "claim", "status", "status_label", "finding", "sources"])


def status_sort_key(status: str) -> int:
    return COVERAGE_KEYS.index(status) if status in COVERAGE_KEYS else len(COVERAGE_KEYS)


def partial_date_span(value: str) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """(start, end, precision) of a partial date: a day spans one day, a month its month, a year its year."""
    start, precision = parse_partial_date(value)
    ts = pd.Timestamp(start)
    if precision == "year":
        end = ts + pd.DateOffset(years=1)
    elif precision == "month":
        end = ts + pd.DateOffset(months=1)
    else:
        end = ts + pd.DateOffset(days=1)
    return ts, end, precision
