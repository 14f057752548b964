"""The table under the map: one row per institute drawn, in the view's language.

:func:`table_frame` gives the rows as a ``DataFrame`` (the exports use it too); :func:`table_html`
turns them into the page's table, an HTML ``<table>`` from ``atlas/templates/page``: a screen
reader reads it as a table (it is the map's text alternative), Arabic runs right to left by ``dir``,
and the browser draws it without the data grid's code, the heaviest a first load could fetch
(docs/performance.md).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from atlas.i18n import direction, pick, t
from atlas.mapview.cache import memo
from atlas.present import commentary_keys, region_name, spec_labels, status_date
from atlas.view import rows_by_ids

if TYPE_CHECKING:
    from jinja2 import Template

    from atlas.dataset import Dataset

PAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "page"
# Rows drawn in the page's table; a longer list (scale mode) says how many more there are and that
# the downloads below hold them all.
TABLE_MAX_ROWS = 200

TABLE_COLUMNS = (
    ("name", "table.name"),
    ("region", "map.table.region"),
    ("city", "table.city"),
    ("specialisation_commentary", "map.table.spec_commentary"),
    ("focus_areas", "map.table.focus_areas"),
    ("status", "table.status"),
    ("status_date", "map.table.date"),
    ("confidence", "map.table.confidence"),
)


def table_frame(ds: Dataset, institutes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table under the map: one row per marker drawn (same frame, same order), text in ``lang``.

    Columns (headers in ``lang``): name, region, city, the commentary's specialisation, the
    conventions' focus areas, status, status date (at its precision), confidence. Missing values
    read "not announced". The index is the institute id. The rows of the whole dataset are built
    once per data version and language; a view takes its rows from them.
    """
    full = memo(("table", ds.version, lang), lambda: _table_rows(ds, ds.institutes, lang))
    try:
        frame = rows_by_ids(full, institutes.index)  # not a test per id in Python: thousands of rows
    except KeyError:  # rows that are not the dataset's own (a caller's edited frame): build them
        frame = _table_rows(ds, institutes, lang)
    return frame.rename(columns={c: t(key, lang) for c, key in TABLE_COLUMNS})


def _table_rows(ds: Dataset, institutes: pd.DataFrame, lang: str) -> pd.DataFrame:
    na = t("common.not_announced", lang)
    regions = {code: region_name(ds, code, lang) for code in ds.regions.index}
    statuses: dict[str, str] = {}
    confidences: dict[str, str] = {}
    dates: dict[str, str] = {}
    records = []
    for row in institutes.to_dict("records"):
        commentary = commentary_keys(row)
        focus = list(row.get("focus_list") or [])
        status, conf, day = str(row["status"]), str(row["confidence"]), str(row.get("status_date") or "")
        if status not in statuses:
            statuses[status] = t(f"status.{status}", lang)
        if conf not in confidences:
            confidences[conf] = t(f"confidence.{conf}", lang)
        if day not in dates:
            dates[day] = status_date(row, lang)
        code = str(row["region_code"])
        records.append({
            "name": pick(row, "name", lang),
            "region": regions.get(code, code),
            "city": pick(row, "city", lang),
            "specialisation_commentary": spec_labels(ds, commentary, lang) if commentary else na,
            "focus_areas": spec_labels(ds, focus, lang) if focus else na,
            "status": statuses[status],
            "status_date": dates[day],
            "confidence": confidences[conf],
        })
    return pd.DataFrame.from_records(records, columns=[c for c, _ in TABLE_COLUMNS], index=list(institutes.index))


@lru_cache(maxsize=1)
def _template() -> Template:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(PAGE_TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("institutes_table.html")


def table_html(frame: pd.DataFrame, lang: str, total: int, max_rows: int = TABLE_MAX_ROWS) -> str:
    """The page's table of ``frame`` (from :func:`table_frame`): HTML, every value escaped.

    ``total``: how many institutes the dataset has (the caption says "n of total"). At most
    ``max_rows`` rows are drawn; then a note under the table says how many are left out."""
    shown = len(frame)
    rows = [[str(v) for v in row] for row in frame.head(max_rows).itertuples(index=False)]
    more = t("map.table.more", lang, drawn=len(rows), shown=shown) if shown > len(rows) else ""
    return _template().render(
        title=t("map.table.title", lang),
        caption=t("a11y.table_alternative", lang, shown=shown, total=total),
        columns=[str(c) for c in frame.columns],
        rows=rows,
        more=more,
        lang=lang,
        dir=direction(lang),
    )
