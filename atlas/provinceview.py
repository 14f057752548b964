"""Where a region's talent lives: its provinces, ready to show in one language (no Streamlit).

:func:`region_provinces` gives what the region card (``ui/provinces.py``), the briefs and the static
edition show: one summary sentence, one row per province (population; people with higher education and
their share of the provinces' total; the 20-34 share; establishments with 50+ employees; the
straight-line distance from each institute's city) with the provinces' total, a note on rounding and
distances, and each institute's within-reach figures (:mod:`atlas.reach`) in words.

Figures are HCP's (RGPH 2024) per province (``province_figures.csv``); shares of the region's total and
distances are the atlas's own arithmetic, said so where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from atlas.i18n import direction, fmt_number, fmt_percent, pick, t
from atlas.present import format_value, region_name
from atlas.reach import RADII_KM, distances_km, reach
from atlas.text import h

if TYPE_CHECKING:
    from atlas.dataset import Dataset

TABLE_FIGURES = ("population", "higher_education_people", "age_20_34_share", "large_employers")
"""The province figures the region card's table shows, beside the share and the distances."""
DEFAULT_FIGURE = "higher_education_people"
"""The figure the map colours the provinces by when the view names none."""


@dataclass(frozen=True)
class ProvinceLine:
    """One province of a region: ``values`` by figure key (HCP), ``higher_share`` its people with higher
    education as a percentage of the provinces' total, ``km`` the distance from each institute's city
    (in the order of :attr:`RegionProvinces.cities`), ``institute_here`` whether an institute's city is in it."""

    code: str
    name: str
    kind: str
    values: dict[str, float]
    higher_share: float
    km: tuple[float, ...]
    institute_here: bool


@dataclass(frozen=True)
class ReachLine:
    """One institute's within-reach figures: its name and city, and one sentence per radius."""

    institute_id: str
    institute: str
    city: str
    province: str | None
    totals: dict[int, dict[str, int]]
    counts: dict[int, int]
    outside: dict[int, int]
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class RegionProvinces:
    """A region's provinces in one language (see the module's docstring)."""

    code: str
    lang: str
    region: str
    summary: str
    cities: tuple[str, ...]
    lines: tuple[ProvinceLine, ...]
    totals: dict[str, float]
    headers: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    total_cells: tuple[str, ...]
    note: str
    reach: tuple[ReachLine, ...]
    reach_note: str

    def institute_provinces(self) -> list[str]:
        return [line.code for line in self.lines if line.institute_here]


def province_name(ds: Dataset, code: str, lang: str) -> str:
    """A province's name in ``lang`` (HCP's French and Arabic; the French in English)."""
    return ds.provinces.name(code, lang) if ds.provinces is not None else code


def kind_label(ds: Dataset, code: str, lang: str) -> str:
    """``province`` or ``prefecture``, in ``lang``."""
    return t(f"prov.kind.{ds.provinces.table.at[code, 'kind']}", lang)


def _pct(value: float, lang: str) -> str:
    return fmt_percent(value, lang, 1)


def _summary(lines: list[ProvinceLine], cities: list[tuple[str, str | None]], lang: str) -> str:
    """The sentence above the table: where the institute's province stands, where the largest pool is."""
    ranked = sorted(lines, key=lambda x: -x.values.get("higher_education_people", 0.0))
    if not ranked:
        return ""
    largest = ranked[0]
    if not cities:
        return t("prov.summary.none", lang, largest=largest.name, share=_pct(largest.higher_share, lang))
    sentences = []
    for index, (city, province) in enumerate(cities):
        here = next((x for x in lines if x.code == province), None)
        if here is None:
            sentences.append(t("prov.summary.unplaced", lang, city=city, largest=largest.name,
                               share=_pct(largest.higher_share, lang)))
        elif here is largest:
            second = ranked[1] if len(ranked) > 1 else None
            sentences.append(t("prov.summary.here_largest", lang, province=here.name, kind=here.kind, city=city,
                               share=_pct(here.higher_share, lang)) + (
                " " + t("prov.summary.next", lang, second=second.name, share=_pct(second.higher_share, lang),
                        km=fmt_number(second.km[index], lang)) if second is not None else ""))
        else:
            sentences.append(t("prov.summary.here", lang, province=here.name, kind=here.kind, city=city,
                               share=_pct(here.higher_share, lang), largest=largest.name,
                               largest_share=_pct(largest.higher_share, lang),
                               km=fmt_number(largest.km[index], lang)))
    return " ".join(sentences)


def reach_lines(ds: Dataset, institute_ids: list[str], lang: str) -> list[ReachLine]:
    """Each institute's within-reach figures, with one sentence per radius."""
    out = []
    for iid in institute_ids:
        row = ds.institutes.loc[iid]
        r = reach(ds, iid)
        city = pick(row, "city", lang)
        sentences = tuple(
            t("prov.reach.line", lang, radius=radius, city=city,
              higher=fmt_number(r.totals[radius]["higher_education_people"], lang),
              young=fmt_number(r.totals[radius]["age_20_34_people"], lang),
              count=len(r.provinces[radius]), outside=r.outside_region[radius])
            for radius in RADII_KM
        )
        out.append(ReachLine(iid, pick(row, "name", lang), city, r.origin.province, r.totals,
                             {k: len(v) for k, v in r.provinces.items()}, dict(r.outside_region), sentences))
    return out


def region_provinces(ds: Dataset, code: str, lang: str) -> RegionProvinces | None:
    """The provinces of region ``code`` in ``lang``; ``None`` when the dataset has no provinces for it."""
    prov = ds.provinces
    codes = prov.of_region(code) if prov is not None else []
    if not codes:
        return None
    figures = prov.figures
    institutes = [str(i) for i in ds.institutes_in(code).index]
    origins = [reach(ds, iid).origin for iid in institutes]
    cities = [(pick(ds.institutes.loc[iid], "city", lang), o.province) for iid, o in zip(institutes, origins,
                                                                                       strict=True)]
    km = [distances_km(ds, o) for o in origins]
    total_higher = float(figures.loc[codes, "higher_education_people"].sum()) if "higher_education_people" in figures \
        else 0.0
    lines = []
    for c in codes:
        values = {k: float(figures.at[c, k]) for k in figures.columns}
        share = 100.0 * values.get("higher_education_people", 0.0) / total_higher if total_higher else 0.0
        lines.append(ProvinceLine(c, province_name(ds, c, lang), kind_label(ds, c, lang), values, share,
                                  tuple(float(k[c]) for k in km), any(o.province == c for o in origins)))
    lines.sort(key=lambda x: (-x.values.get("higher_education_people", 0.0), x.code))
    totals = {k: float(figures.loc[codes, k].sum()) for k in TABLE_FIGURES if k in figures}
    unit = {k: str(ds.figure_defs.at[k, "unit"]) for k in TABLE_FIGURES if k in ds.figure_defs.index}
    headers = [t("prov.col.province", lang), t("prov.col.population", lang), t("prov.col.higher", lang),
               t("prov.col.higher_share", lang), t("prov.col.young_share", lang), t("prov.col.large", lang)]
    headers += [t("prov.col.km", lang, city=city) for city, _ in cities]
    here = t("prov.institute_here", lang)
    cells = []
    for line in lines:
        name = f"{line.name} ({line.kind})" + (f" · {here}" if line.institute_here else "")
        cells.append((name, *(format_value(line.values.get(k), unit.get(k, "count"), lang) for k in TABLE_FIGURES[:2]),
                      _pct(line.higher_share, lang),
                      *(format_value(line.values.get(k), unit.get(k, "count"), lang) for k in TABLE_FIGURES[2:]),
                      *(fmt_number(k, lang) for k in line.km)))
    total_cells = (t("prov.total", lang, count=len(lines)),
                   format_value(totals.get("population"), "people", lang),
                   format_value(totals.get("higher_education_people"), "people", lang), _pct(100.0, lang), "",
                   format_value(totals.get("large_employers"), "count", lang), *("" for _ in cities))
    regional = ds.figures.at[code, "higher_education_people"] if code in ds.figures.index else None
    note = t("prov.note", lang, total=format_value(totals.get("higher_education_people"), "people", lang),
             region=format_value(regional, "people", lang))
    if cities:
        note += " " + t("prov.note_km", lang)
    return RegionProvinces(
        code=code, lang=lang, region=region_name(ds, code, lang), summary=_summary(lines, cities, lang),
        cities=tuple(city for city, _ in cities), lines=tuple(lines), totals=totals, headers=tuple(headers),
        cells=tuple(cells), total_cells=total_cells, note=note, reach=tuple(reach_lines(ds, institutes, lang)),
        reach_note=t("prov.reach.note", lang),
    )


def html_table(caption: str, lang: str, headers: list[str] | tuple[str, ...],
               rows: list[tuple[str, tuple[str, ...]]], foot: tuple[str, ...] | None = None, *,
               css_class: str = "") -> str:
    """A scrollable, focusable table in the style of the table under the map: ``rows`` are (the
    ``<tr>``'s escaped attributes, cells), the first cell a row header. Every text is escaped here."""
    head = "".join(f'<th scope="col">{h(x)}</th>' for x in headers)

    def row(attrs: str, cells: tuple[str, ...]) -> str:
        return (f"<tr{attrs}><th scope=\"row\">{h(cells[0])}</th>"
                + "".join(f'<td style="white-space:nowrap">{h(c)}</td>' for c in cells[1:]) + "</tr>")

    body = "".join(row(attrs, cells) for attrs, cells in rows)
    tfoot = f"<tfoot>{row('', foot)}</tfoot>" if foot else ""
    return (f'<div class="atlas-table-wrap {css_class}" style="max-height:none" role="region" '
            f'aria-label="{h(caption)}" tabindex="0">'
            f'<table class="atlas-table" dir="{direction(lang)}" lang="{h(lang)}"><caption>{h(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{tfoot}</table></div>")
