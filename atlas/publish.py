"""``python -m atlas publish OUT/``: the static edition of the atlas, for readers.

A folder any static web server or CDN can serve, that also opens from ``file://`` with no network::

    OUT/index.html                  -> fr/index.html
    OUT/{fr,ar,en}/index.html       the interactive map (the standalone map of ``atlas.exports``) with
                                    filters by specialisation and region in the page itself
    OUT/{lang}/maroc.html           the country: the national brief, the 12 regions
    OUT/{lang}/region-NN.html       one page per region (all 12, with or without an institute)
    OUT/{lang}/downloads.html       every region and the country in CSV, Excel, JSON, GeoJSON, Markdown, PDF
    OUT/{lang}/downloads/...        those files
    OUT/{lang}/changes.html         the history of the network; OUT/changes.xml (Atom, French) and
                                    OUT/{lang}/changes.xml (Atom, per language)
    OUT/api/{institutes,regions,sources}.json   the data, language-neutral (see docs/api.md)
    OUT/api/schema/                 the JSON Schema of each api/ file
    OUT/data/                       the data package: datapackage.json, its files, a zip of them
    OUT/catalog.jsonld              the DCAT catalogue; the landing and map pages carry a schema.org
                                    Dataset (JSON-LD): see :mod:`atlas.opendata`
    OUT/assets/                     the edition's stylesheet and filter script (``atlas/static/publish``)
    OUT/edition-manifest.json       every file of the edition and its SHA-256 (``atlas.edition_files``)

Pages are Jinja2 templates (``atlas/templates/publish``) rendered with autoescaping; data only ever
reaches them as template variables. The map page is the exported map with the edition's header and
filters inserted into the final HTML (never into a folium template), their data as JSON escaped for a
``<script>`` element.

The same data gives byte-identical files: the only date written is the data's date
(:func:`atlas.feed.data_date`), folium's random element ids are renumbered, and the XLSX and PDF
creation dates are that date. The Atom feeds and the JSON API are written by :mod:`atlas.feed`.

The edition is built beside ``OUT`` and swapped in whole; a previous edition is recognised by its
manifest and only the files it lists are removed (:mod:`atlas.edition_files`).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import math
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atlas import edition_files, exports, network, opendata
from atlas.brief import build_brief
from atlas.brief_pdf import FontNotFound
from atlas.checked import dataset_checked_text
from atlas.cli_common import load_or_report
from atlas.dataset import load
from atlas.feed import FEED_LANG, api_documents, atom_feed, change_items, data_date, data_stamp, http_url
from atlas.i18n import LANG_NAMES, LANGS, direction, fmt_date, pick, t
from atlas.mapview.provinces import layer_data
from atlas.view import View, apply_filters

if TYPE_CHECKING:
    from jinja2 import Environment

    from atlas.dataset import Dataset

PACKAGE = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE / "templates" / "publish"
ASSET_DIR = PACKAGE / "static" / "publish"
_PR_SET_PDEATHSIG = 1
_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")


# --- Downloads (made in worker processes: the PDFs take most of the time) ----------------------


@dataclass(frozen=True)
class Download:
    lang: str
    code: str | None  # None: the whole country
    fmt: str

    def view(self) -> View:
        return View(lang=self.lang, regions=(self.code,) if self.code else ())

    def filename(self, ds: Dataset) -> str:
        return exports.filename(exports.kind_of(self.fmt), self.view(), self.code, self.fmt, ds=ds,
                                now=data_stamp(ds))

    def path(self, ds: Dataset) -> str:
        return f"{self.lang}/downloads/{self.filename(ds)}"


_WORKER: dict[str, Any] = {}


def _worker_init(data_dir: str, base_url: str | None, parent: int | None = None) -> None:
    if parent is not None:
        _end_with(parent)
    _WORKER["ds"] = load(data_dir)
    _WORKER["base_url"] = base_url


def _end_with(parent: int) -> None:
    """Linux: have the system end this worker when ``parent`` ends, even by SIGKILL; otherwise the
    workers of a killed publish would wait for work forever."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the request
        os._exit(1)


def _make_download(task: Download) -> bytes:
    return make_download(_WORKER["ds"], task, _WORKER["base_url"])


def make_download(ds: Dataset, task: Download, base_url: str | None = None) -> bytes:
    """One download: the summary (CSV, XLSX, JSON, GeoJSON) or the brief (Markdown, PDF) of a region
    or of the country, in ``task.lang``, stamped with the data's date."""
    return exports.export_bytes(task.fmt, ds, task.view(), code=task.code, base_url=base_url, now=data_stamp(ds))


def downloads(ds: Dataset) -> list[Download]:
    """Every download of the edition: each language × (the country, each region) × each format;
    PDFs first (the slowest, so the workers stay busy)."""
    tasks = [Download(lang, code, fmt) for lang in LANGS for code in [None, *ds.regions.index]
             for fmt in exports.EDITION_FORMATS]
    return sorted(tasks, key=lambda d: (d.fmt != "pdf", d.code is not None))


# --- Pages -------------------------------------------------------------------------------------


def environment() -> Environment:
    """The Jinja2 environment of the edition: templates from files, autoescaped, strict."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined  # jinja2 loads only to publish

    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.globals["t"] = t
    return env


@dataclass
class Edition:
    """What every page of one build shares."""

    ds: Dataset
    base_url: str | None = None
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = environment()
        self.stamp = data_stamp(self.ds)
        self.date = data_date(self.ds)
        every = {lang: [(Download(lang, code, f).path(self.ds), f, code) for code in [None, *self.ds.regions.index]
                        for f in exports.EDITION_FORMATS] for lang in LANGS}
        self.distributions = opendata.distributions(self.ds, every)

    def region_name(self, code: str, lang: str) -> str:
        return pick(self.ds.regions.loc[code], "name", lang)

    def context(self, lang: str, page: str, title: str) -> dict[str, Any]:
        """Template variables every page has: language, direction, navigation, language links."""
        return {
            "lang": lang,
            "dir": direction(lang),
            "page": page,
            "title": title,
            "langs": [{"code": lg, "name": LANG_NAMES[lg], "href": f"../{lg}/{page}", "current": lg == lang}
                      for lg in LANGS],
            "regions": [{"code": c, "name": self.region_name(c, lang), "href": f"region-{c}.html"}
                        for c in self.ds.regions.index],
            "version": self.ds.version,
            "date_text": fmt_date(self.date, lang),
            "checked_text": dataset_checked_text(self.ds, lang),
            "date_iso": self.date.isoformat(),
        }

    def download_links(self, lang: str, code: str | None) -> list[dict[str, str]]:
        return [{"fmt": fmt, "label": t(f"publish.format.{fmt}", lang),
                 "href": f"downloads/{Download(lang, code, fmt).filename(self.ds)}"} for fmt in exports.EDITION_FORMATS]

    def render(self, template: str, **values: Any) -> bytes:
        return self.env.get_template(template).render(**values).encode("utf-8")

    # Pages.

    def region_page(self, lang: str, code: str) -> bytes:
        b = build_brief(self.ds, View(lang=lang, regions=(code,)), code, self.base_url, self.stamp)
        return self.render(
            "region.html", **self.context(lang, f"region-{code}.html", b.title), brief=b, code=code,
            sources=_source_rows(b.sources), downloads=self.download_links(lang, code),
            changes=change_items(self.ds, lang, code), svg=region_svg(self.ds, code, lang),
            province_svg=province_svg(self.ds, code, lang),
        )

    def country_page(self, lang: str) -> bytes:
        b = build_brief(self.ds, View(lang=lang), None, self.base_url, self.stamp)
        counts = {c: len(self.ds.institutes_in(c)) for c in self.ds.regions.index}
        claims = network.claims_table(self.ds, lang)
        return self.render(
            "country.html", **self.context(lang, "maroc.html", b.title), brief=b, counts=counts,
            sources=_source_rows(b.sources), downloads=self.download_links(lang, None),
            svg=region_svg(self.ds, None, lang), claims=claims.to_dict("records"),
            claims_intro=network.claims_intro(claims, lang),
        )

    def downloads_page(self, lang: str) -> bytes:
        rows = [{"name": t("publish.downloads.country", lang), "code": "", "links": self.download_links(lang, None)}]
        rows += [{"name": self.region_name(c, lang), "code": c, "links": self.download_links(lang, c)}
                 for c in self.ds.regions.index]
        return self.render("downloads.html", **self.context(lang, "downloads.html", t("publish.downloads.title", lang)),
                           rows=rows, formats=[t(f"publish.format.{f}", lang) for f in exports.EDITION_FORMATS],
                           open_data=opendata.links(lang))

    def changes_page(self, lang: str) -> bytes:
        return self.render("changes.html", **self.context(lang, "changes.html", t("publish.changes.title", lang)),
                           changes=change_items(self.ds, lang))

    def map_page(self, lang: str) -> bytes:
        """The standalone map of ``atlas.exports`` with the edition's header and filters added to the
        final HTML (never to a folium template: the inserted markup is rendered by our own template)."""
        html = exports.to_standalone_html(self.ds, View(lang=lang), self.base_url, self.stamp).decode("utf-8")
        html = stable_ids(html)
        ctx = self.context(lang, "index.html", t("publish.map.title", lang))
        specs = [{"key": str(k), "label": pick(s, "label", lang)} for k, s in self.ds.specialisations.iterrows()]
        by_spec = {s["key"]: sorted(apply_filters(self.ds, View(lang=lang, specialisations=(s["key"],))).index)
                   for s in specs}
        by_region = {c: sorted(self.ds.institutes_in(c).index) for c in self.ds.regions.index}
        data = {"bySpec": by_spec, "byRegion": by_region, "total": len(self.ds.institutes),
                "shown": t("publish.map.shown", lang)}
        head = self.env.get_template("map_head.html").render(
            **ctx, dataset=opendata.dataset_jsonld(self.ds, lang, "../", self.distributions))
        header = self.env.get_template("map_header.html").render(**ctx, specs=specs, filter_data=data)
        tail = self.env.get_template("map_tail.html").render(**ctx)
        return insert_into_page(html, lang, head, header, tail).encode("utf-8")

    def redirect_page(self) -> bytes:
        return self.render("redirect.html", lang=FEED_LANG, dir=direction(FEED_LANG),
                           langs=[{"code": lg, "name": LANG_NAMES[lg]} for lg in LANGS],
                           dataset=opendata.dataset_jsonld(self.ds, FEED_LANG, "", self.distributions,
                                                           every_language=True))


def _source_rows(sources: Iterable[tuple[str, str, str]]) -> list[dict[str, str]]:
    return [{"details": d, "url": http_url(u), "text": u, "institute": i} for d, u, i in sources]


def stable_ids(html: str) -> str:
    """folium names every element ``<kind>_<32 random hex digits>``; renumber them in order of first
    appearance so that the same map gives the same file."""
    seen: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return seen.setdefault(match.group(0), f"{len(seen) + 1:032x}")

    return _FOLIUM_ID.sub(number, html)


def insert_into_page(html: str, lang: str, head: str, header: str, tail: str) -> str:
    """Insert already-rendered, escaped markup into the exported map page: ``head`` before
    ``</head>``, ``header`` right after ``<body>``, ``tail`` before ``</body>``, and the language on
    ``<html>``. Raises ``ValueError`` if the page does not have those tags (an export change)."""
    out = html
    for tag, new in (("<html>", f'<html lang="{lang}">'), ("</head>", head + "</head>"),
                     ("<body>", '<body class="pub-map">' + header), ("</body>", tail + "</body>")):
        at = out.find(tag) if tag != "</body>" else out.rfind(tag)
        if at < 0:
            raise ValueError(f"the exported map has no {tag} to insert the edition's markup into")
        out = out[:at] + new + out[at + len(tag):]
    return out


SvgXY = Callable[[float, float], str]


def _svg_frame(bounds: list[tuple[float, float, float, float]], width: float = 400.0) -> tuple[SvgXY, float]:
    """A projection of lon/lat into a ``width``-wide frame around ``bounds`` (padded), and its height."""
    lon0, lat0 = min(b[0] for b in bounds), min(b[1] for b in bounds)
    lon1, lat1 = max(b[2] for b in bounds), max(b[3] for b in bounds)
    pad = max(lon1 - lon0, lat1 - lat0) * 0.08
    lon0, lat0, lon1, lat1 = lon0 - pad, lat0 - pad, lon1 + pad, lat1 + pad
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    scale = width / ((lon1 - lon0) * kx)

    def xy(lon: float, lat: float) -> str:
        return f"{(lon - lon0) * kx * scale:.1f},{(lat1 - lat) * scale:.1f}"

    return xy, round((lat1 - lat0) * scale, 1)


def _svg_path(shape: Any, xy: SvgXY) -> str:
    return "".join("M" + "L".join(xy(lon, lat) for lon, lat in poly.exterior.coords) + "Z"
                   for poly in getattr(shape, "geoms", [shape]))


def _svg_points(ds: Dataset, institutes: Any, xy: SvgXY) -> list[dict[str, Any]]:
    points = []
    for iid, r in institutes.iterrows():
        x, y = xy(float(r["lon"]), float(r["lat"])).split(",")
        points.append({"id": str(iid), "x": x, "y": y, "hub": str(r["kind"]) == "hub"})
    return points


def region_svg(ds: Dataset, code: str | None, lang: str) -> dict[str, Any]:
    """An SVG outline of the country (region ``code`` highlighted) with the institutes as dots:
    path data and points in a fixed 400-wide frame, numbers rounded so the file is stable."""
    shapes = ds.shapes
    if not shapes:
        return {"paths": [], "points": [], "width": 0, "height": 0}
    xy, height = _svg_frame([s.bounds for s in shapes.values()] if not code else [shapes[code].bounds])
    paths = []
    for c, shape in sorted(shapes.items()):
        name = pick(ds.regions.loc[c], "name", lang) if c in ds.regions.index else c
        paths.append({"code": c, "name": name, "d": _svg_path(shape, xy), "focus": c == code})
    points = _svg_points(ds, ds.institutes if not code else ds.institutes_in(code), xy)
    return {"paths": paths, "points": points, "width": 400, "height": height}


def province_svg(ds: Dataset, code: str, lang: str) -> dict[str, Any]:
    """Region ``code``'s provinces as SVG, coloured as the map colours them by default (people with
    higher education), the institute's province outlined, each named with its figure and source."""
    data = layer_data(ds, code, lang)
    if data is None or ds.provinces is None:
        return {"paths": []}
    shapes = {f["code"]: ds.provinces.shapes[f["code"]] for f in data["features"]}
    xy, height = _svg_frame([s.bounds for s in shapes.values()])
    paths = [{"code": f["code"], "d": _svg_path(shapes[f["code"]], xy), "fill": f["fill"], "title": f["label"],
              "here": f["institute"]} for f in data["features"]]
    return {"paths": paths, "points": _svg_points(ds, ds.institutes_in(code), xy), "width": 400, "height": height,
            "title": data["title"], "classes": data["classes"], "source": data["source"],
            "outlined": t("prov.map.outlined", lang) if any(p["here"] for p in paths) else ""}


# --- The build ---------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total: int, enabled: bool | None = None, stream: Any = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.done, self.start = total, 0, time.monotonic()

    def step(self, label: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.start
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                          f"{elapsed:5.1f}s {label[:40]:<40}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class Report:
    out: Path
    files: int
    size: int
    seconds: float
    notes: list[str] = field(default_factory=list)  # what publish cleaned up after an interrupted run

    def __str__(self) -> str:
        return (f"published {self.out}: {self.files} files, {self.size / 1e6:.1f} MB "
                f"({self.size:,} bytes) in {self.seconds:.1f} s")


def publish(ds: Dataset, out: str | Path, *, base_url: str | None = None, jobs: int | None = None,
            progress: bool | None = None, with_downloads: bool = True) -> Report:
    """Build the edition of ``ds`` into ``out``. ``out`` must not exist, be empty, or hold a previous
    edition that publish wrote and nothing else (:func:`atlas.edition_files.check_replaceable`); the
    new edition is built beside it and swapped in once complete. ``jobs`` worker processes make the
    downloads (default: the number of CPUs). ``with_downloads=False`` leaves the downloads out (the
    pages still link them): for tests of the pages only."""
    start = time.monotonic()
    out = Path(os.path.abspath(out))  # "." or "site/" name the folder itself
    edition_files.check_replaceable(out)  # refused before anything is written
    out.parent.mkdir(parents=True, exist_ok=True)
    with edition_files.lock(out):
        notes = edition_files.recover(out)
        edition_files.check_replaceable(out)
        staging = edition_files.make_staging(out)
        try:
            _build(ds, staging, base_url=base_url, jobs=jobs, progress=progress, with_downloads=with_downloads)
            count = edition_files.write_manifest(staging)
            previous = edition_files.swap_in(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if previous is not None:
            notes += edition_files.retire(previous)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return Report(out, count, size, time.monotonic() - start, notes)


def _build(ds: Dataset, root: Path, *, base_url: str | None, jobs: int | None, progress: bool | None,
           with_downloads: bool = True) -> int:
    edition = Edition(ds, base_url)
    tasks = downloads(ds) if with_downloads else []
    pages: list[tuple[str, Callable[[], bytes]]] = [("index.html", edition.redirect_page)]
    for lang in LANGS:
        pages += [
            (f"{lang}/index.html", lambda lang=lang: edition.map_page(lang)),
            (f"{lang}/maroc.html", lambda lang=lang: edition.country_page(lang)),
            (f"{lang}/downloads.html", lambda lang=lang: edition.downloads_page(lang)),
            (f"{lang}/changes.html", lambda lang=lang: edition.changes_page(lang)),
            (f"{lang}/changes.xml", lambda lang=lang: atom_feed(ds, lang, "")),
        ]
        pages += [(f"{lang}/region-{c}.html", lambda lang=lang, c=c: edition.region_page(lang, c))
                  for c in ds.regions.index]
    pages.append(("changes.xml", lambda: atom_feed(ds, FEED_LANG, f"{FEED_LANG}/")))
    for name, doc in api_documents(ds).items():
        pages.append((f"api/{name}", lambda doc=doc: doc))
    pages += opendata.edition_pages(ds, edition.distributions)
    assets = sorted(p for p in ASSET_DIR.iterdir() if p.is_file())
    bar = Progress(len(tasks) + len(pages) + len(assets), progress)

    def write(rel: str, data: bytes) -> None:
        edition_files.write_file(root, rel, data)
        bar.step(rel)

    jobs = max(1, jobs or os.cpu_count() or 1)
    try:
        if jobs == 1 or not tasks:
            for rel, make in pages:
                write(rel, make())
            for task in tasks:
                write(task.path(ds), make_download(ds, task, base_url))
        else:
            with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init,
                                     initargs=(str(ds.data_dir), base_url, os.getpid())) as pool:
                futures: list[tuple[Download, Future[bytes]]] = [(d, pool.submit(_make_download, d)) for d in tasks]
                for rel, make in pages:  # the pages are made here while the workers make the downloads
                    write(rel, make())
                for task, fut in futures:
                    write(task.path(ds), fut.result())
        for asset in assets:
            write(f"assets/{asset.name}", asset.read_bytes())
    finally:
        bar.close()
    return len(tasks) + len(pages) + len(assets)


def tree_hashes(root: str | Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``root`` (to compare two builds)."""
    root = Path(root)
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# --- python -m atlas publish -------------------------------------------------------------------


def add_parser(subparsers: Any) -> Any:
    """Register ``publish`` on the ``python -m atlas`` parser."""
    p = subparsers.add_parser(
        "publish", help="write the static edition (pages, map, downloads, api/, changes.xml) into a folder",
        description="Write the static edition: a folder any web server can serve and that opens from disk.",
    )
    p.add_argument("out", help="output folder (must not exist, be empty, or hold a previous edition)")
    p.add_argument("--data-dir", help="data directory (default: $ATLAS_DATA_DIR or data/)")
    p.add_argument("--base-url", default=None, help="address of the live app, for the links that reproduce a view")
    p.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: number of CPUs)")
    p.set_defaults(func=cmd_publish)
    return p


def cmd_publish(args: Any) -> int:
    ds = load_or_report(args.data_dir, ": nothing published")
    if ds is None:
        return 1
    try:
        report = publish(ds, args.out, base_url=args.base_url, jobs=args.jobs)
    except (FileExistsError, FontNotFound) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(report)
    return 0
