"""The reference docs stay true to the tree: every file a "How to add ..." checklist of
``docs/architecture.md`` names exists, and ``docs/performance.md`` stays a short reference."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARCHITECTURE = REPO / "docs" / "architecture.md"
CHECKLISTS = ("An export format", "A map layer", "A language", "A data field")
PATH = re.compile(r"`([A-Za-z0-9_.*/-]+(?:/|\.(?:py|toml|csv|md|css|js|html|json)))(?:::[A-Za-z0-9_]+)?`")


def checklists() -> dict[str, str]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("## How to add", 1)[1].split("\n## ", 1)[0]
    parts = re.split(r"^### (.+)$", section, flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def named_paths(body: str) -> list[str]:
    return [m.group(1) for m in PATH.finditer(body)]


def test_the_four_checklists_are_there_and_each_names_its_files():
    found = checklists()
    assert list(found) == list(CHECKLISTS)
    for title, body in found.items():
        assert len(named_paths(body)) >= 5, f"{title}: a checklist names the files to touch"


def test_every_file_a_checklist_names_exists():
    missing = []
    for title, body in checklists().items():
        for path in named_paths(body):
            matches = list(REPO.glob(path.rstrip("/"))) if "*" in path else [REPO / path]
            if not any(m.exists() for m in matches):
                missing.append(f"{title}: {path}")
    assert missing == [], "docs/architecture.md names files that no longer exist: " + "; ".join(missing)


def test_the_path_reader_sees_what_a_checklist_names():
    assert named_paths("1. `atlas/exports.py`: its maker; `data/*.csv`, `atlas/locales/` and `REGISTRY`") == [
        "atlas/exports.py", "data/*.csv", "atlas/locales/"]
    assert named_paths("`tests/test_page_map.py::test_x`") == ["tests/test_page_map.py"]


def test_the_performance_doc_is_a_short_reference_with_its_history_beside_it():
    doc = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    assert len(doc.splitlines()) <= 250
    assert "bench/time_to_map.py" in doc and "--variant" in doc
    assert (REPO / "docs" / "history" / "performance.md").is_file()
