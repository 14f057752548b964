"""Settings read from the environment: one table (:data:`SETTINGS`), read here and nowhere else.

The README's settings table is checked against :data:`SETTINGS` by ``tests/test_config.py``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT / "data"

OSM_TEMPLATE = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "&copy; OpenStreetMap contributors"


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, its default (as the README shows it) and what it means."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("ATLAS_DATA_DIR", "`data/`",
            "the data directory the app and every command read (an organisation can keep its own copy)"),
    Setting("ATLAS_TILES", "`none`",
            "base-map tiles: `none`, `openstreetmap`, or a URL template of a self-hosted tile server "
            "(`https://tiles.example.org/{z}/{x}/{y}.png`)"),
    Setting("ATLAS_PUBLIC_URL", "unset",
            "the public address of the atlas (`https://atlas.example.org/`, http(s) only): the Markdown and "
            "PDF briefs' \"link to this view\" points there. Unset, the briefs say that no public address is "
            "configured instead of printing a local one such as `127.0.0.1`"),
)
"""Every environment variable the atlas reads."""

_NAMES = frozenset(s.name for s in SETTINGS)


def _raw(name: str) -> str:
    """The environment's value of the setting ``name`` (stripped; ``""`` when unset)."""
    if name not in _NAMES:
        raise KeyError(f"{name} is not in atlas.config.SETTINGS")
    return os.environ.get(name, "").strip()


def data_dir() -> Path:
    """The data directory the app and every CLI command read (``ATLAS_DATA_DIR``, default ``data/``)."""
    value = _raw("ATLAS_DATA_DIR")
    return Path(value).expanduser() if value else DEFAULT_DATA_DIR


def public_base_url() -> str | None:
    """The public address of the app (``ATLAS_PUBLIC_URL``, http(s) only, ending in ``/``), or None
    when unset or not an http(s) address."""
    value = _raw("ATLAS_PUBLIC_URL")
    if not value or not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        return None
    return value if value.endswith("/") else value + "/"


@dataclass(frozen=True)
class Tiles:
    """Base-map tiles: ``url`` is ``None`` when the map is drawn without tiles."""

    url: str | None
    attribution: str
    problem: str | None = None  # a message when the setting was not understood


def tiles_setting(value: str | None = None) -> Tiles:
    """Parse ``ATLAS_TILES`` (or ``value``). Anything unknown falls back to no tiles, with a problem."""
    raw = (_raw("ATLAS_TILES") if value is None else value).strip()
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


def readme_table() -> str:
    """The README's settings table, made from :data:`SETTINGS`."""
    rows = ["| variable | meaning | default |", "|---|---|---|"]
    rows += [f"| `{s.name}` | {s.help} | {s.default} |" for s in SETTINGS]
    return "\n".join(rows)
