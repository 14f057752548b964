"""Command line: ``python -m atlas validate|build|export|publish``.

Every command reads the data directory from ``ATLAS_DATA_DIR`` (default ``data/``) unless one is
given. Problems are printed as ``FILE:ROW: FIELD: message``, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from atlas import config, exports_cli, publish
from atlas.cli_common import load_or_report
from atlas.dataset import Dataset
from atlas.fileio import RefusedTarget, check_target


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a clear message, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def summary(ds: Dataset) -> str:
    """A one-screen summary of a valid dataset."""
    inst = ds.institutes
    covered = ds.covered_regions
    lines = [
        f"Dataset {ds.data_dir} (version {ds.version}): valid",
        f"  regions: {len(ds.regions)} ({len(covered)} with an institute, {len(ds.regions) - len(covered)} without)",
        f"  institutes: {len(inst)} ({Counter(inst['kind'])['hub']} hub, {Counter(inst['kind'])['regional']} regional)",
    ]
    for col in ("status", "confidence"):
        counts = Counter(inst[col])
        lines.append(f"    by {col}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    lines += [
        f"  sources: {len(ds.sources)} rows for {ds.sources['institute_id'].nunique()} institutes",
        f"  specialisations: {len(ds.specialisations)}; figures: {len(ds.figure_defs)}; "
        f"flags: {len(ds.flag_rules)}; caveats: {len(ds.caveats)}; claims: {len(ds.claims)}",
        f"  geometry: {len(ds.shapes)} regions, {(ds.data_dir / 'regions.geojson').stat().st_size:,} bytes",
        "  without an institute: " + ", ".join(
            f"{c} {ds.regions.loc[c, 'name_fr']}" for c in ds.regions.index if c not in covered
        ),
    ]
    return "\n".join(lines)


def cmd_validate(args: argparse.Namespace) -> int:
    ds = load_or_report(args.data_dir)
    if ds is None:
        return 1
    print(summary(ds))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Regenerate the files derived from third-party packages (census, names, geometry)."""
    from atlas import census, datapackage, geo, provinces_build
    from atlas.schema_provinces import PROVINCE_FILES

    data_dir = Path(args.data_dir) if args.data_dir else config.data_dir()
    try:  # every target is checked before the first write; each is written atomically
        for name in (census.REGIONS_FILE, census.REGION_FIGURES_FILE, "regions.geojson", *PROVINCE_FILES,
                     datapackage.PACKAGE_FILE):
            check_target(data_dir / name)
        data_dir.mkdir(parents=True, exist_ok=True)
        for path in [*census.write_generated(data_dir), *provinces_build.write_generated(data_dir)]:
            print(f"wrote {path} ({path.stat().st_size:,} bytes)")
        size = geo.write_regions_geojson(data_dir / "regions.geojson")
    except RefusedTarget as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write into {data_dir}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {data_dir / 'regions.geojson'} ({size:,} bytes)")
    return write_descriptions(data_dir)


def write_descriptions(data_dir: Path) -> int:
    """``datapackage.json`` of the data directory and, for the repository's ``data/``, ``CITATION.cff``:
    both from the valid dataset, so they carry its version."""
    from atlas import citation, datapackage
    from atlas.fileio import write_atomic

    ds = load_or_report(str(data_dir), ": datapackage.json and CITATION.cff not written")
    if ds is None:
        return 1
    try:
        targets = [(data_dir / datapackage.PACKAGE_FILE, datapackage.package_bytes(ds))]
        if citation.is_repository_data(data_dir):
            targets.append((citation.CITATION_FILE, citation.citation(ds).encode("utf-8")))
        for path, data in targets:
            write_atomic(path, data)
            print(f"wrote {path} ({len(data):,} bytes)")
    except ValueError as exc:  # a CSV that no row model fits
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write into {data_dir}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m atlas", description="Jazari Atlas data tools.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("validate", help="check a data directory; exit 1 and list problems if invalid")
    p.add_argument("data_dir", nargs="?", help="data directory (default: $ATLAS_DATA_DIR or data/)")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("build", help="regenerate the census and geometry files (regions, provinces, communes), "
                       "datapackage.json and CITATION.cff")
    p.add_argument("--data-dir", help="data directory (default: $ATLAS_DATA_DIR or data/)")
    p.set_defaults(func=cmd_build)
    exports_cli.add_parser(sub)
    publish.add_parser(sub)
    p = sub.add_parser("synth", help="write a synthetic dataset of N institute-like points (scale tests only)")
    p.add_argument("--points", type=int, required=True, help="number of synthetic institutes")
    p.add_argument("-o", "--out", required=True, help="output directory (must not exist or be empty)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: fixed, so runs repeat)")
    p.add_argument("--data-dir", help="dataset to copy (default: $ATLAS_DATA_DIR or data/)")
    p.set_defaults(func=cmd_synth)
    return parser


def cmd_synth(args: argparse.Namespace) -> int:
    """Write a synthetic dataset directory (never shipped as data)."""
    from atlas import synthetic
    from atlas.schema import DataError

    if args.points < 0:
        print("--points must be >= 0", file=sys.stderr)
        return 2
    try:
        out = synthetic.write_synthetic(
            args.out, args.points, seed=synthetic.DEFAULT_SEED if args.seed is None else args.seed,
            source=args.data_dir,
        )
    except FileExistsError as exc:
        print(exc, file=sys.stderr)
        return 1
    except DataError as exc:  # the dataset to copy is broken: list its problems, as validate does
        for p in exc.problems:
            print(p)
        print(f"{len(exc.problems)} problem(s) in the dataset to copy; nothing written", file=sys.stderr)
        return 1
    print(f"wrote {out} ({args.points} synthetic institutes)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught below
        return status
    except BrokenPipeError:
        # The reader went away (``validate | head -1``): stop quietly, as other command-line tools do.
        # Python would report the pipe again when it flushes stdout at exit, so point stdout at
        # /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
