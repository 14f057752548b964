"""What ``st_folium`` hands to the browser for a map and its layers: the component's arguments, read
back from a one-element page under AppTest (Streamlit's public testing API), exactly as they travel."""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest


def _page(fig, layers, render):  # the body runs as the page's script: no annotations, its own imports
    import streamlit_folium

    streamlit_folium.st_folium(fig, key="map", feature_group_to_add=layers, returned_objects=[], render=render)


def sent_json(fig: Any, layers: list | None = None, *, render: bool = True) -> str:
    """The JSON text of ``st_folium(fig, feature_group_to_add=layers, render=render)``'s arguments (script,
    header, HTML, the layers' script, asset links ...), as the page sends it to the browser."""
    at = AppTest.from_function(_page, args=(fig, layers, render), default_timeout=120)
    at.run()
    if at.exception:
        raise RuntimeError(f"st_folium failed: {at.exception[0].value}")
    (element,) = [el for el in at.get("component_instance") if el.proto.component_name.endswith("st_folium")]
    return element.proto.json_args


def sent_args(fig: Any, layers: list | None = None, *, render: bool = True) -> dict[str, Any]:
    """:func:`sent_json`, decoded."""
    return json.loads(sent_json(fig, layers, render=render))


def payload_bytes(fig: Any, layers: list | None = None) -> int:
    """Bytes of what ``st_folium`` sends for ``fig`` and ``layers`` (the arguments' JSON, UTF-8)."""
    return len(sent_json(fig, layers).encode("utf-8"))
