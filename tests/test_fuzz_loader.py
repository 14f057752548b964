"""Random corruptions of valid data files, and the shapes of issue 32: the loader either loads or lists
FILE:ROW: FIELD problems."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas import validate
from atlas.feed import api_documents, atom_feed
from atlas.i18n import LANGS
from tests.conftest import DATA
from tests.dataset_shapes import apply_shape, shapes

FILES = sorted(p.name for p in DATA.glob("*.csv")) + ["regions.geojson"]
LINE = re.compile(r'^[\w.]+:(\d+|-): ([\w.-]+|".*"): .+$', re.S)


@st.composite
def corruption(draw):
    name = draw(st.sampled_from(FILES))
    data = (DATA / name).read_bytes()
    kind = draw(st.sampled_from(["cut", "insert", "replace_cell", "swap_lines", "truncate"]))
    if kind == "cut":
        a = draw(st.integers(0, len(data)))
        b = draw(st.integers(a, min(len(data), a + 200)))
        data = data[:a] + data[b:]
    elif kind == "insert":
        at = draw(st.integers(0, len(data)))
        junk = draw(st.binary(min_size=1, max_size=20) | st.sampled_from([b'"', b",", b"\n", b"\x00", b"\xff\xfe"]))
        data = data[:at] + junk + data[at:]
    elif kind == "replace_cell":
        lines = data.split(b"\n")
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        cells = lines[i].split(b",")
        j = draw(st.integers(0, max(0, len(cells) - 1)))
        cells[j] = draw(st.text(max_size=30)).encode("utf-8")
        lines[i] = b",".join(cells)
        data = b"\n".join(lines)
    elif kind == "swap_lines":
        lines = data.split(b"\n")
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
        data = b"\n".join(lines)
    else:
        data = data[: draw(st.integers(0, len(data)))]
    return name, data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corruption())
def test_corrupted_file_loads_or_lists_problems(case):
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "data"
        shutil.copytree(DATA, target)
        (target / name).write_bytes(data)
        ds, problems = validate(target)  # must not raise
    assert (ds is None) == bool(problems)
    for p in problems:
        assert LINE.match(str(p)), str(p)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes())
def test_issue_32_shapes_load_or_list_problems(edits):
    """Header-only tables, numbers no format prints, repeated orders, text in key, language, icon and
    date columns: refused on their row, or loaded into a dataset whose feeds and API are well formed
    (tests/test_every_valid_dataset_renders.py renders the pages and exports of such datasets)."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "data"
        shutil.copytree(DATA, target)
        apply_shape(target, edits)
        ds, problems = validate(target)
    assert (ds is None) == bool(problems)
    for p in problems:
        assert LINE.match(str(p)), str(p)
    if ds is not None:
        for lang in LANGS:
            ET.fromstring(atom_feed(ds, lang, ""))
        for doc in api_documents(ds).values():
            json.loads(doc)
