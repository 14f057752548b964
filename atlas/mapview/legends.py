"""The legend of the institutes' specialisations (pins and points alike), under the view's lens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from atlas.i18n import t
from atlas.mapview.elements import Legend
from atlas.mapview.style import spec_style, text_colour
from atlas.present import SpecReading, spec_label
from atlas.text import h

if TYPE_CHECKING:
    from atlas.dataset import Dataset


@dataclass
class LegendMarks:
    """What the drawn institutes need the legend to explain."""

    used: list[str | None] = field(default_factory=list)
    via: list[str] = field(default_factory=list)
    hub: bool = False
    weak: bool = False
    hollow: bool = False
    disagree: bool = False

    def add(self, reading: SpecReading, *, hub: bool, weak: bool, via: tuple[str, ...] = ()) -> None:
        if reading.key not in self.used:
            self.used.append(reading.key)
        self.via.extend(k for k in via if k not in self.via)
        self.hub |= hub
        self.weak |= weak
        self.hollow |= reading.hollow
        self.disagree |= reading.disagree


def areas_legend(ds: Dataset, lang: str, lens: str, marks: LegendMarks) -> Legend:
    """The specialisations drawn under ``lens`` (in the dataset's order), titled with the source they
    follow; then what a hollow pin, the ≠ mark, the hub and a dashed pin mean, and every filtered-for
    specialisation that matched only through the commentary."""
    order = {k: i for i, k in enumerate(ds.specialisations.index)}
    rows = []
    for key in sorted(marks.used, key=lambda k: order.get(k, 999) if k else 1000):
        colour, icon = spec_style(ds, key)
        text = spec_label(ds, key, lang) if key else t("map.legend.no_area", lang)
        rows.append(
            f'<div class="row"><span class="dot" style="background:{colour};color:{text_colour(colour)}">'
            f'<i class="fa-solid fa-{icon}" aria-hidden="true"></i></span>{h(text)}</div>'
        )
    for key in marks.via:
        if key in marks.used:
            continue
        colour, icon = spec_style(ds, key)
        rows.append(
            f'<div class="row"><span class="dot dot--hollow" style="--pin:{colour}">'
            f'<i class="fa-solid fa-{icon}" aria-hidden="true"></i></span>'
            f'{h(t("lens.legend.filtered", lang, label=spec_label(ds, key, lang)))}</div>'
        )
    extras = []
    if marks.hollow:
        extras.append(f'<div class="row"><span class="dot dot--hollow" style="--pin:#555"></span>'
                      f'{h(t("lens.legend.hollow", lang))}</div>')
    if marks.disagree:
        extras.append(f'<div class="row"><span class="dot dot--badge" aria-hidden="true">&#8800;</span>'
                      f'{h(t("lens.legend.disagree", lang))}</div>')
    if marks.hub:
        extras.append(f'<div class="note">{h(t("map.legend.hub", lang))}</div>')
    if marks.weak:
        extras.append(f'<div class="row"><span class="dot dot--weak"></span>{h(t("map.legend.weak", lang))}</div>')
    return Legend(h(t(f"lens.legend_title.{lens}", lang)), "".join(rows) + "".join(extras), position="bottomright",
                  lang=lang)
