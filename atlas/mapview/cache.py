"""The map package's one cache policy.

Whatever depends only on the data version and the language (label placement, popups, tooltips,
table rows, point rows, payloads) is built once by :func:`memo` and reused, so a page run only
assembles the view's layers. Keys start with what the value depends on (the data version first),
so a new dataset never reads an old entry; a bounded LRU keeps memory flat on a long-running server.
The functions that fill it are pure: the Streamlit pages add their own caches (``st.cache_*``) on top.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

MAX_ENTRIES = 4096
_MEMO: OrderedDict[tuple, Any] = OrderedDict()
_LOCK = threading.Lock()


def memo(key: tuple, build: Callable[[], T]) -> T:
    """``build()`` once per ``key``; later calls return the same object (callers must not mutate it)."""
    with _LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    value = build()
    with _LOCK:
        _MEMO[key] = value
        while len(_MEMO) > MAX_ENTRIES:
            _MEMO.popitem(last=False)
    return value


def clear() -> None:
    """Forget everything (tests and benchmarks that measure a cold build)."""
    with _LOCK:
        _MEMO.clear()
