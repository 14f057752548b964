"""Read the page's HTML table of institutes (``atlas/templates/page/institutes_table.html``) back
into a ``DataFrame``, with the standard library's parser (what a test compares with the data)."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_table = self.in_head = False
        self.columns: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.attrs: dict[str, str] = {}
        self.caption: list[str] | None = None
        self.caption_text = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "atlas-table" in (dict(attrs).get("class") or ""):
            self.in_table, self.attrs = True, {k: v or "" for k, v in attrs}
        elif self.in_table:
            if tag == "thead":
                self.in_head = True
            elif tag == "tr" and not self.in_head:
                self.rows.append([])
            elif tag in ("th", "td"):
                self.cell = []
            elif tag == "caption":
                self.caption = []

    def handle_endtag(self, tag):
        if not self.in_table:
            return
        if tag == "table":
            self.in_table = False
        elif tag == "thead":
            self.in_head = False
        elif tag == "caption" and self.caption is not None:
            self.caption_text, self.caption = "".join(self.caption).strip(), None
        elif tag in ("th", "td") and self.cell is not None:
            text = "".join(self.cell).strip()
            (self.columns if self.in_head else self.rows[-1]).append(text)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        elif self.caption is not None:
            self.caption.append(data)


def read_table(markup: str) -> tuple[pd.DataFrame, dict[str, str], str]:
    """(rows as a frame with the header's columns, the ``<table>``'s attributes, its caption)."""
    reader = _Reader()
    reader.feed(markup)
    if not reader.attrs:
        raise AssertionError("no table of institutes in this HTML")
    return pd.DataFrame(reader.rows, columns=reader.columns), reader.attrs, reader.caption_text
