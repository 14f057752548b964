"""Browser tests: a real Streamlit server and Debian's chromium, with every non-local request blocked."""
