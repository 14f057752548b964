"""Load and validate the data directory: one call, every problem at once.

>>> from atlas import load
>>> ds = load("data")          # raises atlas.DataError listing every problem
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel

from atlas import census, config
from atlas.datafiles import Reader as _Reader
from atlas.i18n import LANGS
from atlas.schema import (
    AreaRow,
    CaveatRow,
    ChangeRow,
    ChangeSourceRow,
    ClaimRow,
    DataError,
    FigureDefRow,
    FlagRow,
    InstituteRow,
    Problem,
    RegionRow,
    SourceRow,
    SpecialisationRow,
    parse_partial_date,
    split_list,
)
from atlas.schema_provinces import PROVINCE_FILES

if TYPE_CHECKING:
    from atlas.provinces import Provinces

MAX_KM_OUTSIDE_REGION = 15.0
REQUIRED_FIGURES = ("population", "higher_education_share", "higher_education_people")
"""Figures the pages draw without being asked (regions page charts): figures.csv must define them."""
POSITIVE_FIGURES = ("population",)
"""Figures that must be above zero (every region is inhabited; the charts use a log scale)."""
LABEL_COLUMNS = {  # file -> base name of the label columns that name a row in menus and table headers
    "specialisations.csv": "label",
    "figures.csv": "label",
    "flags.csv": "label",
    "regions.csv": "name",
}

# file name -> (row model, key column, required?)
CSV_FILES: dict[str, tuple[type[BaseModel], str, bool]] = {
    "specialisations.csv": (SpecialisationRow, "key", True),
    "regions.csv": (RegionRow, "code", True),
    "figures.csv": (FigureDefRow, "key", True),
    "flags.csv": (FlagRow, "key", True),
    "caveats.csv": (CaveatRow, "key", True),
    "claims.csv": (ClaimRow, "key", True),
    "institutes.csv": (InstituteRow, "id", True),
    "sources.csv": (SourceRow, "source_id", True),
    "region_areas.csv": (AreaRow, "code", False),
}
FIGURES_FILE = "region_figures.csv"
GEOMETRY_FILE = "regions.geojson"


@dataclass(frozen=True)
class Dataset:
    """The validated dataset. Frames are indexed by their key column."""

    data_dir: Path
    institutes: pd.DataFrame
    sources: pd.DataFrame
    specialisations: pd.DataFrame
    regions: pd.DataFrame
    figures: pd.DataFrame
    figure_defs: pd.DataFrame
    flag_rules: pd.DataFrame
    caveats: pd.DataFrame
    claims: pd.DataFrame
    geojson: dict[str, Any]
    region_areas: pd.DataFrame
    version: str
    shapes: dict[str, Any] = field(repr=False, default_factory=dict)
    # accountability.csv (optional file): one row per (institute, question), indexed by institute_id
    accountability: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    # changes.csv, with the ';'-joined ``source_ids`` of change_sources.csv
    changes: pd.DataFrame = field(repr=False, default_factory=lambda: _changes_frame([], {}))
    provinces: Provinces | None = field(repr=False, default=None)  # provinces, their figures and shapes

    def institutes_in(self, code: str) -> pd.DataFrame:
        return self.institutes[self.institutes["region_code"] == code]

    def sources_for(self, institute_id: str) -> pd.DataFrame:
        return self.sources[self.sources["institute_id"] == institute_id]

    @property
    def covered_regions(self) -> list[str]:
        return sorted(set(self.institutes["region_code"]))


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _frame(objs: list[tuple[int, Any]], key: str, columns: list[str]) -> pd.DataFrame:
    # column by column: no second copy of every row as a dict (a file may hold 500,000 rows)
    data = {c: [getattr(o, c) for _, o in objs] for c in columns}
    df = pd.DataFrame({**data, "_row": [line for line, _ in objs]}, columns=[*columns, "_row"])
    return df.set_index(key, drop=False)


Parsed = dict[str, list[tuple[int, Any]]]
"""File name -> its valid rows as (line, row model), for the files of :data:`CSV_FILES`."""


def validate(data_dir: str | Path | None = None) -> tuple[Dataset | None, list[Problem]]:
    """Load ``data_dir`` and return (dataset or None, every problem found)."""
    data_dir = Path(data_dir) if data_dir is not None else config.data_dir()
    r = _Reader(data_dir)
    if not r.check_directory():
        return None, r.problems

    parsed: Parsed = {name: r.models(name, *spec) for name, spec in CSV_FILES.items()}
    regions = {o.code: o for _, o in parsed["regions.csv"]}
    fig_defs = {o.key: o for _, o in parsed["figures.csv"]}
    _check_regions(r, parsed, regions)
    figures = _read_figures(r, regions, fig_defs)
    _check_references(r, parsed)
    _check_orders(r, parsed)
    geojson, shapes = _read_geometry(r, regions)
    provinces = _read_provinces(r, regions, fig_defs, figures, shapes)
    _check_institutes(r, parsed, regions, shapes)
    _check_sources(r, parsed)
    _check_labels(r, parsed)
    _check_required_figures(r, parsed, fig_defs)
    accountability = _read_accountability(r, parsed["institutes.csv"])
    _check_areas(r, parsed, regions)
    changes = _read_changes(r, parsed, set(regions))

    if r.problems:
        return None, r.all_problems()
    return _assemble(data_dir, parsed, figures, geojson, shapes, accountability, changes, provinces, r.version()), []


def _check_regions(r: _Reader, parsed: Parsed, regions: dict[str, Any]) -> None:
    """``regions.csv`` lists the 12 HCP regions (a region whose row has a problem is not "missing")."""
    seen = r.keys_seen.get("regions.csv")
    missing = sorted({f"{i:02d}" for i in range(1, 13)} - (seen or set()))
    if seen is not None and missing:
        r.add("regions.csv", None, "code", f"the 12 HCP regions are required; missing {', '.join(missing)}")


def _check_orders(r: _Reader, parsed: Parsed) -> None:
    """Caveats and claims each have their own place in the order they are shown in."""
    for name in ("caveats.csv", "claims.csv"):
        first: dict[int, int] = {}
        for line, obj in parsed[name]:
            if obj.order in first:
                r.add(name, line, "order", f"same order as row {first[obj.order]}: each row needs its own place")
            else:
                first[obj.order] = line


def _check_references(r: _Reader, parsed: Parsed) -> None:
    """Flags name a figure; caveats name figures and flags; a claim has one publisher per URL."""
    # None: the file itself is unusable (already reported); a key whose row has a problem is not "unknown"
    fig_keys = r.keys_seen.get("figures.csv")
    flag_keys = r.keys_seen.get("flags.csv")
    for line, f in parsed["flags.csv"]:
        if fig_keys is not None and f.figure not in fig_keys:
            r.add("flags.csv", line, "figure", f"unknown figure {f.figure!r}")
    for line, c in parsed["caveats.csv"]:
        for key in split_list(c.figures):
            if fig_keys is not None and key not in fig_keys:
                r.add("caveats.csv", line, "figures", f"unknown figure {key!r}")
        for key in split_list(c.flags):
            if flag_keys is not None and key not in flag_keys:
                r.add("caveats.csv", line, "flags", f"unknown flag {key!r}")
        if len(split_list(c.cues)) < len(split_list(c.paragraphs)):
            r.add("caveats.csv", line, "cues", "needs at least one cue per paragraph in paragraphs")
    for line, c in parsed["claims.csv"]:
        if len(split_list(c.source_urls)) != len(split_list(c.source_publishers)):
            r.add("claims.csv", line, "source_publishers", "needs one publisher per URL in source_urls")
        if c.status in ("confirmed", "partly_confirmed") and not split_list(c.source_urls):
            r.add("claims.csv", line, "source_urls", f"is empty: a {c.status} claim needs the sources that confirm it")


def _read_geometry(r: _Reader, regions: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``regions.geojson``: (the GeoJSON, code -> shapely shape); both empty after a problem."""
    from atlas import geo  # shapely is only needed here

    text = r.read_text(GEOMETRY_FILE, limit=geo.MAX_GEOJSON_BYTES)
    if text is None:
        return {}, {}
    try:
        geojson = json.loads(text, parse_constant=_no_constant)
        shapes = geo.shapes_from_geojson(geojson)
    except RecursionError:
        r.add(GEOMETRY_FILE, None, "-", "not a usable GeoJSON of the regions: nested too deeply")
        return {}, {}
    except (ValueError, KeyError, TypeError) as exc:
        r.add(GEOMETRY_FILE, None, "-", f"not a usable GeoJSON of the regions: {exc}")
        return {}, {}
    if shapes and regions and sorted(shapes) != sorted(regions):
        r.add(GEOMETRY_FILE, None, "code", "feature codes do not match regions.csv")
    elif shapes:
        for message in geo.coverage_problems(shapes):
            r.add(GEOMETRY_FILE, None, "-", f"the regions do not tile: {message}")
    return geojson, shapes


def _read_provinces(r: _Reader, regions: dict[str, Any], fig_defs: dict[str, Any], figures: pd.DataFrame,
                    shapes: dict[str, Any]) -> Provinces | None:
    """The province files (``atlas.provinces``), checked against their regions."""
    from atlas.provinces import read  # shapely is only needed here

    return read(r, regions, fig_defs, figures, shapes)


def _check_institutes(r: _Reader, parsed: Parsed, regions: dict[str, Any], shapes: dict[str, Any]) -> None:
    """Each institute's region and specialisations exist, and its point lies in Morocco, near its region."""
    from atlas import geo  # shapely is only needed here

    specs = r.keys_seen.get("specialisations.csv")
    for line, inst in parsed["institutes.csv"]:
        if regions and inst.region_code not in regions:
            r.add("institutes.csv", line, "region_code", f"unknown region code {inst.region_code!r}")
        for col, keys in (
            ("specialisation_commentary", split_list(inst.specialisation_commentary)),
            ("focus_areas", inst.focus_list),
        ):
            for k in keys:
                if specs is not None and k not in specs:
                    r.add("institutes.csv", line, col, f"unknown specialisation {k!r}")
        if not geo.in_morocco(inst.lat, inst.lon):
            r.add("institutes.csv", line, "lat", f"({inst.lat}, {inst.lon}) is outside Morocco")
        elif inst.region_code in shapes:
            km = geo.distance_to_region_km(inst.lat, inst.lon, shapes[inst.region_code])
            if km > MAX_KM_OUTSIDE_REGION:
                r.add(
                    "institutes.csv", line, "lat",
                    f"({inst.lat}, {inst.lon}) is {km:.0f} km outside region {inst.region_code} "
                    f"(at most {MAX_KM_OUTSIDE_REGION:.0f} km allowed)",
                )


def _check_sources(r: _Reader, parsed: Parsed) -> None:
    """Each source names a known institute and has a URL (but the commentary); each institute has a source."""
    inst_ids = r.keys_seen.get("institutes.csv")  # None: the file itself is unusable (already reported)
    sourced: set[str] = set()
    for line, s in parsed["sources.csv"]:
        if inst_ids is not None and s.institute_id not in inst_ids:
            r.add("sources.csv", line, "institute_id", f"unknown institute {s.institute_id!r}")
        if s.kind != "commentary" and not s.url:
            r.add("sources.csv", line, "url", "is empty; only a commentary without a public address may omit it")
        sourced.add(s.institute_id)
    if "sources.csv" in r.keys_seen:  # read (a header-only file too): every institute needs its sources
        for line, inst in parsed["institutes.csv"]:
            if inst.id not in sourced:
                r.add("institutes.csv", line, "id", f"institute {inst.id!r} has no row in sources.csv")


def _check_labels(r: _Reader, parsed: Parsed) -> None:
    """The labels that name a row in menus and table headers differ from row to row, in each language."""
    for name, base in LABEL_COLUMNS.items():
        for lang in LANGS:
            col, first = f"{base}_{lang}", {}
            for line, obj in parsed[name]:
                label = getattr(obj, col).strip().casefold()
                if label in first:
                    r.add(name, line, col, f"same label as row {first[label]}: each row needs its own name")
                else:
                    first[label] = line


def _check_required_figures(r: _Reader, parsed: Parsed, fig_defs: dict[str, Any]) -> None:
    if "figures.csv" in r.keys_seen:
        for key in REQUIRED_FIGURES:
            if key not in fig_defs and key not in r.keys_seen["figures.csv"]:
                r.add("figures.csv", None, "key", f"figure {key!r} is required (the regions page charts it)")


def _check_areas(r: _Reader, parsed: Parsed, regions: dict[str, Any]) -> None:
    for line, a in parsed["region_areas.csv"]:
        if regions and a.code not in regions:
            r.add("region_areas.csv", line, "code", f"unknown region code {a.code!r}")


def _assemble(data_dir: Path, parsed: Parsed, figures: pd.DataFrame, geojson: dict[str, Any],
              shapes: dict[str, Any], accountability: pd.DataFrame, changes: pd.DataFrame,
              provinces: Provinces | None, version: str) -> Dataset:
    """The :class:`Dataset` of a directory without problems: frames indexed by their key."""
    columns = {name: list(spec[0].model_fields) for name, spec in CSV_FILES.items()}
    inst = _frame(parsed["institutes.csv"], "id", columns["institutes.csv"])
    inst["focus_list"] = [split_list(v) for v in inst["focus_areas"]]
    inst["status_day"] = [parse_partial_date(v)[0] for v in inst["status_date"]]
    return Dataset(
        data_dir=data_dir,
        institutes=inst,
        sources=_frame(parsed["sources.csv"], "source_id", columns["sources.csv"]),
        specialisations=_frame(parsed["specialisations.csv"], "key", columns["specialisations.csv"]),
        regions=_frame(parsed["regions.csv"], "code", columns["regions.csv"]).sort_index(),
        figures=figures,
        figure_defs=_frame(parsed["figures.csv"], "key", columns["figures.csv"]),
        flag_rules=_frame(parsed["flags.csv"], "key", columns["flags.csv"]),
        caveats=_frame(parsed["caveats.csv"], "key", columns["caveats.csv"]).sort_values("order"),
        claims=_frame(parsed["claims.csv"], "key", columns["claims.csv"]).sort_values("order"),
        geojson=geojson,
        region_areas=_frame(parsed["region_areas.csv"], "code", columns["region_areas.csv"]),
        version=version,
        shapes=shapes,
        accountability=accountability,
        changes=changes,
        provinces=provinces,
    )


ACCOUNTABILITY_FILE = "accountability.csv"


def _read_accountability(r: _Reader, institutes: list[tuple[int, Any]]) -> pd.DataFrame:
    """``accountability.csv`` (optional): an institute with a scorecard answers every question exactly
    once, each answer a sourced fact or "not published" with the date it was last checked. Rows for an
    unknown institute, partial scorecards and published answers without a source are problems."""
    from atlas.schema import ACCOUNTABILITY_QUESTIONS, AccountabilityRow

    rows = r.models(ACCOUNTABILITY_FILE, AccountabilityRow, "key", False)
    if not rows and ACCOUNTABILITY_FILE not in r.keys_seen:  # absent (or unreadable: already reported)
        return pd.DataFrame()
    inst_ids = r.keys_seen.get("institutes.csv", set())
    answered: dict[str, set[str]] = {}
    for line, row in rows:
        if inst_ids and row.institute_id not in inst_ids:
            r.add(ACCOUNTABILITY_FILE, line, "institute_id", f"unknown institute {row.institute_id!r}")
        for fld, message in row.problems():
            r.add(ACCOUNTABILITY_FILE, line, fld, message)
        answered.setdefault(row.institute_id, set()).add(row.question)
    for line, inst in institutes:
        # an institute with no row has no scorecard yet; one that has started must answer all questions
        missing = [q for q in ACCOUNTABILITY_QUESTIONS if q not in answered.get(inst.id, set())]
        if missing and inst.id in answered:
            r.add(ACCOUNTABILITY_FILE, None, "question",
                  f"institute {inst.id!r} (institutes.csv row {line}) has no row for {', '.join(missing)}")
    records = [{**o.model_dump(), "_row": line} for line, o in rows]
    columns = [*AccountabilityRow.model_fields, "_row"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    order = {q: i for i, q in enumerate(ACCOUNTABILITY_QUESTIONS)}
    frame = frame.assign(_order=frame["question"].map(order)).sort_values(["institute_id", "_order"])
    return frame.drop(columns="_order").set_index("institute_id", drop=False)
# --- changes.csv and change_sources.csv (optional): the history of the network, published as an Atom feed

CHANGES_FILE = "changes.csv"
CHANGE_SOURCES_FILE = "change_sources.csv"
DATA_FILES = (*CSV_FILES, FIGURES_FILE, GEOMETRY_FILE, ACCOUNTABILITY_FILE, CHANGES_FILE, CHANGE_SOURCES_FILE,
              *PROVINCE_FILES)
"""Every file validate reads: the only files of a data directory that count (and are hashed)."""


def _read_changes(r: _Reader, parsed: Parsed, regions: set[str]) -> pd.DataFrame:
    """The rows of ``changes.csv`` (indexed by id, in file order; empty when the file is absent), each
    with the ``;``-joined ids of its sources in ``change_sources.csv`` (``source_ids``, in file order).

    Checked: ids unique, dates real and not in the future, the subject an institute id of
    ``institutes.csv`` or a region code, and every change has a row in ``change_sources.csv``
    (see :func:`_change_sources` for the rows of that file)."""
    objs = r.models(CHANGES_FILE, ChangeRow, "id", required=False)
    # keys_seen of change_sources.csv: the change id of every row, valid or not (a pair repeats it)
    links = r.models(CHANGE_SOURCES_FILE, ChangeSourceRow, "change_id", required=False, unique=False)
    inst_ids = r.keys_seen.get("institutes.csv", set())
    cited = _known(r, CHANGE_SOURCES_FILE)
    for line, c in objs:
        if c.subject not in inst_ids and c.subject not in regions:
            r.add(CHANGES_FILE, line, "subject",
                  f"unknown subject {c.subject!r}: expected an institute id of institutes.csv or a region code 01..12")
        if cited is not None and c.id not in cited:
            r.add(CHANGES_FILE, line, "id", f"change {c.id!r} has no row in {CHANGE_SOURCES_FILE}: "
                  "every change needs the sources that report it")
    return _changes_frame(objs, _change_sources(r, parsed, objs, links))


def _known(r: _Reader, name: str) -> set[str] | None:
    """The keys seen in an optional file: none when it is absent, None when it is unusable (already reported)."""
    seen = r.keys_seen.get(name)
    return set() if seen is None and not r.counts[name] else seen


def _change_sources(r: _Reader, parsed: Parsed, changes: list[tuple[int, Any]],
                    links: list[tuple[int, Any]]) -> dict[str, list[str]]:
    """Change id -> the ids of its sources, in the order of ``change_sources.csv``.

    Checked on each row: the change is a row of ``changes.csv`` and the source a row of ``sources.csv``,
    the pair is not repeated, and a change about an institute cites that institute's own sources."""
    known_changes = _known(r, CHANGES_FILE)
    known_sources = r.keys_seen.get("sources.csv")  # None: unusable, already reported
    inst_ids = r.keys_seen.get("institutes.csv", set())
    subject = {c.id: c.subject for _, c in changes}
    source_institute = {s.source_id: s.institute_id for _, s in parsed["sources.csv"]}
    first: dict[tuple[str, str], int] = {}
    out: dict[str, list[str]] = {}
    for line, link in links:
        cid, sid = link.change_id, link.source_id
        if (cid, sid) in first:
            r.add(CHANGE_SOURCES_FILE, line, "source_id",
                  f"change {cid!r} already cites source {sid!r} (row {first[cid, sid]})")
            continue
        first[cid, sid] = line
        if known_changes is not None and cid not in known_changes:
            r.add(CHANGE_SOURCES_FILE, line, "change_id", f"unknown change {cid!r} (not in {CHANGES_FILE})")
        about, owner = subject.get(cid, ""), source_institute.get(sid)
        if known_sources is not None and sid not in known_sources:
            r.add(CHANGE_SOURCES_FILE, line, "source_id", f"unknown source {sid!r} (not in sources.csv)")
        elif about in inst_ids and owner is not None and owner != about:
            r.add(CHANGE_SOURCES_FILE, line, "source_id",
                  f"source {sid!r} is about {owner!r}, not about {about!r} (the subject of change {cid!r})")
        out.setdefault(cid, []).append(sid)
    return out


def _changes_frame(objs: list[tuple[int, Any]], sources: dict[str, list[str]]) -> pd.DataFrame:
    frame = _frame(objs, "id", list(ChangeRow.model_fields))
    frame.insert(len(ChangeRow.model_fields), "source_ids", [";".join(sources.get(cid, [])) for cid in frame.index])
    return frame


def _read_figures(r: _Reader, regions: dict[str, Any], fig_defs: dict[str, Any]) -> pd.DataFrame:
    parsed = r.read_csv(FIGURES_FILE)
    if parsed is None:
        return pd.DataFrame()
    header, rows = parsed
    if "code" not in header:
        r.add(FIGURES_FILE, 1, "code", "required column is missing")
        return pd.DataFrame()
    cols = [c for c in header if c != "code"]
    if fig_defs:
        for c, message in census.column_problems(cols, fig_defs, r.keys_seen.get("figures.csv", set())):
            r.add(FIGURES_FILE, 1, c, message)
    records = []
    seen: set[str] = set()
    for line, row in rows:
        code = row["code"]
        if regions and code not in regions:
            r.add(FIGURES_FILE, line, "code", f"unknown region code {code!r}")
            continue
        if code in seen:
            r.add(FIGURES_FILE, line, "code", f"duplicate region {code!r}")
            continue
        seen.add(code)
        rec: dict[str, Any] = {"code": code}
        for c in cols:
            try:
                rec[c] = census.figure_value(row[c], getattr(fig_defs.get(c), "unit", ""), c in POSITIVE_FIGURES)
            except ValueError as exc:
                r.add(FIGURES_FILE, line, c, str(exc))
        records.append(rec)
    if regions and len(seen) != len(regions):
        r.add(FIGURES_FILE, None, "code", f"expected one row per region ({len(regions)}), found {len(seen)}")
    return pd.DataFrame.from_records(records).set_index("code", drop=False).sort_index() if records else pd.DataFrame()


def load(data_dir: str | Path | None = None) -> Dataset:
    """Return the validated dataset of ``data_dir`` (default: ``ATLAS_DATA_DIR`` or ``data/``).

    Raises :class:`DataError` carrying every problem found.
    """
    ds, problems = validate(data_dir)
    if problems or ds is None:
        raise DataError(problems)
    return ds
