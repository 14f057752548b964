"""Synthetic datasets for scale tests and benchmarks: N institute-like points. NEVER shipped as data.

:func:`write_synthetic` copies a data directory (default ``data/``) and replaces ``institutes.csv``
with ``n`` synthetic institutes and ``sources.csv`` with one source each. The rest (regions,
geometry, figures, flags, caveats, claims) is copied unchanged, so the result validates like the
real dataset. Command line: ``python -m atlas synth --points N -o DIR [--seed S]``.

The points are spread evenly over the 12 regions (region ``i % 12``), each drawn uniformly inside
its region's polygon (rejection sampling in the polygon's bounding box), so every point validates
against its region. Names, cities, specialisations, statuses, dates and confidences vary like
the real rows; every name says it is synthetic. The same ``n`` and ``seed`` always give the same
files.
"""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import shapely

from atlas import config
from atlas.dataset import CHANGE_SOURCES_FILE, CHANGES_FILE, DATA_FILES, Dataset, load
from atlas.i18n import LANGS
from atlas.schema import CONFIDENCES, STATUSES

DEFAULT_SEED = 20260112
INSTITUTE_COLUMNS = [
    "id", "kind", "name_fr", "name_ar", "name_en", "region_code", "city_fr", "city_ar", "city_en", "lat", "lon",
    "location_precision", "specialisation_commentary", "focus_areas", "status", "status_date", "partners_fr",
    "partners_ar", "partners_en", "confidence", "last_verified", "notes_fr", "notes_ar", "notes_en",
]
SOURCE_COLUMNS = ["source_id", "institute_id", "fields", "publisher", "url", "published", "language", "kind", "note"]
FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2025, 12, 31)


def _short(name: str) -> str:
    return re.split(r"[-‐–]", name, maxsplit=1)[0].strip() or name


def _points_in(shape: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` (lon, lat) points drawn uniformly inside ``shape``."""
    minx, miny, maxx, maxy = shape.bounds
    shapely.prepare(shape)
    out: list[np.ndarray] = []
    have = 0
    while have < count:
        batch = max(64, 4 * (count - have))
        xs = rng.uniform(minx, maxx, batch)
        ys = rng.uniform(miny, maxy, batch)
        keep = shapely.contains_xy(shape, xs, ys)
        pts = np.column_stack([xs[keep], ys[keep]])
        out.append(pts)
        have += len(pts)
    return np.vstack(out)[:count]


def _date(rng: random.Random) -> str:
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    precision = rng.choice(("day", "day", "month", "year"))
    if precision == "year":
        return f"{day.year}"
    if precision == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def synthetic_rows(ds: Dataset, n: int, seed: int = DEFAULT_SEED) -> tuple[list[dict], list[dict]]:
    """(institute rows, source rows) of ``n`` synthetic institutes placed in ``ds``'s regions."""
    if n < 0:
        raise ValueError("the number of points must be >= 0")
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    codes = list(ds.regions.index)
    per_region = {code: sum(1 for i in range(n) if i % len(codes) == k) for k, code in enumerate(codes)}
    points = {code: _points_in(ds.shapes[code], count, nrng) for code, count in per_region.items() if count}
    used = dict.fromkeys(codes, 0)
    specs = list(ds.specialisations.index)
    width = max(5, len(str(n)))
    institutes, sources = [], []
    for i in range(n):
        code = codes[i % len(codes)]
        lon, lat = points[code][used[code]]
        used[code] += 1
        region = ds.regions.loc[code]
        num = f"{i + 1:0{width}d}"
        iid = f"synth-{num}"
        hub = i % 97 == 0
        focus = rng.sample(specs, rng.randint(1, 3)) if rng.random() > 0.05 else []
        commentary = rng.choice(specs) if rng.random() < 0.4 else ""
        city_fr, city_ar, city_en = (_short(str(region[f"name_{lg}"])) for lg in LANGS)
        institutes.append({
            "id": iid,
            "kind": "hub" if hub else "regional",
            "name_fr": f"Institut Jazari synthétique n° {num} ({city_fr})",
            "name_ar": f"معهد الجزري الاصطناعي رقم {num} ({city_ar})",
            "name_en": f"Synthetic Jazari Institute no. {num} ({city_en})",
            "region_code": code,
            "city_fr": city_fr,
            "city_ar": city_ar,
            "city_en": city_en,
            "lat": f"{lat:.5f}",
            "lon": f"{lon:.5f}",
            "location_precision": rng.choice(("city_centre", "exact_site")),
            "specialisation_commentary": commentary,
            "focus_areas": ";".join(focus),
            "status": rng.choice(STATUSES),
            "status_date": _date(rng),
            "partners_fr": "Partenaire synthétique; Conseil régional" if rng.random() < 0.5 else "",
            "partners_ar": "شريك اصطناعي؛ مجلس الجهة" if rng.random() < 0.5 else "",
            "partners_en": "Synthetic partner; Regional council" if rng.random() < 0.5 else "",
            "confidence": rng.choice(CONFIDENCES),
            "last_verified": "2026-01-15",
            "notes_fr": "Point synthétique pour les tests de charge.",
            "notes_ar": "نقطة اصطناعية لاختبارات الحمل.",
            "notes_en": "Synthetic point for load tests.",
        })
        sources.append({
            "source_id": f"SY{num}",
            "institute_id": iid,
            "fields": "name;city;status;status_date;focus_areas",
            "publisher": "Synthetic press",
            "url": f"https://example.org/synthetic/{num}",
            "published": _date(rng),
            "language": "fr",
            "kind": rng.choice(("official", "press", "trade", "blog")),
            "note": "synthetic",
        })
    return institutes, sources


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_synthetic(out_dir: str | Path, n: int, *, seed: int = DEFAULT_SEED, source: str | Path | None = None) -> Path:
    """Write a dataset directory with ``n`` synthetic institutes (see the module docstring); returns it.

    ``out_dir`` must not exist or be empty; ``source`` defaults to the configured data directory.
    """
    out = Path(out_dir)
    src = Path(source) if source is not None else config.data_dir()
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    base = load(src)
    institutes, sources = synthetic_rows(base, n, seed)
    out.mkdir(parents=True, exist_ok=True)
    history = (CHANGES_FILE, CHANGE_SOURCES_FILE)  # the real history names the real institutes
    for name in DATA_FILES:  # the files load() read, and no other
        if (src / name).is_file() and name not in history:
            shutil.copy2(src / name, out / name)
    _write_csv(out / "institutes.csv", INSTITUTE_COLUMNS, institutes)
    _write_csv(out / "sources.csv", SOURCE_COLUMNS, sources)
    # the accountability scorecard answers for the real institutes only: synthetic ones have none
    (out / "accountability.csv").unlink(missing_ok=True)
    readme = out / "README.md"
    readme.write_text(
        f"# Synthetic dataset ({n} points, seed {seed})\n\nGenerated by `python -m atlas synth` for scale tests. "
        "The institutes and sources are invented; never publish or ship this directory as data.\n",
        encoding="utf-8",
    )
    return out
