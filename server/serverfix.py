"""A fix for the Streamlit server's sockets, applied once per server process by ``app.py``.

The Streamlit behaviour it works around (1.67): the server's listening socket is created without
``TCP_NODELAY``, so every small response on a keep-alive connection waits for the browser's delayed
ACK (Nagle's algorithm), about 40 ms each. It lives beside the UI entry point, not in ``atlas/``: it
changes the running server, not the data.

To check whether a newer Streamlit still needs it: run ``bench/time_to_map.py`` with and without it
(comment out the call in ``app.py``), or look at ``streamlit/web/server/starlette`` for a
``TCP_NODELAY`` on the listening socket; ``docs/architecture.md`` says the same.
"""

from __future__ import annotations

import os
import socket

import streamlit as st


def disable_nagle_on_listening_sockets() -> int:
    """Turn Nagle's algorithm off on this process's listening TCP sockets; returns how many were found.

    Streamlit 1.67 serves through uvicorn on a socket it creates itself (``socket.socket(family)``,
    protocol 0), so asyncio does not set ``TCP_NODELAY`` on the connections it accepts: on a
    keep-alive connection every small response (the ~140 JavaScript chunks of a page, the map's
    assets, WebSocket messages) then waits about 40 ms for the browser's delayed ACK. Linux copies
    the option from a listening socket to the sockets it accepts, so setting it once fixes every
    later connection. Never closes a file descriptor; does nothing where /proc is missing.
    See docs/performance.md for the measurements.
    """
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except (OSError, ValueError):
        return 0
    found = 0
    for fd in fds:
        try:
            sock = socket.socket(fileno=fd)
        except OSError:
            continue  # not a socket (or already closed)
        try:
            if (
                sock.type == socket.SOCK_STREAM
                and sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            ):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                found += 1
        except OSError:
            pass
        finally:
            sock.detach()  # the descriptor belongs to the server
    return found


@st.cache_resource(show_spinner=False)
def apply_once() -> int:
    """Once per server process: :func:`disable_nagle_on_listening_sockets`."""
    return disable_nagle_on_listening_sockets()
