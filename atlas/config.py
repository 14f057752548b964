"""Settings read from the environment, in one place.

- ``ATLAS_DATA_DIR``: the data directory (default: the ``data/`` folder beside this package).
- ``ATLAS_TILES``: base-map tiles: ``none`` (default), ``openstreetmap``, or a URL template such as
  ``https://tiles.example.org/{z}/{x}/{y}.png`` for a self-hosted tile server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT / "data"

OSM_TEMPLATE = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "&copy; OpenStreetMap contributors"


def data_dir() -> Path:
    """The data directory the app and every CLI command read."""
    value = os.environ.get("ATLAS_DATA_DIR", "").strip()
    return Path(value).expanduser() if value else DEFAULT_DATA_DIR


@dataclass(frozen=True)
class Tiles:
    """Base-map tiles: ``url`` is ``None`` when the map is drawn without tiles."""

    url: str | None
    attribution: str
    problem: str | None = None  # a message when the setting was not understood


def tiles_setting(value: str | None = None) -> Tiles:
    """Parse ``ATLAS_TILES`` (or ``value``). Anything unknown falls back to no tiles, with a problem."""
    raw = (os.environ.get("ATLAS_TILES", "") if value is None else value).strip()
    key = raw.lower()
    if key in ("", "none", "off"):
        return Tiles(None, "")
    if key in ("openstreetmap", "osm"):
        return Tiles(OSM_TEMPLATE, OSM_ATTRIBUTION)
    if (key.startswith("https://") or key.startswith("http://")) and all(
        part in raw for part in ("{z}", "{x}", "{y}")
    ) and not any(tag in raw for tag in ("{{", "{%", "{#", "<", ">", '"', "'", "\\")):
        # Leaflet's {z}/{x}/{y} only: the URL is placed in the map's script, where a Jinja tag
        # (folium renders scripts as templates) or markup must never get in.
        return Tiles(raw, "Tiles: " + raw.split("/")[2])
    return Tiles(
        None,
        "",
        problem=f"ATLAS_TILES={raw!r} is not 'none', 'openstreetmap' or an http(s) URL template "
        "with {z}, {x} and {y}; the map is drawn without tiles.",
    )
