"""Shared fixtures of the browser tests: a real ``streamlit run`` server and an offline chromium.

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
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
SERVER_START_TIMEOUT = 90.0
ARTIFACTS = REPO / "artifacts"


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests may not be skipped)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextlib.contextmanager
def run_streamlit(env: Mapping[str, str] | None = None, app: str = "serve.py") -> Iterator[str]:
    """Run ``streamlit run app`` from the repository root until the block ends; yields the base URL."""
    port = free_port()
    full_env = {**os.environ, **{k: str(v) for k, v in (env or {}).items()}}
    cmd = [
        sys.executable, "-m", "streamlit", "run", app,
        "--server.headless", "true",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]
    log = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{_tail(log)}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer within {SERVER_START_TIMEOUT:.0f} s:\n{_tail(log)}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.unlink(missing_ok=True)


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


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in LOCAL_HOSTS


class OfflineBrowser:
    """A Playwright browser whose pages can only reach 127.0.0.1/localhost."""

    def __init__(self, browser):
        self.raw = browser
        self.blocked: list[str] = []

    def new_context(self, **kwargs):
        context = self.raw.new_context(**kwargs)
        blocked: list[str] = []

        def route(route):
            url = route.request.url
            if _is_local(url):
                route.continue_()
            else:
                blocked.append(url)
                self.blocked.append(url)
                route.abort()

        context.route("**/*", route)
        context.blocked_requests = blocked
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
    if not CHROMIUM.exists():
        _skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the playwright Python package is not installed (pip install -r requirements-dev.txt)")
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
