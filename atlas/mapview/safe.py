"""Text in a folium map never reaches Jinja as template source.

Why this module exists: folium and branca render every ``Element`` as a Jinja template, and
``branca.element.MacroElement.render`` wraps each macro's *output* in a new ``Element`` before the
page is rendered, so whatever a macro printed is parsed and evaluated by Jinja a second time. A
region name ``{{ 7*7 }}`` printed by a macro became ``49``; with Jinja's globals it ran code on the
server. Two rules close that for good:

1. Template *source* is only ever a file of this package (``static/*.js``), loaded by
   :func:`static_template`, or a string literal in code. Never an f-string, never data
   (``tests/test_template_guard.py`` fails on any other ``Template(``/``Element(`` call in ``atlas/``).
2. Our elements derive from :class:`SafeMacro`, whose output goes into the page as :class:`RawHTML`,
   emitted verbatim and never parsed. Text reaching folium's own elements (``DivIcon`` HTML, GeoJSON
   properties, tile attribution) is built with :func:`atlas.text.h` or :func:`script_json`, which leave
   no ``{`` that could open a Jinja tag, so a second parse finds nothing to evaluate.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_json(obj: object) -> str:
    """JSON that is safe inside an HTML ``<script>`` and inert for Jinja.

    ``<``, ``>``, ``&``, ``'`` are escaped (no ``</script>`` or HTML comment can be closed), U+2028 and
    U+2029 are written as escapes, and a ``{`` that would open a Jinja tag (``{{``, ``{%``, ``{#``),
    which in JSON can only stand inside a string, is written ``\\u007b``: the browser reads the same
    string, Jinja sees no tag."""
    text = (
        json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )
    return _JINJA_OPEN.sub(r"\\u007b", text)


def script_json_string(text: str) -> str:
    """:func:`script_json` text (a JSON document) as a single-quoted JavaScript string, for
    ``JSON.parse``: for a large document V8 parses that faster than the same object literal (a
    10,000-point map loaded about 0.1 s sooner). The text holds no ``'`` and no line break
    (:func:`script_json` escapes them), so only its backslashes are doubled; like it, it holds no ``<``,
    ``>`` or ``&``."""
    if "'" in text or "\n" in text or "\r" in text:
        raise ValueError("not script_json text")
    return "'" + text.replace("\\", "\\\\") + "'"


class RawHTML(Element):
    """HTML (or a script body) placed in the page verbatim: it is never parsed as a template.

    The one way this project adds markup to a folium figure. Its text must already be safe for where
    it goes (escaped with :func:`atlas.text.h`, or :func:`script_json`)."""

    def __init__(self, html: str):
        super().__init__()
        self._name = "RawHTML"
        self._raw = str(html)

    def render(self, **kwargs) -> str:
        return self._raw


class SafeMacro(MacroElement):
    """A ``MacroElement`` whose macro output is added to the page as :class:`RawHTML`.

    Same result as branca's ``MacroElement.render`` except that the output is not parsed again
    (branca wraps it in ``Element(...)``, a Jinja template). ``st_folium`` reads our macros directly
    (``_template.module.script``), so both paths render each macro exactly once."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("a map element can only be rendered inside a Figure")
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                getattr(figure, part).add_child(RawHTML(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


@cache
def static_text(name: str) -> str:
    """A file of ``atlas/mapview/static`` (styles, scripts), read once."""
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


@cache
def static_template(name: str) -> Template:
    """The Jinja template in ``static/<name>``: template source comes only from these files."""
    return Template(static_text(name))


# folium's own elements, rendered the SafeMacro way: each is the folium class unchanged, except that its
# output is not parsed again as a Jinja template (a wasted parse on every run).
class SafeSetIcon(folium.Marker.SetIcon, SafeMacro):
    """``folium.Marker.SetIcon`` (the line that gives a marker its icon), its output added as :class:`RawHTML`."""


class SafeMarker(folium.Marker, SafeMacro):
    """``folium.Marker``, its output added as :class:`RawHTML`; so is the line setting its icon."""

    SetIcon = SafeSetIcon


class SafeFeatureGroup(folium.FeatureGroup, SafeMacro):
    """``folium.FeatureGroup``, its output added as :class:`RawHTML`."""


class SafeMap(folium.Map, SafeMacro):
    """``folium.Map``, its output (the map's style, ``div`` and creation script) added as :class:`RawHTML`."""


class SafeDivIcon(folium.DivIcon, SafeMacro):
    """``folium.DivIcon``, its output added as :class:`RawHTML`."""
