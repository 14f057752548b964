"""Load and validate the data directory: one call, every problem at once.

>>> from atlas import load
>>> ds = load("data")          # raises atlas.DataError listing every problem
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, ValidationError

from atlas import census, config
from atlas.i18n import LANGS
from atlas.schema import (
    AreaRow,
    CaveatRow,
    ChangeRow,
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

if TYPE_CHECKING:
    from atlas.provinces import Provinces

MAX_KM_OUTSIDE_REGION = 15.0
MAX_CSV_BYTES = 32 * 1024 * 1024
"""Largest CSV file read (32 MiB: room for synthetic scale datasets of 10,000 institutes)."""
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
    changes: pd.DataFrame = field(repr=False, default_factory=lambda: _frame([], "id", list(ChangeRow.model_fields)))
    provinces: Provinces | None = field(repr=False, default=None)  # provinces, their figures and shapes

    def institutes_in(self, code: str) -> pd.DataFrame:
        return self.institutes[self.institutes["region_code"] == code]

    def sources_for(self, institute_id: str) -> pd.DataFrame:
        return self.sources[self.sources["institute_id"] == institute_id]

    @property
    def covered_regions(self) -> list[str]:
        return sorted(set(self.institutes["region_code"]))


@dataclass
class _Reader:
    data_dir: Path
    problems: list[Problem] = field(default_factory=list)
    # Every key seen in a file, valid row or not: references to a row that has its own problem
    # are not reported a second time as "unknown".
    keys_seen: dict[str, set[str]] = field(default_factory=dict)

    def add(self, file: str, row: int | None, fld: str, message: str) -> None:
        self.problems.append(Problem(file, row, fld, message))

    def read_bytes(self, name: str, required: bool = True, limit: int = MAX_CSV_BYTES) -> bytes | None:
        """The bytes of a regular file of the data directory, or None after recording the problem.

        Only regular files are read: a directory, FIFO, socket or device is refused before it is
        opened (a FIFO would block, ``/dev/zero`` would never end), a symbolic link must stay inside
        the data directory, and a file larger than ``limit`` is refused without being read.
        """
        path = self.data_dir / name
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            if required:
                self.add(name, None, "-", f"file is missing from {self.data_dir}")
            return None
        except OSError as exc:
            self.add(name, None, "-", f"cannot read the file: {exc.strerror or exc}")
            return None
        if stat.S_ISLNK(info.st_mode):
            try:
                target = path.resolve(strict=True)
                inside = target.is_relative_to(self.data_dir.resolve(strict=True))
            except (OSError, RuntimeError):
                self.add(name, None, "-", "is a broken symbolic link")
                return None
            if not inside:
                self.add(name, None, "-", "is a symbolic link that leads out of the data directory; copy the file in")
                return None
            path = target
            info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (device, FIFO or socket)"
            self.add(name, None, "-", f"is {kind}: expected a regular file")
            return None
        if info.st_size > limit:
            self.add(name, None, "-", f"file is {info.st_size:,} bytes, over the limit of {limit:,} bytes")
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            self.add(name, None, "-", f"cannot read the file: {exc.strerror or exc}")
            return None
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # replaced between the checks
                self.add(name, None, "-", "is not a regular file")
                return None
            raw = fh.read(limit + 1)
        if len(raw) > limit:
            self.add(name, None, "-", f"file is over the limit of {limit:,} bytes")
            return None
        return raw

    def read_text(self, name: str, required: bool = True, limit: int = MAX_CSV_BYTES) -> str | None:
        raw = self.read_bytes(name, required, limit)
        if raw is None:
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.add(name, line, "-", f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
            return None
        return text.removeprefix("\ufeff")

    def read_csv(self, name: str, required: bool = True) -> tuple[list[str], list[tuple[int, dict[str, str]]]] | None:
        """Header and (line number, row) pairs, or None after recording the problem."""
        text = self.read_text(name, required)
        if text is None:
            return None
        if "\x00" in text:
            self.add(name, None, "-", "file is not a CSV text file (it contains NUL bytes)")
            return None
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            records = list(reader)
        except csv.Error as exc:
            self.add(name, reader.line_num, "-", f"file is not valid CSV: {exc}")
            return None
        if not records or not any(cell.strip() for cell in records[0]):
            self.add(name, 1, "-", "file is empty: expected a header row")
            return None
        header = [h.strip() or f"column_{i}" for i, h in enumerate(records[0], 1)]
        dupes = sorted({h for h in header if header.count(h) > 1})
        for d in dupes:
            self.add(name, 1, d, "column appears more than once")
        rows: list[tuple[int, dict[str, str]]] = []
        line = 1
        for record in records[1:]:
            line += 1
            if not record or all(not c.strip() for c in record):
                continue
            if len(record) != len(header):
                self.add(name, line, "-", f"row has {len(record)} cells but the header has {len(header)}")
                continue
            rows.append((line, dict(zip(header, record, strict=True))))
        return header, rows

    def check_columns(self, name: str, header: list[str], expected: list[str], optional: set[str]) -> bool:
        ok = True
        for col in expected:
            if col not in header and col not in optional:
                self.add(name, 1, col, "required column is missing")
                ok = False
        for col in header:
            if col not in expected:
                self.add(name, 1, col, f"unknown column (expected: {', '.join(expected)})")
                ok = False
        return ok

    def models(self, name: str, model: type[BaseModel], key: str, required: bool) -> list[tuple[int, Any]]:
        parsed = self.read_csv(name, required)
        if parsed is None:
            return []
        header, rows = parsed
        fields = list(model.model_fields)
        optional = {f for f, info in model.model_fields.items() if not info.is_required()}
        if not self.check_columns(name, header, fields, optional):
            return []
        out: list[tuple[int, Any]] = []
        seen: dict[str, int] = {}
        self.keys_seen[name] = {row[key] for _, row in rows if row.get(key)}
        for line, row in rows:
            try:
                obj = model(**row)
            except ValidationError as exc:
                for err in exc.errors():
                    fld = str(err["loc"][0]) if err["loc"] else "-"
                    self.add(name, line, fld, _message(err, row.get(fld)))
                continue
            k = getattr(obj, key)
            if k in seen:
                self.add(name, line, key, f"duplicate id {k!r} (first on row {seen[k]})")
                continue
            seen[k] = line
            out.append((line, obj))
        return out


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _message(err: dict[str, Any], value: object) -> str:
    kind = err.get("type", "")
    msg = str(err.get("msg", "invalid"))
    msg = msg.removeprefix("Value error, ")
    shown = repr(value)[:60]
    if kind == "literal_error":
        return f"{shown} is not one of the allowed values ({msg.removeprefix('Input should be ')})"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return f"{shown} is not a number"
    return msg


def _frame(objs: list[tuple[int, Any]], key: str, columns: list[str]) -> pd.DataFrame:
    records = [{**o.model_dump(), "_row": line} for line, o in objs]
    df = pd.DataFrame.from_records(records, columns=[*columns, "_row"])
    return df.set_index(key, drop=False)


def _version(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(data_dir.glob("*")):
        if path.is_file() and path.suffix in (".csv", ".geojson"):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def validate(data_dir: str | Path | None = None) -> tuple[Dataset | None, list[Problem]]:
    """Load ``data_dir`` and return (dataset or None, every problem found)."""
    from atlas import geo  # shapely is only needed here

    data_dir = Path(data_dir) if data_dir is not None else config.data_dir()
    r = _Reader(data_dir)
    if not data_dir.is_dir():
        r.add(str(data_dir), None, "-", "data directory does not exist")
        return None, r.problems

    parsed = {name: r.models(name, *spec) for name, spec in CSV_FILES.items()}
    specs = {k: None for k in r.keys_seen.get("specialisations.csv", set())}
    regions = {o.code: o for _, o in parsed["regions.csv"]}
    fig_defs = {o.key: o for _, o in parsed["figures.csv"]}
    flags = {o.key: o for _, o in parsed["flags.csv"]}

    if parsed["regions.csv"] and sorted(regions) != [f"{i:02d}" for i in range(1, 13)]:
        missing = sorted({f"{i:02d}" for i in range(1, 13)} - set(regions))
        if missing:
            r.add("regions.csv", None, "code", f"the 12 HCP regions are required; missing {', '.join(missing)}")

    # Region figures: one numeric column per figure definition.
    figures = _read_figures(r, regions, fig_defs)

    fig_keys = r.keys_seen.get("figures.csv", set())  # a figure whose row has a problem is not "unknown"
    for line, f in parsed["flags.csv"]:
        if fig_keys and f.figure not in fig_keys:
            r.add("flags.csv", line, "figure", f"unknown figure {f.figure!r}")
    for line, c in parsed["caveats.csv"]:
        for key in split_list(c.figures):
            if fig_keys and key not in fig_keys:
                r.add("caveats.csv", line, "figures", f"unknown figure {key!r}")
        for key in split_list(c.flags):
            if flags and key not in flags:
                r.add("caveats.csv", line, "flags", f"unknown flag {key!r}")
    for line, c in parsed["claims.csv"]:
        if len(split_list(c.source_urls)) != len(split_list(c.source_publishers)):
            r.add("claims.csv", line, "source_publishers", "needs one publisher per URL in source_urls")
        if c.status in ("confirmed", "partly_confirmed") and not split_list(c.source_urls):
            r.add("claims.csv", line, "source_urls", f"is empty: a {c.status} claim needs the sources that confirm it")

    # Geometry.
    geojson: dict[str, Any] = {}
    shapes: dict[str, Any] = {}
    text = r.read_text(GEOMETRY_FILE, limit=geo.MAX_GEOJSON_BYTES)
    if text is not None:
        try:
            geojson = json.loads(text, parse_constant=_no_constant)
            shapes = geo.shapes_from_geojson(geojson)
        except RecursionError:
            r.add(GEOMETRY_FILE, None, "-", "not a usable GeoJSON of the regions: nested too deeply")
            geojson, shapes = {}, {}
        except (ValueError, KeyError, TypeError) as exc:
            r.add(GEOMETRY_FILE, None, "-", f"not a usable GeoJSON of the regions: {exc}")
            geojson, shapes = {}, {}
        if shapes and regions and sorted(shapes) != sorted(regions):
            r.add(GEOMETRY_FILE, None, "code", "feature codes do not match regions.csv")
        elif shapes:
            for message in geo.coverage_problems(shapes):
                r.add(GEOMETRY_FILE, None, "-", f"the regions do not tile: {message}")

    from atlas.provinces import read as read_provinces  # shapely is only needed here

    provinces = read_provinces(r, regions, fig_defs, figures, shapes)

    # Institutes: cross-file checks.
    for line, inst in parsed["institutes.csv"]:
        if regions and inst.region_code not in regions:
            r.add("institutes.csv", line, "region_code", f"unknown region code {inst.region_code!r}")
        for col, keys in (
            ("specialisation_commentary", split_list(inst.specialisation_commentary)),
            ("focus_areas", inst.focus_list),
        ):
            for k in keys:
                if specs and k not in specs:
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

    inst_ids = r.keys_seen.get("institutes.csv")  # None: the file itself is unusable (already reported)
    sourced: set[str] = set()
    for line, s in parsed["sources.csv"]:
        if inst_ids is not None and s.institute_id not in inst_ids:
            r.add("sources.csv", line, "institute_id", f"unknown institute {s.institute_id!r}")
        if s.kind != "commentary" and not s.url:
            r.add("sources.csv", line, "url", "is empty; only a commentary without a public address may omit it")
        sourced.add(s.institute_id)
    if parsed["sources.csv"]:
        for line, inst in parsed["institutes.csv"]:
            if inst.id not in sourced:
                r.add("institutes.csv", line, "id", f"institute {inst.id!r} has no row in sources.csv")

    for name, base in LABEL_COLUMNS.items():
        for lang in LANGS:
            col, first = f"{base}_{lang}", {}
            for line, obj in parsed[name]:
                label = getattr(obj, col).strip().casefold()
                if label in first:
                    r.add(name, line, col, f"same label as row {first[label]}: each row needs its own name")
                else:
                    first[label] = line
    if parsed["figures.csv"]:
        for key in REQUIRED_FIGURES:
            if key not in fig_defs and key not in r.keys_seen.get("figures.csv", set()):
                r.add("figures.csv", None, "key", f"figure {key!r} is required (the regions page charts it)")
    accountability = _read_accountability(r, parsed["institutes.csv"])

    for line, a in parsed["region_areas.csv"]:
        if regions and a.code not in regions:
            r.add("region_areas.csv", line, "code", f"unknown region code {a.code!r}")

    changes = _read_changes(r, parsed, set(regions))

    if r.problems:
        return None, r.problems

    columns = {name: list(spec[0].model_fields) for name, spec in CSV_FILES.items()}
    inst = _frame(parsed["institutes.csv"], "id", columns["institutes.csv"])
    inst["focus_list"] = [split_list(v) for v in inst["focus_areas"]]
    inst["status_day"] = [parse_partial_date(v)[0] for v in inst["status_date"]]
    ds = Dataset(
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
        version=_version(data_dir),
        shapes=shapes,
        accountability=accountability,
        changes=changes,
        provinces=provinces,
    )
    return ds, []


ACCOUNTABILITY_FILE = "accountability.csv"


def _read_accountability(r: _Reader, institutes: list[tuple[int, Any]]) -> pd.DataFrame:
    """``accountability.csv`` (optional): an institute with a scorecard answers every question exactly
    once, each answer a sourced fact or "not published" with the date it was last checked. Rows for an
    unknown institute, partial scorecards and published answers without a source are problems."""
    from atlas.schema import ACCOUNTABILITY_QUESTIONS, AccountabilityRow

    rows = r.models(ACCOUNTABILITY_FILE, AccountabilityRow, "key", False)
    if not rows and not (r.data_dir / ACCOUNTABILITY_FILE).exists():
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
# --- changes.csv (optional): the history of the network, published as an Atom feed ------------

CHANGES_FILE = "changes.csv"


def _read_changes(r: _Reader, parsed: dict[str, list[tuple[int, Any]]], regions: set[str]) -> pd.DataFrame:
    """The rows of ``changes.csv`` (indexed by id, in file order; empty when the file is absent).

    Checked: ids unique, dates real and not in the future, the subject an institute id of
    ``institutes.csv`` or a region code, every source id a row of ``sources.csv``, and a change
    about an institute cites that institute's own sources."""
    objs = r.models(CHANGES_FILE, ChangeRow, "id", required=False)
    inst_ids = r.keys_seen.get("institutes.csv", set())
    source_ids = r.keys_seen.get("sources.csv", set())
    source_institute = {s.source_id: s.institute_id for _, s in parsed["sources.csv"]}
    for line, c in objs:
        if c.subject not in inst_ids and c.subject not in regions:
            r.add(CHANGES_FILE, line, "subject",
                  f"unknown subject {c.subject!r}: expected an institute id of institutes.csv or a region code 01..12")
        for sid in c.source_list:
            if source_ids and sid not in source_ids:
                r.add(CHANGES_FILE, line, "source_ids", f"unknown source {sid!r} (not in sources.csv)")
            elif c.subject in inst_ids and sid in source_institute and source_institute[sid] != c.subject:
                r.add(CHANGES_FILE, line, "source_ids",
                      f"source {sid!r} is about {source_institute[sid]!r}, not about {c.subject!r}")
    return _frame(objs, "id", list(ChangeRow.model_fields))


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
                value = float(row[c])
                if not math.isfinite(value) or value < 0:
                    raise ValueError
            except ValueError:
                r.add(FIGURES_FILE, line, c, f"{row[c]!r} is not a non-negative number")
                continue
            if c in POSITIVE_FIGURES and value <= 0:
                r.add(FIGURES_FILE, line, c, f"{value:g} must be above zero")
                continue
            unit = getattr(fig_defs.get(c), "unit", "")
            if unit == "percent" and value > 100:
                r.add(FIGURES_FILE, line, c, f"{value} is not a percentage (0 to 100)")
            rec[c] = value
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
