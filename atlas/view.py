"""The view a user is looking at (language, filters, selected region, choropleth figure).

The whole view lives in the URL query string so that a link reproduces it:

``?lang=ar&spec=water,energy&region=10,12&status=agreement_signed&conf=confirmed&q=UM6P&sel=10&fig=population&lens=conventions``

:func:`parse_query` never raises: unknown or malformed values are dropped, each with a
:class:`Notice` the page shows. :func:`apply_filters` gives the institutes that pass the filters;
the map, the table and every export use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING

import numpy as np

from atlas.i18n import DEFAULT_LANG, LANGS
from atlas.present import commentary_keys
from atlas.schema import CONFIDENCES, STATUSES

if TYPE_CHECKING:
    import pandas as pd

    from atlas.dataset import Dataset

PARAMS = ("lang", "spec", "region", "status", "conf", "q", "sel", "fig", "lens")
LENSES = ("commentary", "conventions")
"""Which source colours the institutes: the specialisation the commentary names (the default: it is
what the public discussion uses) or the lead focus area of the signed conventions."""
DEFAULT_LENS = LENSES[0]
NOT_FILTERS = frozenset({"selected", "figure", "lens", "notices"})
"""View fields that do not change which institutes pass the filters (every other field does; the
language does, since the search looks through labels and notes in the view's language)."""
MAX_QUERY_LEN = 100
MAX_VALUE_LEN = 2000


@dataclass(frozen=True)
class Notice:
    """Something in the URL that was ignored: ``param``, the offending ``value`` and why (a catalogue key)."""

    param: str
    value: str
    reason: str  # "unknown_param", "unknown_params" (value: their count), "unknown_value", "too_long", "repeated"


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
    lens: str = DEFAULT_LENS
    notices: tuple[Notice, ...] = field(default=(), compare=False)

    def with_(self, **changes: object) -> View:
        return replace(self, **changes)  # type: ignore[arg-type]

    def key_without(self, names: frozenset[str]) -> tuple:
        """``(name, value)`` of every field but ``names``: a cache key in which a field added later is
        included without anyone adding it."""
        return tuple((f.name, getattr(self, f.name)) for f in fields(self) if f.name not in names)

    @property
    def filter_key(self) -> tuple:
        """What decides which institutes pass the filters: every field but :data:`NOT_FILTERS`."""
        return self.key_without(NOT_FILTERS)

    @property
    def is_filtered(self) -> bool:
        return bool(self.specialisations or self.regions or self.statuses or self.confidences or self.query)


MAX_NAMED_UNKNOWN = 5
"""Unknown parameters named in the one-line notice; the rest are only counted."""


def _values(value: object) -> list[str]:
    """Streamlit's ``get_all`` gives a list; other callers may give one string."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


def parse_query(params: Mapping[str, object], ds: Dataset) -> View:
    """Build a :class:`View` from query parameters, dropping anything unknown with a notice.

    ``params`` maps each name to its value or to the list of its values (``?sel=1&sel=2``). A
    parameter given more than once with different values keeps its last value; all such parameters
    are named in one ``repeated`` notice. Unknown parameters are summarised in one notice
    (``unknown_param`` for one, ``unknown_params`` naming the first few and counting them all).
    A value repeated inside a list (``spec=water,water``) is merged silently.
    """
    notices: list[Notice] = []
    values: dict[str, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for raw_key, raw_value in params.items():
        key = str(raw_key)
        items = _values(raw_value)
        value = items[-1] if items else ""
        if key not in PARAMS:
            unknown.append(key)
            continue
        if len(set(items)) > 1:
            repeated.append(key)
        if len(value) > MAX_VALUE_LEN:
            notices.append(Notice(key, value[:40], "too_long"))
            continue
        values[key] = value
    if len(unknown) == 1:
        notices.append(Notice(unknown[0][:40], "", "unknown_param"))
    elif unknown:
        names = ", ".join(k[:40] for k in unknown[:MAX_NAMED_UNKNOWN])
        more = ", …" if len(unknown) > MAX_NAMED_UNKNOWN else ""
        notices.append(Notice(names + more, str(len(unknown)), "unknown_params"))
    if repeated:
        notices.append(Notice(", ".join(repeated), "", "repeated"))

    def choose(key: str, allowed: object) -> tuple[str, ...]:
        out: list[str] = []
        for item in (v.strip() for v in values.get(key, "").split(",")):
            if not item:
                continue
            if item in out:
                continue  # the same value twice: merged without a notice
            if item in allowed:  # type: ignore[operator]
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
    lens = values.get("lens", "") or DEFAULT_LENS
    if lens not in LENSES:
        notices.append(Notice("lens", lens[:40], "unknown_value"))
        lens = DEFAULT_LENS
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
        lens=lens,
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
    if view.lens != DEFAULT_LENS:
        out["lens"] = view.lens
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
            keys = set(row["focus_list"]) | set(commentary_keys(row))
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
    return inst.loc[np.array(mask, dtype=bool)]  # an empty list would select columns, not rows


def rows_by_ids(frame: pd.DataFrame, ids) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """``frame.loc[ids]`` (rows in the order of ``ids``), through the index's hash table, which is much
    faster than ``.loc`` with thousands of string ids. Raises ``KeyError`` naming an id that is not in
    ``frame``."""
    positions = frame.index.get_indexer(ids)
    missing = np.flatnonzero(positions < 0)
    if missing.size:
        raise KeyError(f"not in the index: {list(ids)[int(missing[0])]!r}")
    return frame.iloc[positions]


def has_institute_filter(view: View) -> bool:
    """Whether the view filters institutes by more than their region."""
    return bool(view.specialisations or view.statuses or view.confidences or view.query)


def regions_in_view(ds: Dataset, view: View, *, by_institutes: bool = True) -> list[str]:
    """The region codes a region-level surface shows for ``view``, in code order: those the region
    filter keeps (all 12 without one) and, with ``by_institutes`` and an institute filter set
    (specialisation, status, confidence, search), only those with an institute passing
    :func:`apply_filters`. The one region filter of the atlas: the regions page, its matrix and the
    exports all call it (the regional summary export passes ``by_institutes=False`` and says so)."""
    codes = [str(c) for c in ds.regions.index if not view.regions or c in view.regions]
    if by_institutes and has_institute_filter(view):
        with_one = set(apply_filters(ds, view)["region_code"].astype(str))
        codes = [c for c in codes if c in with_one]
    return codes


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
    keys = [*row["focus_list"], *commentary_keys(row)]
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
