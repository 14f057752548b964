"""Making untrusted text safe where it is shown: HTML, Markdown, spreadsheets."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(text: object) -> str:
    """Text shown literally inside Streamlit Markdown: the one helper for data text placed there.

    Every ASCII punctuation character Markdown or Streamlit gives a meaning to is backslash-escaped,
    so no link, image, autolink (``http\\://``), emphasis, HTML tag, entity (``\\&amp;``), LaTeX
    (``$``), emoji or icon shortcode (``:smile:``), colour directive (``:red[...]``), table or
    heading survives; line breaks become spaces so text cannot start a block of its own.
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")


_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def h(text: object) -> str:
    """HTML-escape text for element content and quoted attributes.

    Braces are written as character references too (the browser shows ``{`` and ``}``): folium and
    branca parse HTML they are given as Jinja templates, some of it twice, so escaped text must not
    hold a ``{{``, ``{%`` or ``{#`` that Jinja would evaluate (see :mod:`atlas.mapview.safe`)."""
    return html.escape(str(text), quote=True).translate(_BRACES)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """A spreadsheet cell that cannot run as a formula: text starting with = + - @ tab or CR gets a
    leading apostrophe. Numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
