"""A bare Streamlit page (one title): the floor of any Streamlit page's time to first render.

Run: ``.venv/bin/streamlit run bench/bare_app.py``. With ``BENCH_NO_NAGLE=1`` in the environment it
first applies the same socket fix as the home page (``pages/map.py``: ``TCP_NODELAY`` on the
server's listening sockets), to show what that fix alone does to any Streamlit page.
"""

import os
import socket

import streamlit as st


@st.cache_resource
def no_nagle() -> int:
    """A copy of ``pages/map.py``'s ``_no_nagle`` (see there)."""
    found = 0
    for fd in [int(fd) for fd in os.listdir("/proc/self/fd")]:
        try:
            sock = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            if (sock.type == socket.SOCK_STREAM and sock.family in (socket.AF_INET, socket.AF_INET6)
                    and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                found += 1
        except OSError:
            pass
        finally:
            sock.detach()
    return found


if os.environ.get("BENCH_NO_NAGLE") == "1":
    no_nagle()
st.title("Jazari Atlas")
