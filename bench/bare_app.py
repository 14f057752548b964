"""A bare Streamlit page (one title): the floor of any Streamlit page's time to first render.

Run: ``.venv/bin/streamlit run bench/bare_app.py``. With ``BENCH_NO_NAGLE=1`` in the environment it
first applies the same socket fix as the app (``server/serverfix.py``: ``TCP_NODELAY`` on the
server's listening sockets), to show what that fix alone does to any Streamlit page.
"""

import os
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from server.serverfix import disable_nagle_on_listening_sockets  # noqa: E402


@st.cache_resource
def no_nagle() -> int:
    return disable_nagle_on_listening_sockets()


if os.environ.get("BENCH_NO_NAGLE") == "1":
    no_nagle()
st.title("Jazari Atlas")
