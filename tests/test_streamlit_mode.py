"""The Streamlit internals that ``ui/streamlit_mode.py`` relies on are still there."""

from ui import streamlit_mode


def test_streamlit_internals_of_the_pages_mode_workaround_are_unchanged():
    problems = streamlit_mode.check_internals()
    assert not problems, (
        "ui/streamlit_mode.py was written for Streamlit's legacy pages-folder internals, which changed: "
        + "; ".join(problems)
        + ". Read its docstring, then update or delete the workaround."
    )
