"""Text from a URL, a flag or the data is never evaluated as a Jinja template (issue 10).

folium and branca render every ``Element`` as a Jinja template, and branca renders a macro's output a
second time. Each test puts ``{{ 1234*1001 }}`` where a user or a data file can put text and checks
that every surface shows that text literally and never its value, ``1235234``.
"""

from __future__ import annotations

import ast
import html
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from pypdf import PdfReader

from atlas import exports, load, mapview
from atlas.i18n import LANGS
from atlas.view import View, parse_query
from tests.conftest import DATA, read_rows, write_rows
from tests.support.folium_sent import sent_args

REPO = Path(__file__).resolve().parent.parent
PAYLOAD = "{{ 1234*1001 }}"
PAYLOADS = (PAYLOAD, "{% if 1 %}JINJARAN{% endif %}", "{# JINJAHID #}")
EVALUATED = "1235234"
FORMATS = tuple(f for f in exports.FORMATS if f != "csv-fr")


def _unescape_js(text: str) -> str:
    """The text a browser would see: HTML character references and JSON \\u escapes decoded."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return html.unescape(text)


def _text_of(fmt: str, data: bytes) -> str:
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml"))
    if fmt == "pdf":
        return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if fmt == "md":  # as a Markdown reader shows it: backslash escapes resolved
        return re.sub(r"\\(.)", r"\1", data.decode("utf-8"))
    return data.decode("utf-8-sig")


def _assert_literal(text: str, where: str, expect: str = PAYLOAD) -> None:
    seen = _unescape_js(text)
    assert EVALUATED not in seen, f"{where}: the template was evaluated"
    assert expect in seen or expect.replace(" ", "") in seen.replace(" ", ""), f"{where}: {expect!r} is not shown"


@pytest.fixture(scope="module")
def hostile_ds(tmp_path_factory):
    """Every ``*_fr``/``*_ar``/``*_en`` text of every data file starts with a Jinja expression."""
    out = tmp_path_factory.mktemp("jinja") / "data"
    import shutil

    shutil.copytree(DATA, out)
    for path in sorted(out.glob("*.csv")):
        header, rows = read_rows(path)
        cols = [c for c in header if re.search(r"_(fr|ar|en)$", c)]
        if not cols:
            continue
        for row in rows:
            for col in cols:
                if row[col]:
                    row[col] = f"{PAYLOAD} {row[col]}"
        write_rows(path, header, rows)
    return load(out)


def test_the_url_search_text_is_shown_literally_in_every_export(ds):
    view = parse_query({"q": PAYLOAD}, ds)
    assert view.query == PAYLOAD
    for fmt in FORMATS:
        code = "10" if fmt in ("md", "pdf") else None
        data = exports.export_bytes(fmt, ds, view, code=code)
        text = _text_of(fmt, data)
        assert EVALUATED not in _unescape_js(text), f"{fmt}: the search text was evaluated"
    caption = _unescape_js(exports.to_standalone_html(ds, view).decode("utf-8"))
    assert f"« {PAYLOAD} »" in caption or PAYLOAD in caption


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_html_export_never_runs_a_template_from_the_url(ds, payload):
    view = parse_query({"q": payload}, ds)
    page = _unescape_js(exports.to_standalone_html(ds, view).decode("utf-8"))
    assert payload in page
    rest = page.replace(payload, "").replace(quote_plus(payload), "")
    assert EVALUATED not in rest and "JINJARAN" not in rest and "JINJAHID" not in rest


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_language_column_of_the_data_is_shown_literally(hostile_ds, fmt):
    view = View(lang="fr")
    code = "10" if fmt in ("md", "pdf") else None
    text = _text_of(fmt, exports.export_bytes(fmt, hostile_ds, view, code=code))
    _assert_literal(text, fmt)


@pytest.mark.parametrize("lang", LANGS)
def test_the_in_app_map_shows_region_and_specialisation_labels_literally(hostile_ds, lang):
    view = View(lang=lang)
    base = mapview.base_map(hostile_ds, lang).get_root().render()
    _assert_literal(base, "base map (region labels)")
    whole = mapview.build_map(hostile_ds, view).get_root().render()
    _assert_literal(whole, "whole map")
    seen = _unescape_js(whole)
    region = hostile_ds.regions.loc["10", f"name_{lang}"]
    spec = hostile_ds.specialisations.loc["energy", f"label_{lang}"]
    assert region.startswith(PAYLOAD) and region in seen
    assert spec.startswith(PAYLOAD) and spec in seen


def test_the_map_as_st_folium_sends_it_shows_the_text_literally(hostile_ds):
    view = View(lang="fr", figure="population")
    sent = sent_args(mapview.base_map(hostile_ds, "fr"), mapview.map_layers(hostile_ds, view))
    _assert_literal(sent["feature_group"], "the map's layers")
    _assert_literal(sent["script"], "the base map (region labels)")


def test_the_cli_base_url_is_shown_literally(tmp_path):
    out = tmp_path / "map.html"
    result = subprocess.run(
        [sys.executable, "-m", "atlas", "export", "-f", "html", "--base-url", PAYLOAD, "-o", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    page = _unescape_js(out.read_text(encoding="utf-8"))
    assert EVALUATED not in page
    assert "1234*1001" in page


def test_a_tile_url_with_a_template_tag_is_refused():
    from atlas.config import tiles_setting

    tiles = tiles_setting("https://tiles.example/{{ 1234*1001 }}/{z}/{x}/{y}.png")
    assert tiles.url is None and tiles.problem


# --- The guard: no new way for text to become template source -----------------------------------

TEMPLATE_CALLS = {"Element", "Template", "Html", "Popup", "Tooltip", "MacroElement"}
ALLOWED_ARGUMENT_CALLS = {"static_text"}
NOT_TEMPLATES = {"alt", "ET", "ElementTree", "etree"}


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def template_sources(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, call)`` of every ``Element(...)``/``Template(...)``/... call whose first argument is
    not a plain string literal nor ``static_text(...)`` (a file of the package)."""
    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _call_name(node) not in TEMPLATE_CALLS:
            continue
        owner = node.func.value if isinstance(node.func, ast.Attribute) else None
        if isinstance(owner, ast.Name) and owner.id in NOT_TEMPLATES:
            continue  # Altair's Tooltip is a chart encoding, ElementTree's Element an XML node
        args = list(node.args) + [k.value for k in node.keywords if k.arg in ("template", "html", "text")]
        for arg in args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                continue
            if isinstance(arg, ast.Call) and _call_name(arg) in ALLOWED_ARGUMENT_CALLS:
                continue
            bad.append((node.lineno, ast.unparse(node)[:80]))
    return bad


def test_no_template_is_built_from_a_variable_or_an_f_string():
    offenders = []
    for path in sorted((REPO / "atlas").rglob("*.py")):
        for line, call in template_sources(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{path.relative_to(REPO)}:{line}: {call}")
    assert not offenders, (
        "text may only reach a folium figure through atlas.mapview.safe (RawHTML, SafeMacro, script_json):\n"
        + "\n".join(offenders)
    )


@pytest.mark.parametrize(
    "source",
    [
        'folium.Element(f"<title>{name}</title>")',
        "Element(caption)",
        "Template(text)",
        'Template("{{ x }}" + user)',
        "branca.element.Html(data)",
    ],
)
def test_the_guard_catches_unsafe_calls(source):
    assert template_sources(ast.parse(source))


def test_the_guard_lets_literals_and_package_files_through():
    assert not template_sources(ast.parse('Template("{% macro script(this, kwargs) %}{% endmacro %}")'))
    assert not template_sources(ast.parse('Template(static_text("legend.js"))'))


def test_every_element_of_ours_renders_its_output_once():
    from branca.element import MacroElement

    from atlas.mapview.safe import SafeMacro

    ours = [cls for cls in _subclasses(MacroElement) if cls.__module__.startswith("atlas.")]
    assert ours, "no map element found"
    assert all(issubclass(cls, SafeMacro) for cls in ours), [c.__name__ for c in ours if not issubclass(c, SafeMacro)]


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def test_json_written_into_scripts_is_inert_for_jinja():
    from atlas.mapview.safe import script_json

    text = script_json({"a": PAYLOAD, "b": ["{%x%}", "{#y#}", "{{{"]})
    assert "{{" not in text and "{%" not in text and "{#" not in text
    assert json.loads(text) == {"a": PAYLOAD, "b": ["{%x%}", "{#y#}", "{{{"]}


def test_json_passed_to_json_parse_as_a_string_reads_back_exactly_and_closes_nothing():
    from atlas.mapview.safe import script_json, script_json_string

    obj = {"a": PAYLOAD, "b": ["\\", "\\\\'", "'\"", "</script>", "\u2028\u2029", "line\nbreak", "{{x}}"]}
    literal = script_json_string(script_json(obj))
    inner = literal[1:-1]
    # No quote that ends the string early, no line break, nothing that closes the script or opens a tag.
    assert literal[0] == literal[-1] == "'" and "'" not in inner
    assert not set(inner) & set("<>&\n\r\u2028\u2029") and "{{" not in inner
    # Read as JavaScript reads a string whose only escapes are doubled backslashes, then JSON.parse.
    assert json.loads(re.sub(r"\\(.)", r"\1", inner)) == obj
    with pytest.raises(ValueError):
        script_json_string("{'a': 1}")
