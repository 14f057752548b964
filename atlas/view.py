"""The view a user is looking at (language, filters, selected region, choropleth figure).

The whole view lives in the URL query string so that a link reproduces it:

``?lang=ar&spec=water,energy&region=10,12&status=agreement_signed&conf=confirmed&q=UM6P&sel=10&fig=population``

:func:`parse_query` never raises: unknown or malformed values are dropped, each with a
:class:`Notice` the page shows. :func:`apply_filters` gives the institutes that pass the filters;
the map, the table and every export use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from atlas.i18n import DEFAULT_LANG, LANGS
from atlas.schema import CONFIDENCES, STATUSES

if TYPE_CHECKING:
    import pandas as pd

    from atlas.dataset import Dataset

PARAMS = ("lang", "spec", "region", "status", "conf", "q", "sel", "fig")
MAX_QUERY_LEN = 100
MAX_VALUE_LEN = 2000


@dataclass(frozen=True)
class Notice:
    """Something in the URL that was ignored: ``param``, the offending ``value`` and why (a catalogue key)."""

    param: str
    value: str
    reason: str  # "unknown_param", "unknown_value", "too_long", "repeated"


@dataclass(frozen=True)
class View:
    lang: str = DEFAULT_LANG
    specialisations: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    confidences: tuple[str, ...] = ()
    query: str = ""
    selected: str | None = None
    figure: str | None = None
    notices: tuple[Notice, ...] = field(default=(), compare=False)

    def with_(self, **changes: object) -> View:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def is_filtered(self) -> bool:
        return bool(self.specialisations or self.regions or self.statuses or self.confidences or self.query)


def _first(value: object) -> tuple[str, bool]:
    """Streamlit gives str; other callers may give lists. Returns (value, was_repeated)."""
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
        return (items[-1] if items else ""), len(items) > 1
    return ("" if value is None else str(value)), False


def parse_query(params: Mapping[str, object], ds: Dataset) -> View:
    """Build a :class:`View` from query parameters, dropping anything unknown with a notice."""
    notices: list[Notice] = []
    values: dict[str, str] = {}
    for raw_key, raw_value in params.items():
        key = str(raw_key)
        value, repeated = _first(raw_value)
        if key not in PARAMS:
            notices.append(Notice(key[:40], value[:40], "unknown_param"))
            continue
        if repeated:
            notices.append(Notice(key, value[:40], "repeated"))
        if len(value) > MAX_VALUE_LEN:
            notices.append(Notice(key, value[:40], "too_long"))
            continue
        values[key] = value

    def choose(key: str, allowed: object) -> tuple[str, ...]:
        out: list[str] = []
        for item in (v.strip() for v in values.get(key, "").split(",")):
            if not item:
                continue
            if item in allowed and item not in out:  # type: ignore[operator]
                out.append(item)
            else:
                notices.append(Notice(key, item[:40], "unknown_value"))
        return tuple(out)

    lang = values.get("lang", DEFAULT_LANG) or DEFAULT_LANG
    if lang not in LANGS:
        notices.append(Notice("lang", lang[:40], "unknown_value"))
        lang = DEFAULT_LANG
    region_codes = set(ds.regions.index)
    selected = values.get("sel", "") or None
    if selected is not None and selected not in region_codes:
        notices.append(Notice("sel", selected[:40], "unknown_value"))
        selected = None
    figure = values.get("fig", "") or None
    if figure is not None and figure not in set(ds.figure_defs.index):
        notices.append(Notice("fig", figure[:40], "unknown_value"))
        figure = None
    query = values.get("q", "")
    if len(query) > MAX_QUERY_LEN:
        notices.append(Notice("q", query[:40], "too_long"))
        query = query[:MAX_QUERY_LEN]
    query = "".join(ch for ch in query if unicodedata.category(ch)[0] != "C").strip()
    return View(
        lang=lang,
        specialisations=choose("spec", set(ds.specialisations.index)),
        regions=choose("region", region_codes),
        statuses=choose("status", set(STATUSES)),
        confidences=choose("conf", set(CONFIDENCES)),
        query=query,
        selected=selected,
        figure=figure,
        notices=tuple(notices),
    )


def to_query(view: View) -> dict[str, str]:
    """Query parameters for ``view`` (defaults left out, so a plain URL means the default view)."""
    out: dict[str, str] = {}
    if view.lang != DEFAULT_LANG:
        out["lang"] = view.lang
    for key, items in (
        ("spec", view.specialisations),
        ("region", view.regions),
        ("status", view.statuses),
        ("conf", view.confidences),
    ):
        if items:
            out[key] = ",".join(items)
    if view.query:
        out["q"] = view.query
    if view.selected:
        out["sel"] = view.selected
    if view.figure:
        out["fig"] = view.figure
    return out


def fold(text: str) -> str:
    """Lower-case, accent-free text for search (``Fès`` matches ``fes``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


SEARCH_FIELDS = tuple(
    f"{base}_{lang}" for base in ("name", "city", "partners") for lang in LANGS
)


def apply_filters(ds: Dataset, view: View) -> pd.DataFrame:
    """The institutes that pass the view's filters, in the dataset's order."""
    inst = ds.institutes
    mask = [True] * len(inst)
    for i, (_, row) in enumerate(inst.iterrows()):
        keep = True
        if view.specialisations:
            keys = set(row["focus_list"]) | {row["specialisation_commentary"]} - {""}
            keep = bool(keys & set(view.specialisations))
        if keep and view.regions:
            keep = row["region_code"] in view.regions
        if keep and view.statuses:
            keep = row["status"] in view.statuses
        if keep and view.confidences:
            keep = row["confidence"] in view.confidences
        if keep and view.query:
            keep = matches_query(ds, row, view.query, view.lang)
        mask[i] = keep
    return inst[mask]


# --- Free-text search ------------------------------------------------------------------------


def _words_start(needle: str, text: str) -> bool:
    """``needle`` (folded) occurs in ``text`` (folded) at the start of a word: ``eau`` finds
    "l'eau" but not "réseaux"; ``igoud`` finds "Igoudar"."""
    return re.search(r"(?<![\w])" + re.escape(needle), text) is not None


def search_texts(ds: Dataset, row: pd.Series, lang: str) -> list[str]:
    """What the search box looks through for one institute: its names, cities and partners in every
    language, and, in ``lang``, its specialisation and focus-area labels, its notes, and its sources
    (publisher and note)."""
    texts = [str(row[f]) for f in SEARCH_FIELDS]
    keys = [*row["focus_list"], *[k for k in str(row["specialisation_commentary"]).split(";") if k.strip()]]
    for key in keys:
        key = key.strip()
        if key in ds.specialisations.index:
            spec = ds.specialisations.loc[key]
            texts.append(str(spec.get(f"label_{lang}", "") or spec.get("label_fr", "")))
    texts.append(str(row.get(f"notes_{lang}", "") or ""))
    sources = ds.sources[ds.sources["institute_id"] == row["id"]] if "id" in row else ds.sources.iloc[0:0]
    for _, src in sources.iterrows():
        texts += [str(src["publisher"]), str(src.get("note", "") or "")]
    return texts


def matches_query(ds: Dataset, row: pd.Series, query: str, lang: str) -> bool:
    """Whether every word of ``query`` starts a word of the institute's search texts (accents and
    case ignored)."""
    words = [w for w in re.split(r"\s+", fold(query).strip()) if w]
    if not words:
        return True
    haystack = "\n".join(fold(t) for t in search_texts(ds, row, lang))
    return all(_words_start(w, haystack) for w in words)


def query_specialisations(ds: Dataset, query: str, lang: str) -> list[str]:
    """Specialisation keys whose label (in ``lang``) the query names, e.g. ``eau`` -> ``water``."""
    needle = fold(query).strip()
    if not needle:
        return []
    return [
        str(key) for key, spec in ds.specialisations.iterrows()
        if _words_start(needle, fold(str(spec.get(f"label_{lang}", "") or "")))
    ]
