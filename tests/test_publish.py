"""``python -m atlas publish``: the static edition is complete, deterministic, linked and safe.

The edition is built once per session by the command line (as a user runs it) and once more
in-process, and the two are compared file by file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from atlas import exports, feed, load, publish
from atlas.i18n import LANGS, pick, t
from atlas.schema import split_list
from tests.conftest import REPO, read_rows, set_cell, write_rows

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="session")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edition of the shipped data, written by ``python -m atlas publish``."""
    out = tmp_path_factory.mktemp("edition") / "site"
    proc = subprocess.run([sys.executable, "-m", "atlas", "publish", str(out)], cwd=REPO, capture_output=True,
                          text=True, timeout=900, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    assert "published" in proc.stdout and " MB " in proc.stdout and " s" in proc.stdout  # measured size and time
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.root: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html" and not self.root:
            self.root = {k: v or "" for k, v in a.items()}
        if a.get("id"):
            self.ids.add(a["id"] or "")
        for name in ("href", "src"):
            if a.get(name) is not None:
                self.links.append(a[name] or "")


def parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def local_target(page: Path, link: str) -> Path | None:
    """The file a relative link points to, or None for an external (http/https), inline (data:) or
    in-page link."""
    parts = urlsplit(link)
    if parts.scheme in ("http", "https", "data"):
        return None
    assert not parts.scheme and not parts.netloc, f"{page}: {link[:100]!r} is not a relative link"
    assert not parts.path.startswith("/"), f"{page}: {link[:100]!r} is absolute: it must work under any path"
    if not parts.path:
        return None
    return (page.parent / unquote(parts.path)).resolve()


def test_every_link_and_download_resolves(edition: Path):
    pages = sorted(edition.rglob("*.html"))
    assert len(pages) == 1 + len(LANGS) * (4 + 12)
    linked: set[Path] = set()
    for page in pages:
        for link in parse(page).links:
            target = local_target(page, link)
            if target is not None:
                assert target.is_file(), f"{page.relative_to(edition)}: broken link {link!r}"
                linked.add(target)
    for feed_file in [edition / "changes.xml", *(edition / lang / "changes.xml" for lang in LANGS)]:
        for el in ET.parse(feed_file).getroot().iter(f"{ATOM}link"):
            target = local_target(feed_file, el.get("href", ""))
            if target is not None:
                assert target.is_file(), f"{feed_file.relative_to(edition)}: broken link {el.get('href')!r}"
    files = [f.resolve() for lang in LANGS for f in sorted((edition / lang / "downloads").iterdir())]
    # the country and 12 regions, every edition format, 3 languages
    assert len(files) == len(LANGS) * 13 * len(exports.EDITION_FORMATS)
    assert not set(files) - linked, "downloads that no page links"


def test_index_redirects_to_french(edition: Path):
    html = (edition / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=fr/index.html"' in html
    assert {"fr/index.html", "ar/index.html", "en/index.html"} <= set(parse(edition / "index.html").links)


def test_every_region_has_a_page_with_its_brief(edition: Path, ds):
    for lang in LANGS:
        for code in ds.regions.index:
            page = edition / lang / f"region-{code}.html"
            text = page.read_text(encoding="utf-8")
            root = parse(page).root
            assert root["lang"] == lang and root["dir"] == ("rtl" if lang == "ar" else "ltr")
            assert pick(ds.regions.loc[code], "name", lang).replace("'", "&#39;") in text
            for _, caveat in ds.caveats.iterrows():
                assert pick(caveat, "title", lang).replace("'", "&#39;").replace('"', "&#34;") in text
            for _, rule in ds.flag_rules.iterrows():
                assert pick(rule, "label", lang).replace("'", "&#39;") in text
            institutes = ds.institutes_in(code)
            if institutes.empty:
                assert t("common.no_institute", lang) in text
            for iid, row in institutes.iterrows():
                assert pick(row, "name", lang).replace("'", "&#39;").replace('"', "&#34;") in text
                for url in ds.sources_for(str(iid))["url"]:
                    if url:
                        assert url.replace("&", "&amp;") in text
            links = parse(page).links
            for fmt in exports.EDITION_FORMATS:
                assert publish.Download(lang, code, fmt).path(ds).removeprefix(f"{lang}/") in links


def test_country_page_links_every_region(edition: Path, ds):
    links = parse(edition / "fr" / "maroc.html").links
    assert all(f"region-{code}.html" in links for code in ds.regions.index)


def test_api_holds_the_data(edition: Path, ds):
    institutes = json.loads((edition / "api" / "institutes.json").read_text(encoding="utf-8"))
    regions = json.loads((edition / "api" / "regions.json").read_text(encoding="utf-8"))
    sources = json.loads((edition / "api" / "sources.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in institutes["institutes"]] == list(ds.institutes.index)
    assert institutes["metadata"]["dataset_version"] == ds.version
    first = institutes["institutes"][0]
    assert first["focus_areas"] == list(ds.institutes.iloc[0]["focus_list"])
    assert set(first["source_ids"]) == set(ds.sources_for(first["id"]).index)
    assert [r["code"] for r in regions["regions"]] == list(ds.regions.index)
    empty = [r for r in regions["regions"] if not r["institute_ids"]]
    assert len(empty) == 12 - len(ds.covered_regions)
    assert {s["source_id"] for s in sources["sources"]} == set(ds.sources.index)
    documented = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    for key in [*first, *regions["regions"][0], *sources["sources"][0]]:
        assert f"`{key}`" in documented, f"docs/api.md does not document {key!r}"


def test_atom_feed_lists_every_change_with_its_sources(edition: Path, ds):
    root = ET.parse(edition / "changes.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(ds.changes) >= len(ds.institutes)
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)  # newest first
    latest = ds.changes.loc[ids[0].rsplit(":", 1)[1]]
    assert entries[0].findtext(f"{ATOM}title") == latest["what_fr"]
    for sid in split_list(latest["source_ids"]):
        assert ds.sources.at[sid, "publisher"] in entries[0].findtext(f"{ATOM}summary")
    ar = ET.parse(edition / "ar" / "changes.xml").getroot()
    assert ar.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"


def test_build_twice_gives_identical_files(edition: Path, tmp_path: Path, ds):
    report = publish.publish(ds, tmp_path / "again", progress=False)
    assert report.size < 40_000_000
    first, second = publish.tree_hashes(edition), publish.tree_hashes(tmp_path / "again")
    assert first.keys() == second.keys()
    differ = [name for name in first if first[name] != second[name]]
    assert differ == []


def test_only_the_data_date_is_written(edition: Path, ds):
    day = feed.data_date(ds).isoformat()
    text = (edition / "fr" / "index.html").read_text(encoding="utf-8")
    assert f"{day}T00:00:00Z" in text  # the map caption's export time is the data's date
    import re

    assert set(re.findall(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ", text)) == {f"{day}T00:00:00Z"}


def test_map_filter_data_is_json_that_cannot_close_its_script(edition: Path, ds):
    html = (edition / "en" / "index.html").read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="atlas-filter-data">') + len(
        '<script type="application/json" id="atlas-filter-data">')
    raw = html[start:html.index("</script>", start)]
    assert "<" not in raw and ">" not in raw
    data = json.loads(raw)
    assert sorted(i for ids in data["byRegion"].values() for i in ids) == sorted(ds.institutes.index)
    assert set(data["bySpec"]) == set(ds.specialisations.index)
    assert '<script src="../assets/publish-filters.js"></script>' in html
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")


def test_hostile_text_stays_text(data_copy: Path, tmp_path: Path):
    """Data text reaches the pages escaped: no markup, no template expression, no script break-out."""
    evil = "{{ 7*7 }}</script><img src=x onerror=alert(1)>"
    set_cell(data_copy / "institutes.csv", "id", "jazari-guelmim", "name_fr", "Institut " + evil)
    set_cell(data_copy / "specialisations.csv", "key", "water", "label_fr", "Eau " + evil)
    ds = load(data_copy)
    edition = publish.Edition(ds)
    region = edition.region_page("fr", "10").decode("utf-8")
    assert "<img src=x" not in region and "Institut {{ 7*7 }}&lt;/script&gt;&lt;img" in region
    page = edition.map_page("fr").decode("utf-8")
    bar = page[page.index('<div class="pub-mapbar"'):page.index('id="atlas-filter-data"')]
    assert "<img" not in bar and "Eau {{ 7*7 }}&lt;/script&gt;" in bar
    changes = edition.changes_page("fr").decode("utf-8")
    assert "<img src=x" not in changes


def test_status_history_is_in_changes_csv(ds):
    """The first entries of data/changes.csv are each institute's current status, derived from
    institutes.csv and sources.csv, citing (in data/change_sources.csv) the sources that give the date."""
    _, rows = read_rows(REPO / "data" / "changes.csv")
    _, links = read_rows(REPO / "data" / "change_sources.csv")
    cited: dict[str, list[str]] = {}
    for link in links:
        cited.setdefault(link["change_id"], []).append(link["source_id"])
    recorded = [{**{k: v for k, v in r.items() if k != "id"}, "source_ids": ";".join(cited[r["id"]])} for r in rows]
    for derived in feed.status_changes(ds):
        assert derived in recorded
    assert feed.data_date(ds) >= max(ds.institutes["status_day"])


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("subject", "jazari-nowhere", "unknown subject 'jazari-nowhere'"),
        ("date", "2025-13-01", "is not a real date"),
        ("date", "2999-01-01", "is in the future"),
        ("what_en", "", "is empty but required"),
        ("id", "X1", "is not a change id"),
    ],
)
def test_validate_reports_bad_changes(data_copy: Path, column: str, value: str, message: str):
    from atlas import validate

    path = data_copy / "changes.csv"
    header, rows = read_rows(path)
    target = next(i for i, r in enumerate(rows) if r["subject"] == "jazari-guelmim")
    rows[target][column] = value
    write_rows(path, header, rows)
    _, problems = validate(data_copy)
    shown = [str(p) for p in problems]
    assert any(s.startswith(f"changes.csv:{target + 2}: {column}: ") and message in s for s in shown), shown


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("source_id", "S999", "unknown source 'S999' (not in sources.csv)"),
        ("source_id", "S020", "source 'S020' is about 'jazari-dakhla', not about 'jazari-guelmim'"),
        ("source_id", "S 12", "is not a source id"),
        ("change_id", "C999", "unknown change 'C999' (not in changes.csv)"),
        ("change_id", "X1", "is not a change id"),
    ],
)
def test_validate_reports_bad_change_sources(data_copy: Path, column: str, value: str, message: str):
    """A row of change_sources.csv that names no change, no source or another institute's source
    is reported on its row, and so is a pair listed twice."""
    from atlas import validate

    path = data_copy / "change_sources.csv"
    header, rows = read_rows(path)
    target = next(i for i, r in enumerate(rows) if r["change_id"] == "C002")  # Guelmim's signing
    rows.append(dict(rows[target]))  # the pair twice
    rows[target][column] = value
    write_rows(path, header, rows)
    _, problems = validate(data_copy)
    shown = [str(p) for p in problems]
    assert any(s.startswith(f"change_sources.csv:{target + 2}: {column}: ") and message in s for s in shown), shown
    rows[target] = dict(rows[-1])
    write_rows(path, header, rows)
    _, problems = validate(data_copy)
    assert [str(p) for p in problems] == [
        f"change_sources.csv:{len(rows) + 1}: source_id: change 'C002' already cites source "
        f"{rows[target]['source_id']!r} (row {target + 2})"]


def test_validate_reports_a_change_without_sources(data_copy: Path):
    from atlas import validate

    path = data_copy / "change_sources.csv"
    header, rows = read_rows(path)
    write_rows(path, header, [r for r in rows if r["change_id"] != "C003"])
    _, problems = validate(data_copy)
    assert [str(p) for p in problems] == [
        "changes.csv:4: id: change 'C003' has no row in change_sources.csv: every change needs the sources "
        "that report it"]
    path.unlink()
    _, problems = validate(data_copy)
    assert len(problems) == len(read_rows(data_copy / "changes.csv")[1])
    assert all(p.file == "changes.csv" and p.field == "id" for p in problems)


def test_publish_refuses_a_folder_that_is_not_an_edition(tmp_path: Path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "atlas", "publish", str(out)], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 1
    assert "not an empty folder or a previous edition" in proc.stderr and "Traceback" not in proc.stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no half-built folder left behind


def test_progress_bar_only_on_a_terminal():
    import io

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = publish.Progress(4, stream=stream)
        for name in ("a.html", "b.html", "c.pdf", "d.xlsx"):
            bar.step(name)
        bar.close()
    assert "[" + "#" * 30 + "] 4/4" in tty.getvalue() and "d.xlsx" in tty.getvalue()
    assert pipe.getvalue() == ""


def test_every_string_of_the_templates_is_in_the_catalogue():
    import re

    from atlas.i18n import catalogue
    from atlas.schema import STATUSES

    used = {key for path in publish.TEMPLATE_DIR.glob("*.html")
            for key in re.findall(r"""\bt\(\s*'([a-z0-9_.]+)'""", path.read_text(encoding="utf-8"))}
    assert len(used) > 20 and sorted(used - set(catalogue())) == []
    assert all(f"publish.change.{s}" in catalogue() for s in STATUSES)
    for path in publish.TEMPLATE_DIR.glob("*.html"):  # no visible text outside {{ }} / {% %} but punctuation
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]*>|&[a-z]+;", " ", path.read_text(encoding="utf-8"), flags=re.S)
        words = re.findall(r"[^\W\d_]{2,}", text)
        assert words == [], f"{path.name}: untranslated text {words[:5]}"
