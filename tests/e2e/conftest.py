"""Shared fixtures of the browser tests: a real ``streamlit run`` server and an offline chromium
(both from ``tests/support``, which the benchmarks use too).

- ``streamlit_server``: starts ``streamlit run serve.py --server.headless true --server.port <free port>
  --browser.gatherUsageStats false`` from the repository root, waits until it answers, yields its base
  URL (``http://127.0.0.1:<port>``) and stops it. Module scope. The environment is the test process's,
  updated with ``request.param`` (indirect parametrisation) or the test module's ``STREAMLIT_ENV``
  dict; e.g. ``STREAMLIT_ENV = {"ATLAS_TILES": "none"}``.
- ``start_streamlit``: the same as a factory, for a server per test with its own environment:
  ``url = start_streamlit({"ATLAS_DATA_DIR": str(tmp)})``; every server it started is stopped after
  the test.
- ``browser``: Debian's chromium (``/usr/bin/chromium``) through Playwright, headless. Its
  ``new_page()``/``new_context()`` abort every request that is not to 127.0.0.1 or localhost (or a
  ``file:``/``data:`` URL) and
  record it in ``browser.blocked`` (and in ``page.blocked_requests``), so a test can assert that
  nothing tried to reach the internet. ``page``: one such page per test (1280 × 900).

The tests skip, saying why, only when ``/usr/bin/chromium`` (or Playwright) is missing and the
environment variable ``CI`` is not ``"true"``; on CI they fail instead.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, missing_browser, offline_context
from tests.support.servers import REPO, run_streamlit

ARTIFACTS = REPO / "artifacts"


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests may not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def streamlit_server(request: pytest.FixtureRequest) -> Iterator[str]:
    """Base URL of a Streamlit server running this repository's app (see the module docstring)."""
    env = getattr(request, "param", None) or getattr(request.module, "STREAMLIT_ENV", None) or {}
    with run_streamlit(env) as url:
        yield url


@pytest.fixture
def start_streamlit() -> Iterator:
    """Factory: ``start_streamlit(env, app="serve.py") -> base URL``; every server started is stopped
    after the test."""
    stack = contextlib.ExitStack()

    def start(env: Mapping[str, str] | None = None, app: str = "serve.py") -> str:
        return stack.enter_context(run_streamlit(env, app=app))

    with stack:
        yield start


class OfflineBrowser:
    """A Playwright browser whose pages can only reach 127.0.0.1/localhost (``offline_context``)."""

    def __init__(self, browser):
        self.raw = browser
        self._traffic: list = []

    @property
    def blocked(self) -> list[str]:
        """Every non-local request any of its contexts made (and had aborted)."""
        return [url for traffic in self._traffic for url in traffic.aborted]

    def new_context(self, **kwargs):
        context, traffic = offline_context(self.raw, **kwargs)
        self._traffic.append(traffic)
        context.blocked_requests = traffic.aborted
        return context

    def new_page(self, **kwargs):
        context = self.new_context(**kwargs)
        page = context.new_page()
        page.blocked_requests = context.blocked_requests
        return page

    def close(self) -> None:
        self.raw.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[OfflineBrowser]:
    """Headless Debian chromium; pages from it have every non-local request aborted."""
    reason = missing_browser()
    if reason:
        _skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        raw = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        wrapped = OfflineBrowser(raw)
        try:
            yield wrapped
        finally:
            wrapped.close()


@pytest.fixture
def page(browser: OfflineBrowser) -> Iterator:
    """A fresh offline page (1280 × 900)."""
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        yield pg
    finally:
        pg.context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """``<repo>/artifacts`` (git-ignored), for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
