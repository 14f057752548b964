"""The institutes layer: one pin per institute passing the filters, with its tooltip, its popup card
and the legend of the specialisations drawn, all under the view's lens (above ``POINTS_THRESHOLD``
institutes, one canvas point layer instead: :mod:`atlas.mapview.points`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import folium
import pandas as pd

from atlas.i18n import direction, fmt_date, pick, t
from atlas.mapview.cache import memo
from atlas.mapview.elements import MarkerExtras
from atlas.mapview.legends import LegendMarks, areas_legend
from atlas.mapview.safe import SafeDivIcon, SafeMarker
from atlas.mapview.style import spec_style, text_colour
from atlas.present import (
    SpecReading,
    commentary_keys,
    region_name,
    spec_label,
    spec_labels,
    spec_line,
    spec_reading,
    status_date,
)
from atlas.scorecard import scorecard_html
from atlas.text import h
from atlas.view import View

if TYPE_CHECKING:
    from atlas.dataset import Dataset

SOURCE_KINDS = ("official", "press", "trade", "blog", "commentary")


def _kinds(ds: Dataset, institute_id: str, field: str, lang: str) -> str:
    """The source kinds backing ``field`` of an institute, as small badges."""
    src = ds.sources_for(institute_id)
    kinds = sorted(
        {str(k) for k, fields in zip(src["kind"], src["fields"], strict=True) if field in str(fields).split(";")},
        key=lambda k: SOURCE_KINDS.index(k) if k in SOURCE_KINDS else 99,
    )
    if not kinds:
        return ""
    return "".join(f'<span class="kind">{h(t(f"map.source_kind.{k}", lang))}</span>' for k in kinds)


def institute_popup(ds: Dataset, iid: str, row: Mapping[str, Any], lang: str) -> str:
    """The popup card of an institute: every data value escaped."""
    na = h(t("common.not_announced", lang))
    name = h(pick(row, "name", lang))
    kind = h(t(f"kind.{row['kind']}", lang))
    city = h(pick(row, "city", lang))
    region = h(region_name(ds, str(row["region_code"]), lang))
    precision = h(t(f"precision.{row['location_precision']}", lang))
    commentary = commentary_keys(row)
    comm_html = h(spec_labels(ds, commentary, lang)) if commentary else na
    focus = list(row.get("focus_list") or [])
    focus_html = "<ul>" + "".join(f"<li>{h(spec_label(ds, k, lang))}</li>" for k in focus) + "</ul>" if focus else na
    status = h(t(f"status.{row['status']}", lang))
    date = h(status_date(row, lang))
    confidence = h(t(f"confidence.{row['confidence']}", lang))
    partners = [p.strip() for p in pick(row, "partners", lang).split(";") if p.strip()]
    partners_html = "<ul>" + "".join(f"<li>{h(p)}</li>" for p in partners) + "</ul>" if partners else na

    items = []
    for _, src in ds.sources_for(iid).iterrows():
        publisher = h(src["publisher"])
        kind_label = t(f"map.source_kind.{src['kind']}", lang)
        kind_badge = f'<span class="kind">{h(kind_label)}</span>'
        published = ""
        if str(src.get("published") or ""):
            try:
                published = " · " + h(fmt_date(str(src["published"]), lang))
            except ValueError:
                published = " · " + h(src["published"])
        url = str(src.get("url") or "")
        if url.startswith(("https://", "http://")):
            link = f'<a href="{h(url)}" rel="noopener noreferrer" target="_blank">{publisher}</a>'
        else:
            link = f'{publisher} <span class="muted">({h(t("map.popup.no_url", lang))})</span>'
        items.append(f"<li>{link}{kind_badge}{published}</li>")
    sources_html = "<ol>" + "".join(items) + "</ol>" if items else na

    scorecard = scorecard_html(ds, iid, lang)
    notes = pick(row, "notes", lang)
    notes_html = (f"<details><summary>{h(t('map.popup.notes', lang))}</summary>{h(notes)}</details>"
                  if notes else "")
    return (
        f'<div class="atlas-card" dir="{direction(lang)}" lang="{h(lang)}" data-id="{h(iid)}">'
        f"<h4>{name}</h4>"
        f'<div class="muted">{kind} · {city} · {region}</div>'
        f'<div class="muted">{h(t("map.popup.location", lang))}: {precision}</div>'
        "<table><tr>"
        f"<th>{h(t('map.popup.commentary', lang))}{_kinds(ds, iid, 'specialisation_commentary', lang)}</th>"
        f"<th>{h(t('map.popup.conventions', lang))}{_kinds(ds, iid, 'focus_areas', lang)}</th>"
        f"</tr><tr><td>{comm_html}</td><td>{focus_html}</td></tr></table>"
        "<dl>"
        f"<dt>{h(t('map.popup.status', lang))}:</dt> <dd>{status} ({date})</dd>"
        f"<dt>{h(t('map.popup.confidence', lang))}:</dt> <dd>{confidence}</dd>"
        f"<dt>{h(t('map.popup.partners', lang))}:</dt> <dd>{partners_html}</dd>"
        f"<dt>{h(t('map.popup.sources', lang))}:</dt> <dd>{sources_html}</dd>"
        "</dl>"
        f"{scorecard}{notes_html}</div>"
    )


def institute_tooltip(ds: Dataset, row: Mapping[str, Any], lang: str, lens: str = "commentary",
                      via: Sequence[str] = ()) -> str:
    """The hover text of a pin: name, city and status, then its specialisation under ``lens`` (naming
    the other source where they differ) and, when a filter matched it only through the commentary,
    which specialisations did (``via``)."""
    status = t(f"status.{row['status']}", lang)
    lines = [f"<b>{h(pick(row, 'name', lang))}</b>", f"{h(pick(row, 'city', lang))} · {h(status)}",
             f'<span class="atlas-tip-spec">{h(spec_line(ds, row, lens, lang))}</span>']
    if via:
        lines.append(f'<span class="muted">{h(t("lens.tip.via_commentary", lang, labels=spec_labels(ds, via, lang)))}'
                     "</span>")
    return f'<div class="atlas-tip" dir="{direction(lang)}">' + "<br>".join(lines) + "</div>"


def _pin_html(colour: str, icon: str, *, hub: bool, weak: bool, hollow: bool, disagree: bool, label: str) -> str:
    classes = ("atlas-pin" + (" atlas-pin--hub" if hub else "") + (" atlas-pin--weak" if weak else "")
               + (" atlas-pin--hollow" if hollow else ""))
    style = (f"--pin:{colour};color:#1b1b1b" if hollow
             else f"--pin:{colour};background:{colour};color:{text_colour(colour)}")
    badge = '<span class="atlas-pin-badge" aria-hidden="true">&#8800;</span>' if disagree else ""
    return (
        f'<div class="{classes}" style="{style}" role="img" aria-label="{h(label)}">'
        f'<i class="fa-solid fa-{icon}" aria-hidden="true"></i>{badge}</div>'
    )


@dataclass(frozen=True)
class _Pin:
    """What one institute's pin needs, built once per data version, language, lens and filter
    (:func:`~atlas.mapview.cache.memo`): a page run only assembles the markers."""

    location: tuple[float, float]
    size: int
    html: str
    reading: SpecReading
    hub: bool
    weak: bool
    via: tuple[str, ...]
    extras: tuple[str, str, str]  # MarkerExtras' JSON: region code and id, tooltip, card


def _pin(ds: Dataset, iid: str, lang: str, lens: str, specialisations: tuple[str, ...]) -> _Pin:
    row = ds.institutes.loc[iid]
    reading = spec_reading(row, lens)
    colour, icon = spec_style(ds, reading.key)
    hub = str(row["kind"]) == "hub"
    weak = str(row["confidence"]) == "weak"
    via = tuple(k for k in specialisations if k in reading.commentary and k != reading.key
                and k not in reading.conventions) if lens == "conventions" else ()
    size = 34 if hub else 28
    label = " · ".join((pick(row, "name", lang), region_name(ds, str(row["region_code"]), lang),
                        spec_line(ds, row, lens, lang), t(f"status.{row['status']}", lang)))
    html = _pin_html(colour, icon, hub=hub, weak=weak, hollow=reading.hollow, disagree=reading.disagree, label=label)
    tip = memo(("marker_tip", ds.version, lang, lens, iid, via), lambda: institute_tooltip(ds, row, lang, lens, via))
    card = memo(("marker_card", ds.version, lang, iid), lambda: institute_popup(ds, iid, row, lang))
    extras = MarkerExtras.serialise({"code": str(row["region_code"]), "id": iid, "kind": "institute"}, tip, card)
    return _Pin((float(row["lat"]), float(row["lon"])), size, html, reading, hub, weak, via, extras)


def pins_layer(ds: Dataset, view: View, shown: pd.DataFrame, group: folium.FeatureGroup) -> folium.FeatureGroup:
    """One pin per institute of ``shown`` in ``group``, coloured by its specialisation under the view's
    lens (:func:`atlas.present.spec_reading`); with the legend of what is drawn."""
    lang, lens = view.lang, view.lens
    marks = LegendMarks()
    specialisations = view.specialisations if lens == "conventions" else ()  # what the pins read them for
    for iid in map(str, shown.index):
        pin = memo(("pin", ds.version, lang, lens, iid, specialisations),
                   lambda iid=iid: _pin(ds, iid, lang, lens, specialisations))
        marks.add(pin.reading, hub=pin.hub, weak=pin.weak, via=pin.via)
        half = pin.size // 2
        marker = SafeMarker(
            list(pin.location),
            icon=SafeDivIcon(html=pin.html, icon_size=(pin.size, pin.size), icon_anchor=(half, half),
                             popup_anchor=(0, -half), class_name="atlas-pin-wrap"),
            z_index_offset=1000,
            riseOnHover=True,
            keyboard=True,  # a Tab stop (role=button); Enter or Space opens the card, Escape closes it
        )
        marker.atlas_id = iid  # read by tests and by the page to check what is drawn
        marker.add_child(MarkerExtras(*pin.extras))
        marker.add_to(group)

    if marks.used:
        areas_legend(ds, lang, lens, marks).add_to(group)
    return group
