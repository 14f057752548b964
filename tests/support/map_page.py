"""The regions' layer read back from a rendered map page (``static/regions.js``), as the browser builds it."""

from __future__ import annotations

import json
import re

REGION_LAYER = re.compile(r"var shapes = JSON\.parse\('(.*)'\);\n\s*var styles = (.*);\n\s*var tips = (.*);\n")
"""The regions' layer in rendered HTML: shapes, then each region's style and tooltip."""


def _region_layer(page: str) -> tuple[dict, dict, dict]:
    layers = REGION_LAYER.findall(page)
    assert len(layers) == 1, "the regions must be one GeoJSON layer"
    shapes, styles, tips = layers[0]
    return json.loads(shapes.replace("\\\\", "\\")), json.loads(styles), json.loads(tips)


def region_features(page: str) -> list[dict]:
    """The region features as the browser makes them: the shapes, each with its tooltip."""
    shapes, _styles, tips = _region_layer(page)
    for feature in shapes["features"]:
        feature["properties"]["tip"] = tips[feature["id"]]
    return shapes["features"]


def region_fills(page: str, codes) -> dict[str, str]:
    """Region code -> fill colour, read from the regions layer's styles."""
    _shapes, styles, _tips = _region_layer(page)
    return {code: styles[code]["fillColor"] for code in codes}
