"""Issue 32, point 4: every Atom feed built from a hostile corpus parses as XML. Text XML 1.0 cannot
hold (U+FFFE, U+FFFF, control characters) is refused by ``validate`` on its row; any other text
reaches the feed and reads back as it was written."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from atlas import validate
from atlas.feed import FEED_LANG, atom_feed
from atlas.i18n import LANGS
from tests.conftest import read_rows, write_rows

ATOM = "{http://www.w3.org/2005/Atom}"
LINE = re.compile(r'^[\w.]+:(\d+|-): ([\w.-]+|".*"): .+$', re.S)
CORPUS = [
    "\ufffe", "\uffff", "end\uffff", "\x00", "\x0b", "\x1b[31m", "\x85", "\x7f",  # not text: refused
    "]]>", "<![CDATA[x]]>", "&amp; &#0; &#xFFFF; &bogus;", "<script>alert(1)</script>", "{{ 7*7 }}",
    "\u2028\u2029", "\U0001F600 \ufdd0 \U0010FFFD", "'\"<>&", "مرحبا \u200f(2025)\u200e", "x" * 5000,
]


@pytest.mark.parametrize("text", CORPUS, ids=lambda s: repr(s)[:24])
def test_every_feed_of_the_hostile_corpus_parses(data_copy: Path, text: str):
    header, rows = read_rows(data_copy / "changes.csv")
    for lang in LANGS:
        rows[0][f"what_{lang}"] = f"{rows[0][f'what_{lang}']} {text}"
    write_rows(data_copy / "changes.csv", header, rows)
    header, sources = read_rows(data_copy / "sources.csv")
    links = read_rows(data_copy / "change_sources.csv")[1]
    cited = next(r["source_id"] for r in links if r["change_id"] == rows[0]["id"])
    for s in sources:
        if s["source_id"] == cited:
            s["publisher"] = f"{s['publisher']} {text}"
    write_rows(data_copy / "sources.csv", header, sources)

    ds, problems = validate(data_copy)
    if problems:
        assert ds is None and all(LINE.match(str(p)) for p in problems), problems
        assert any(str(p).startswith(("changes.csv:2: what_", "changes.csv:-: -: file is not a CSV text file"))
                   for p in problems), problems
        return
    for lang, prefix in [*((lg, "") for lg in LANGS), (FEED_LANG, f"{FEED_LANG}/")]:
        root = ET.fromstring(atom_feed(ds, lang, prefix))
        entry = next(e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}id").endswith(rows[0]["id"]))
        assert entry.findtext(f"{ATOM}title") == rows[0][f"what_{lang}"]
        assert text in entry.findtext(f"{ATOM}summary")


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"])
def test_characters_xml_forbids_are_refused_on_their_row(data_copy: Path, char: str):
    header, rows = read_rows(data_copy / "changes.csv")
    rows[2]["what_en"] = f"Launch{char}"
    write_rows(data_copy / "changes.csv", header, rows)
    _, problems = validate(data_copy)
    assert [str(p) for p in problems] == [
        f"changes.csv:4: what_en: contains U+{ord(char):04X} at position 7, a character that is not text "
        "(XML, and so the Atom feed, cannot hold it)"
    ]
