"""The map's own Leaflet elements. Each is a :class:`~atlas.mapview.safe.SafeMacro` whose script is a
file in ``static/`` and whose data are attributes serialised with
:func:`~atlas.mapview.safe.script_json` (HTML inside them escaped by the caller with ``atlas.text.h``)."""

from __future__ import annotations

from collections.abc import Sequence

from atlas.assets import FA_FAMILY, icon_codepoint
from atlas.i18n import direction
from atlas.mapview.safe import SafeMacro, script_json, static_template
from atlas.mapview.style import FALLBACK_ICON


class MarkerExtras(SafeMacro):
    """Region code, tooltip and popup of one marker, passed as escaped JSON (:meth:`serialise`: the
    caller keeps it, so a page run does not serialise every card again)."""

    _template = static_template("marker_extras.js")

    def __init__(self, props_json: str, tooltip_json: str, popup_json: str):
        super().__init__()
        self._name = "MarkerExtras"
        self.props_json = props_json
        self.tooltip_json = tooltip_json
        self.popup_json = popup_json

    @staticmethod
    def serialise(props: dict[str, str], tooltip: str | None, popup: str | None) -> tuple[str, str, str]:
        """The three arguments, as :func:`~atlas.mapview.safe.script_json` ("" for no tooltip or popup)."""
        return script_json(props), script_json(tooltip) if tooltip else "", script_json(popup) if popup else ""


class RegionShapes(SafeMacro):
    """The regions as one ``L.geoJson`` layer (``static/regions.js``). ``shapes_json``: the regions'
    FeatureCollection (each feature with its ``id`` and ``properties.code``) as
    :func:`~atlas.mapview.safe.script_json_string` text, which the caller keeps from run to run;
    ``styles`` and ``tips`` (escaped HTML), per region code, are this view's. ``data`` is the collection
    with the tooltips, as the browser reads it."""

    _template = static_template("regions.js")

    def __init__(self, shapes: dict, shapes_json: str, styles: dict[str, dict], tips: dict[str, str],
                 highlight: dict):
        super().__init__()
        self._name = "RegionShapes"
        self._shapes, self._tips = shapes, tips
        self.shapes_json = shapes_json
        self.styles_json = script_json(styles)
        self.tips_json = script_json(tips)
        self.highlight_json = script_json(highlight)

    @property
    def data(self) -> dict:
        """The collection with each region's tooltip, as the browser makes it (built when read only)."""
        return {**self._shapes, "features": [{**f, "properties": {**f["properties"], "tip": self._tips.get(f["id"])}}
                                             for f in self._shapes["features"]]}


class Legend(SafeMacro):
    """A legend box that lives as long as its parent layer group is on the map.

    It is a small ``L.Layer`` added to the parent group: when ``st_folium`` swaps the group, the
    legend goes with it. ``title`` and ``body`` are HTML escaped by the caller; the box folds open and
    shut on its title, and starts folded on maps narrower than ``collapse_below`` pixels.
    """

    _template = static_template("legend.js")

    def __init__(self, title: str, body: str, position: str = "bottomright", css_class: str = "atlas-legend",
                 lang: str = "fr", collapse_below: int = 460):
        super().__init__()
        self._name = "Legend"
        self.html = f"<details open><summary>{title}</summary>{body}</details>"
        self.html_json = script_json(self.html)
        self.collapse_below = int(collapse_below)
        self.dir_json = script_json(direction(lang))
        self.position_json = script_json(position)
        self.class_json = script_json(css_class)


class Control(SafeMacro):
    """A fixed control on the map (north arrow), built from escaped HTML."""

    _template = static_template("control.js")

    def __init__(self, html: str, title: str, position: str, css_class: str):
        super().__init__()
        self._name = "Control"
        self.html_json = script_json(html)
        self.title_json = script_json(title)
        self.position_json = script_json(position)
        self.class_json = script_json(css_class)


class ZoomClass(SafeMacro):
    """Keeps zoom classes on the map container: ``atlas-zoom-low`` below ``zoom`` (short region labels)
    and ``atlas-zl-N`` with N = floor(steps × zoom), which the label CSS uses to hide crowded labels."""

    _template = static_template("zoom_class.js")

    def __init__(self, zoom: float, steps: int):
        super().__init__()
        self._name = "ZoomClass"
        self.zoom = float(zoom)
        self.steps = int(steps)


class FocusWithoutScroll(SafeMacro):
    """Leaflet focuses the map on mousedown (for keyboard panning). In an iframe whose bottom is
    below the fold, that focus scrolls the page by a few pixels between mousedown and mouseup, so
    the first click on a marker or a region is lost. Focus without scrolling instead."""

    _template = static_template("focus_without_scroll.js")

    def __init__(self):
        super().__init__()
        self._name = "FocusWithoutScroll"


class PinsAfterFont(SafeMacro):
    """Keeps the pins hidden until the icon font is loaded (at most 2 s), so a pin never shows without
    its glyph: the map container carries ``atlas-fonts-pending`` meanwhile (see ``static/map.css``)."""

    _template = static_template("pins_after_font.js")

    def __init__(self):
        super().__init__()
        self._name = "PinsAfterFont"
        self.font_json = script_json(f'900 16px "{FA_FAMILY}"')
        self.text_json = script_json(chr(int(icon_codepoint(FALLBACK_ICON) or "f3c5", 16)))


class MetricScale(SafeMacro):
    """A metric scale bar, bottom left."""

    _template = static_template("metric_scale.js")

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"


class Attribution(SafeMacro):
    """A line added to the map's attribution control (escaped HTML)."""

    _template = static_template("attribution.js")

    def __init__(self, html: str):
        super().__init__()
        self._name = "Attribution"
        self.html_json = script_json(html)


class Labels(SafeMacro):
    """The region names: one non-interactive ``L.divIcon`` marker per region, from one escaped JSON array
    (one element instead of 12 markers and 12 icons keeps every page run's rendering cheap)."""

    _template = static_template("labels.js")

    def __init__(self, labels: Sequence[tuple[float, float, str]]):
        super().__init__()
        self._name = "Labels"
        self.labels_json = script_json([[lat, lon, html] for lat, lon, html in labels])


class SelectionOutline(SafeMacro):
    """Outlines the selected region (``static/selection.js``): the app's URL ``sel`` parameter, read in
    the browser, or ``selected`` (a standalone file), so a selection never rebuilds the map's layers."""

    _template = static_template("selection.js")

    def __init__(self, selected: str | None = None):
        super().__init__()
        self._name = "SelectionOutline"
        self.selected_json = script_json(selected)


class Accessibility(SafeMacro):
    """Keyboard, screen-reader and reduced-motion support (``static/a11y.js``): names the map and the
    frame holding it (``frame``; ``describedby``: id of the page element that is the map's text
    alternative), moves focus into a popup opened from the keyboard and back to its marker when Escape
    closes it, closes tooltips when a popup opens, and turns off animated zoom, pan and fades when the
    reader prefers reduced motion. ``text`` values are plain text (set as attributes by the script)."""

    _template = static_template("a11y.js")

    def __init__(self, text: dict[str, str]):
        super().__init__()
        self._name = "Accessibility"
        self.text_json = script_json(text)
