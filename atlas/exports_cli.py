"""``python -m atlas export``: every export format from the command line (see :mod:`atlas.exports`).

::

    python -m atlas export --format xlsx --region 10 --lang ar -o out/
    python -m atlas export --format pdf -o brief.pdf              # the national brief
    python -m atlas export --format csv --table sources -o sources.csv
    python -m atlas export --format csv-fr --table accountability --zip -o out/   # French Excel, with metadata

``csv`` is comma-separated with a decimal point; ``csv-fr`` is what French-locale Excel opens in
columns (``;``-separated, decimal comma). ``--zip`` writes the CSV in a zip with ``metadata.json`` and
``README.txt`` (data version, date, filters, link, credits), as the export page does.

``-o`` names a regular file or a new one (a device, FIFO, socket, symbolic link or read-only file is
refused and left as it was: :func:`atlas.fileio.check_target`), an existing directory (the standard
file name inside it), or ``-`` for standard output.

Bad arguments (unknown region code, specialisation key, language or format) exit with status 2 and
a message; a broken dataset prints its problems as ``FILE:ROW: FIELD: message`` and exits 1. No
traceback in either case.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from atlas import exports
from atlas.brief_pdf import FontNotFound
from atlas.cli_common import load_or_report
from atlas.fileio import RefusedTarget, check_target, write_atomic
from atlas.i18n import LANGS
from atlas.tables import TABLES
from atlas.view import DEFAULT_LENS, LENSES, View

REGION_CODES = tuple(f"{i:02d}" for i in range(1, 13))


def _region_code(value: str) -> str:
    code = value.strip()
    if code.isdigit() and len(code) <= 2:
        code = code.zfill(2)
    if code not in REGION_CODES:
        raise argparse.ArgumentTypeError(
            f"unknown region code {value!r}; expected one of {', '.join(REGION_CODES)} (HCP codes)"
        )
    return code


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``export`` on the ``python -m atlas`` parser."""
    p = subparsers.add_parser(
        "export",
        help="write the regional summary, a brief or the map to a file",
        description="Export the regional summary and its tables (csv, csv-fr, xlsx, json, geojson), a brief "
        "(md, pdf) of one region or of the whole country, or the standalone map (html). csv-fr is the CSV that "
        "French-locale Excel opens in columns (';' separator, decimal comma).",
    )
    p.add_argument("--format", "-f", required=True, choices=exports.FORMATS, help="file format")
    p.add_argument("--region", "-r", nargs="+", action="extend", type=_region_code, default=[], metavar="CODE",
                   help="HCP region code(s) 01..12 (default: all); a brief (md, pdf) takes at most one")
    p.add_argument("--specialisation", "-s", nargs="+", action="extend", default=[], metavar="KEY",
                   help="keep institutes with this specialisation or focus area (keys of specialisations.csv)")
    p.add_argument("--lang", "-l", default="fr", choices=LANGS, help="language of headers and labels (default fr)")
    p.add_argument("--lens", default=DEFAULT_LENS, choices=LENSES,
                   help="which source colours the institutes in the map and briefs (default commentary)")
    p.add_argument("--table", "-t", default="regions", choices=TABLES,
                   help="which table a CSV holds (default: the regional summary)")
    p.add_argument("--zip", action="store_true", dest="bundle",
                   help="csv, csv-fr: write a zip of the CSV with metadata.json and README.txt (data version, "
                   "date, filters, link, credits)")
    p.add_argument("--data-dir", help="data directory (default: $ATLAS_DATA_DIR or data/)")
    p.add_argument("--base-url", default=None, help="app address for the link that reproduces the view "
                   "(default http://localhost:8501/)")
    p.add_argument("-o", "--output", default=None, metavar="PATH",
                   help="file to write (a regular file or a new name; a device, FIFO, symbolic link or read-only "
                   "file is refused), an existing directory to write into with the standard file name, or - for "
                   "standard output (default: the standard name in the current directory)")
    p.set_defaults(func=cmd_export, _export_parser=p)
    return p


def _fail(parser: argparse.ArgumentParser | None, message: str) -> int:
    if parser is not None:
        parser.error(message)  # exits 2
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_export(args: argparse.Namespace) -> int:
    parser = getattr(args, "_export_parser", None)
    if args.output is not None and not args.output.strip():
        return _fail(parser, "-o/--output is empty: give a file or directory name")
    regions = list(dict.fromkeys(args.region))
    brief = args.format in exports.BRIEF_FORMATS
    if brief and len(regions) > 1:
        return _fail(parser, "a brief (md, pdf) covers one region or the whole country: give at most one --region")
    csv_format = args.format in exports.CSV_FORMATS
    if not csv_format and args.table != "regions":
        return _fail(parser, "--table only applies to --format csv or csv-fr")
    if not csv_format and args.bundle:
        return _fail(parser, "--zip only applies to --format csv or csv-fr")

    ds = load_or_report(args.data_dir, ": nothing exported")
    if ds is None:
        return 1

    specs = list(dict.fromkeys(args.specialisation))
    unknown = [s for s in specs if s not in ds.specialisations.index]
    if unknown:
        return _fail(
            parser,
            f"unknown specialisation key(s) {', '.join(map(repr, unknown))}; expected some of "
            f"{', '.join(ds.specialisations.index)}",
        )

    view = View(lang=args.lang, specialisations=tuple(specs), regions=tuple(regions), lens=args.lens)
    code = regions[0] if brief and regions else None
    kind = exports.kind_of(args.format, args.table)
    name = exports.filename(kind, view, code, args.format, ds=ds, bundle=args.bundle)
    to_stdout = args.output == "-"
    out = Path(args.output) if args.output and not to_stdout else Path.cwd() / name
    if out.is_dir():
        out = out / name
    if not to_stdout:
        if not out.parent.is_dir():
            return _fail(parser, f"cannot write {out}: the directory {out.parent} does not exist")
        try:
            check_target(out)  # before the export is made: a refused target costs no time
        except RefusedTarget as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1

    try:
        data = exports.export_bytes(args.format, ds, view, code=code, table=args.table, base_url=args.base_url,
                                    bundle=args.bundle)
    except FontNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback: say what failed, and where to look
        print(f"error: the {args.format} export failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if to_stdout:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        print(f"wrote {len(data):,} bytes to standard output", file=sys.stderr)
        return 0
    try:
        write_atomic(out, data)  # the previous file survives a failed write
    except RefusedTarget as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0
