"""Issue 10: data text placed in Streamlit Markdown is shown literally on every page, in fr and ar:
no image is fetched, no link, emphasis, HTML, colour directive or LaTeX is interpreted."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from atlas import validate
from atlas.text import md_escape
from tests.markdown_payload import PAYLOAD, RAW_MARKERS, write_payload
from tests.render_all import render_pages

# Proto fields Streamlit renders as Markdown (element bodies, labels, help tooltips, captions, and
# the options of a pill group, ``ButtonGroup.Option.content``).
MARKDOWN_FIELDS = {"body", "label", "help", "caption", "title", "placeholder", "content"}
NOT_MARKDOWN = {"arrow_data_frame", "vega_lite_chart", "iframe", "html", "component_instance"}


def markdown_strings(node) -> list[str]:
    """Every Markdown-rendered string of an AppTest element tree."""
    out: list[str] = []
    proto = getattr(node, "proto", None)
    if proto is not None and getattr(node, "type", "") not in NOT_MARKDOWN:
        stack = [proto]
        while stack:
            msg = stack.pop()
            for field, value in msg.ListFields():
                if field.type == field.TYPE_MESSAGE:
                    stack.extend(value if isinstance(value, Sequence) else [value])
                elif field.name in MARKDOWN_FIELDS and isinstance(value, str):
                    out.append(value)
    for child in getattr(node, "children", {}).values():
        out += markdown_strings(child)
    return out


def test_md_escape_neutralises_markdown():
    escaped = md_escape(PAYLOAD + " &lt;b&gt; www.example.org http://x\n# title")
    for marker in (*RAW_MARKERS, " &lt;", "http://", "\n"):
        assert marker not in escaped
    assert "\\&lt;" in escaped and "www\\.example" in escaped


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_page_shows_markdown_active_data_literally(data_copy: Path, lang):
    write_payload(data_copy)
    ds, problems = validate(data_copy)
    assert problems == [], problems[:5]
    seen = 0
    for at in render_pages(data_copy, lang, sel="10"):
        texts = markdown_strings(at._tree)
        for text in texts:
            assert not any(marker in text for marker in RAW_MARKERS), text
        seen += sum("\\*\\*bold\\*\\*" in text for text in texts)
    assert seen > 10  # the payload was shown, escaped, on the pages
