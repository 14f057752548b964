"""Markdown helpers of the Streamlit pages: tooltips, links and source lines, every data text escaped.

Used by the side panel and the pages; data text goes through :func:`atlas.text.md_escape`.
"""

from __future__ import annotations

from urllib.parse import quote

from atlas.i18n import t
from atlas.present import SourceRef
from atlas.text import md_escape


def md_help(text: str) -> str:
    """Tooltip text: each paragraph escaped, paragraphs kept."""
    return "\n\n".join(md_escape(p) for p in text.split("\n\n") if p.strip())


def md_url(url: str) -> str:
    """A URL that cannot break out of a Markdown link target."""
    return quote(url, safe=":/?#&=%+~@!$,;*'")


def md_link(text: str, url: str) -> str:
    if not url:
        return md_escape(text)
    return f"[{md_escape(text)}]({md_url(url)})"


def source_item(src: SourceRef, lang: str) -> str:
    return t("panel.source_item", lang, source=md_link(src.publisher, src.url), date=md_escape(src.date_text),
             kind=md_escape(t(f"panel.kind.{src.kind}", lang)))


def sources_inline(sources: tuple[SourceRef, ...], lang: str) -> str:
    """A compact source line for a narrow column: linked publishers; the commentary by its kind."""
    if not sources:
        return md_escape(t("panel.no_source", lang))
    parts = [
        md_escape(t("panel.kind.commentary", lang)) if s.kind == "commentary" else md_link(s.publisher, s.url)
        for s in sources
    ]
    return t("panel.sources_inline", lang, sources=t("panel.list_sep", lang).join(dict.fromkeys(parts)))


def sources_md(sources: tuple[SourceRef, ...], lang: str) -> str:
    if not sources:
        return md_escape(t("panel.no_source", lang))
    return "\n".join(f"- {source_item(s, lang)}" for s in sources)


def rtl_frame(frame, lang: str):  # type: ignore[no-untyped-def]
    """In Arabic, a table's columns in reverse order, so it reads from the right like the page (the
    data grid itself always lays columns out left to right)."""
    return frame[list(frame.columns)[::-1]] if lang == "ar" else frame


def flag_rule_md(label: str, rule: str, reading: str, lang: str) -> str:
    """A flag's rule in words, then the atlas's reasoning behind it, labelled as ours (data text escaped)."""
    text = f"**{md_escape(label)}**: {md_escape(rule)}"
    if reading:
        text += f"\n\n*{t('cv.flag_reading', lang)}*: {md_escape(reading)}"
    return text
