"""Tripwire: ``ui/streamlit_mode.py``, the one module that reaches into Streamlit's internals, was
checked against the installed Streamlit; an upgrade fails here first, with what to do."""

from ui import streamlit_mode


def test_streamlit_internals_of_the_pages_mode_workaround_are_unchanged():
    problems = streamlit_mode.check_internals()
    assert not problems, (
        "ui/streamlit_mode.py was written for Streamlit's legacy pages-folder internals, which changed: "
        + "; ".join(problems)
        + ". Read its docstring: check that a deep link and the first filter change still work without it "
        "(tests/test_first_run.py, tests/e2e/test_fresh_server.py), then delete it or update it and WRITTEN_FOR."
    )
