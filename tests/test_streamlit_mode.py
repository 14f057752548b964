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


def test_the_first_element_check_is_made_once_at_start_up(monkeypatch):
    """After ``run_first_element_check`` (serve.py's start-up), drawing an element walks no stack."""
    from streamlit import delta_generator, env_util

    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    calls = []
    monkeypatch.setattr(env_util, "is_repl", lambda: calls.append(1) or False)
    streamlit_mode.run_first_element_check()
    assert calls == [1]
    delta_generator._maybe_print_use_warning()  # what the first element of the first session calls
    assert calls == [1]
