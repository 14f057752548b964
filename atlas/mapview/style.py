"""Colours, icons and styles of the map, and the marker style of an institute."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from atlas.assets import icon_codepoint
from atlas.mapview.safe import static_text

if TYPE_CHECKING:
    from atlas.dataset import Dataset

MAX_ZOOM = 11
MIN_ZOOM = 4
SEA = "#cfe0ea"
LAND = "#f6f4ef"
COVERED = "#d9c9a3"
COVERED_WEAK = "#ede3cb"
BORDER = "#6f6a60"
NO_DATA = "#c8c8c8"
# Sequential, colour-blind safe (ColorBrewer YlOrBr, 5 classes): no blue, so it never reads as sea.
CHOROPLETH = ("#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404")
FALLBACK_COLOUR = "#777777"
FALLBACK_ICON = "location-dot"
ICON_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEX_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


def css() -> str:
    """The map's style sheet (``static/map.css``) with the colours it shares with Python."""
    variables = f":root {{ --atlas-sea: {SEA}; --atlas-border: {BORDER}; }}\n"
    return variables + static_text("map.css")


def text_colour(hex_colour: str) -> str:
    """Black or white, whichever reads better on ``hex_colour`` (WCAG relative luminance)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#111111" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


def safe_icon(name: object) -> str:
    """A Font Awesome icon name we ship a glyph for, or the fallback pin."""
    name = str(name or "")
    return name if ICON_RE.match(name) and icon_codepoint(name) else FALLBACK_ICON


def safe_colour(value: object) -> str:
    """A ``#rrggbb`` colour, or the fallback grey."""
    value = str(value or "")
    return value if HEX_RE.match(value) else FALLBACK_COLOUR


def icons(ds: Dataset) -> list[str]:
    """Every icon the map may draw (the specialisations' and the fallback)."""
    return sorted({safe_icon(i) for i in ds.specialisations["icon"]} | {FALLBACK_ICON})


def spec_style(ds: Dataset, key: str | None) -> tuple[str, str]:
    """(colour, icon) of a specialisation key (the fallback grey pin for None or an unknown key)."""
    if key and key in ds.specialisations.index:
        spec = ds.specialisations.loc[key]
        return safe_colour(spec["colour"]), safe_icon(spec["icon"])
    return FALLBACK_COLOUR, FALLBACK_ICON
