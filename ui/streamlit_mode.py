"""The one place that reaches into Streamlit's internals (Streamlit 1.67.0): its legacy pages-folder
mode, and its once-per-process check of the first element drawn.

Why it exists: with a ``pages/`` folder beside the entry point (our design keeps ``pages/`` at the top
level), Streamlit starts every server, and every ``AppTest`` run, in its legacy "multipage v1" mode
until ``st.navigation`` first runs: a deep link (``/regions``) then runs the page file alone, and the
widgets of that first run live under another page id, so the user's first filter change is dropped.
Streamlit decides this with ``PagesManager.uses_pages_directory`` and offers no public setting for it
(checked against the docs, the changelog and the latest release, 1.67.0). So:

- :func:`leave_legacy_pages_mode`: the app leaves that mode before it draws any widget (one rerun);
- :func:`apptest_in_navigation_mode`: ``AppTest`` starts where a running server is after its first
  run (``AppTest`` resets the flag before every run), for the one kind of test that needs it (a
  simulated button click, which the rerun out of the mode would swallow: the ``conftest.py`` fixture
  ``apptest_navigation_mode``) and for ``bench/interaction.py`` (which times reruns, not that one);
- :func:`run_first_element_check`: ``serve.py`` runs at start-up the check Streamlit makes on the
  first element a process draws (a walk of the interpreter's stack), so the first visitor after a
  start does not wait for it (measured with and without it: docs/performance.md);
- :func:`check_internals`: ``tests/test_streamlit_mode.py`` fails, naming this module, when an upgrade
  changes what it relies on; then read the new Streamlit's ``runtime/pages_manager.py`` and
  ``scriptrunner/script_runner.py`` and update or delete this module.

``tests/test_first_run.py`` (AppTest) and ``tests/e2e/test_fresh_server.py`` (a browser) check the
real first run: a deep link, and the first filter change of the first session.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator

import streamlit as st

WRITTEN_FOR = "1.67.0"
"""The Streamlit release this module was checked against (requirements.txt pins it)."""


def _pages_manager() -> type:
    from streamlit.runtime.pages_manager import PagesManager

    return PagesManager


def check_internals() -> list[str]:
    """What this module relies on and no longer finds in the installed Streamlit (empty: all there)."""
    problems = []
    if st.__version__ != WRITTEN_FOR:
        problems.append(f"written for Streamlit {WRITTEN_FOR}, found {st.__version__}")
    manager = _pages_manager()
    if not hasattr(manager, "uses_pages_directory"):
        problems.append("PagesManager.uses_pages_directory is gone")
    from streamlit.runtime.scriptrunner import script_runner

    if "uses_pages_directory" not in inspect.getsource(script_runner):
        problems.append("the script runner no longer reads PagesManager.uses_pages_directory")
    from streamlit import delta_generator

    if not callable(getattr(delta_generator, "_maybe_print_use_warning", None)):
        problems.append("delta_generator._maybe_print_use_warning is gone (see run_first_element_check)")
    from streamlit.testing.v1 import app_test

    if "uses_pages_directory" not in inspect.getsource(app_test):
        problems.append("AppTest no longer resets PagesManager.uses_pages_directory")
    return problems


def run_first_element_check() -> None:
    """Run now the check Streamlit makes once per process, on the first element any session draws.

    ``delta_generator._maybe_print_use_warning`` asks ``env_util.is_repl()``, which calls
    ``inspect.stack()``: that resolves the source file of every loaded module, paid by the first
    visitor after every start. Run at start-up (after the pre-load's imports) it prints nothing (the
    server's runtime exists and this is not a REPL) and is not run again."""
    from streamlit import delta_generator

    check = getattr(delta_generator, "_maybe_print_use_warning", None)
    if callable(check):
        check()


def leave_legacy_pages_mode() -> None:
    """Rerun at once if Streamlit is in its legacy pages-folder mode (see the module's docstring)."""
    manager = _pages_manager()
    if manager.uses_pages_directory:
        manager.uses_pages_directory = False
        st.rerun()


@contextlib.contextmanager
def apptest_in_navigation_mode() -> Iterator[None]:
    """While open, every ``AppTest`` run starts out of the legacy mode, as a running server is after
    its first run (the app's own rerun out of it would swallow a simulated click)."""
    manager = _pages_manager()
    original = manager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        manager.uses_pages_directory = False

    manager.__init__ = init
    try:
        yield
    finally:
        manager.__init__ = original
