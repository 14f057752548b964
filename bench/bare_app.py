"""A bare Streamlit page (one title): the floor of any Streamlit page's time to first render.

Run: ``.venv/bin/streamlit run bench/bare_app.py``.
"""

import streamlit as st

st.title("Jazari Atlas")
