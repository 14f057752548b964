"""The code's shape: ``atlas/`` never imports Streamlit, its modules import one another without a
cycle, ``pages/`` holds the pages and nothing else, nothing imports a page, only ``bench/`` imports
``bench/``, and no module of
``atlas/``, ``ui/``, ``pages/``, ``bench/`` or ``tests/`` grows past 600 lines (a module that size no
longer reads in one go).

Imports are read with :mod:`ast` from the source, so an import hidden inside a function counts too
(``if TYPE_CHECKING:`` imports do not run, so they do not count).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ATLAS = REPO / "atlas"
MAX_LINES = 600
CODE_DIRS = ("atlas", "ui", "pages", "bench", "tests")


def module_name(path: Path) -> str:
    parts = path.relative_to(ATLAS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The atlas modules ``path`` imports when it runs (at any depth, ``TYPE_CHECKING`` blocks left out)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # ``from atlas import exports``
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in known and m != module_name(path)}


def atlas_files() -> list[Path]:
    return sorted(ATLAS.rglob("*.py"))


def import_graph() -> dict[str, set[str]]:
    files = atlas_files()
    known = {module_name(p) for p in files}
    # ``import atlas.x`` also runs the package's __init__; that edge is not a cycle of ours to break.
    return {module_name(p): imported_modules(p, known) - {"atlas"} for p in files}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := walk(start)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_atlas_modules_import_one_another_without_a_cycle():
    graph = import_graph()
    assert graph["atlas.exports"] >= {"atlas.brief", "atlas.brief_pdf", "atlas.tables"}  # the graph is read
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle among atlas modules: " + " -> ".join(cycle or [])


@pytest.mark.parametrize(("a", "b"), [("atlas.brief", "atlas.exports"), ("atlas.cli", "atlas.exports_cli"),
                                      ("atlas.cli", "atlas.publish")])
def test_the_cycles_of_issue_12_stay_broken(a, b):
    graph = import_graph()
    assert not (b in graph[a] and a in graph[b]), f"{a} and {b} import each other"


def test_atlas_never_imports_streamlit():
    for path in atlas_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )
            bad = [n for n in names if n == "streamlit" or n.startswith(("streamlit.", "streamlit_"))]
            assert not bad, f"{path.relative_to(ATLAS.parent)}:{node.lineno} imports {bad[0]}"


def code_files() -> list[Path]:
    """Every Python file of the project's packages, and the entry points beside them."""
    return sorted([*(p for d in CODE_DIRS for p in (REPO / d).rglob("*.py")), REPO / "app.py", REPO / "serve.py"])


def test_no_module_passes_600_lines():
    too_long = {
        str(p.relative_to(REPO)): n
        for p in code_files()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not too_long, f"split these modules (more than {MAX_LINES} lines): {too_long}"


def test_pages_holds_the_pages_and_only_them():
    from ui.navigation import PAGES

    files = sorted(str(p.relative_to(REPO)) for p in (REPO / "pages").iterdir() if p.name != "__pycache__")
    assert files == sorted(p.path for p in PAGES), "pages/ holds exactly the pages of ui/navigation.py"


def test_nothing_imports_a_page_and_only_bench_imports_bench():
    """Pages are run by Streamlit, never imported; nothing but ``bench/`` imports ``bench/``: what the
    tests and the benchmarks share is in ``tests/support``."""
    for path in code_files():
        where = path.relative_to(REPO).parts[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            )
            for name in names:
                assert name != "pages" and not name.startswith("pages."), f"{path.relative_to(REPO)}:{node.lineno}"
                if where != "bench":
                    assert name != "bench" and not name.startswith("bench."), \
                        f"{path.relative_to(REPO)}:{node.lineno} imports {name}"


def test_streamlit_is_styled_through_documented_hooks_only():
    """The app styles Streamlit through the ``st-key-KEY`` classes of keyed elements and the theme
    (``.streamlit/config.toml``), never through ``data-testid`` attributes, which are Streamlit's own."""
    styled = [*(REPO / "ui").rglob("*"), *(REPO / "pages").rglob("*.py"), REPO / "app.py", REPO / "serve.py"]
    found = [str(p.relative_to(REPO)) for p in styled if p.is_file() and p.suffix in (".py", ".css")
             and "data-testid" in p.read_text(encoding="utf-8")]
    assert found == [], f"data-testid selectors in {found}: use a keyed container's st-key-KEY class instead"
