"""Servers for the browser tests and the benchmarks: ``streamlit run`` of this checkout (or of another
one, a benchmark's variant) on a free port, and the cluster of ``scripts/cluster.sh``."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 90.0
CLUSTER_START_TIMEOUT = 180.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_block(size: int) -> int:
    """A port P such that P .. P+size-1 are free on 127.0.0.1 right now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + size > 65535:
            continue
        socks = []
        try:
            for port in range(base, base + size):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no block of free ports found")


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def checkout_python(checkout: Path) -> str:
    """The Python of a checkout: its ``.venv`` (a link to a shared one will do), else this one."""
    venv = checkout / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


@contextlib.contextmanager
def run_streamlit(env: Mapping[str, str] | None = None, app: str = "serve.py",
                  checkout: Path = REPO) -> Iterator[str]:
    """Run ``streamlit run app`` from ``checkout`` (this repository unless told) until the block ends;
    yields the base URL (``http://127.0.0.1:<free port>``). The environment is this process's,
    updated with ``env``."""
    port = free_port()
    full_env = {**os.environ, **{k: str(v) for k, v in (env or {}).items()}}
    python = checkout_python(checkout) if Path(checkout).resolve() != REPO else sys.executable
    cmd = [
        python, "-m", "streamlit", "run", app,
        "--server.headless", "true",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]
    log = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=checkout, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{tail(log)}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer within {SERVER_START_TIMEOUT:.0f} s:\n{tail(log)}")
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


@dataclass(frozen=True)
class Variant:
    """Another checkout of the project (e.g. a ``git worktree`` at another commit) measured beside
    this one: ``streamlit run serve.py`` from its folder, with its own ``.venv``."""

    name: str
    checkout: Path


RESERVED = frozenset({"ours", "peer", "bare", "static", "floor"})
"""Names the benchmark's own rows already use."""


def parse_variant(text: str) -> Variant:
    """``NAME=PATH`` (a command-line option) as a :class:`Variant`; a clear message if it is not one."""
    name, sep, path = text.partition("=")
    name = name.strip()
    if not sep or not name or not path.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {text!r}")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,23}", name):
        raise argparse.ArgumentTypeError(f"{name!r}: a name is 1-24 letters, digits, '.', '_' or '-'")
    if name in RESERVED:
        taken = ", ".join(sorted(RESERVED))
        raise argparse.ArgumentTypeError(f"{name!r} is taken by the benchmark's own rows ({taken})")
    checkout = Path(path.strip()).expanduser().resolve()
    if not (checkout / "serve.py").is_file():
        raise argparse.ArgumentTypeError(f"{checkout}: no serve.py there (a checkout of the project is expected)")
    return Variant(name, checkout)


@dataclass
class Cluster:
    """``scripts/cluster.sh`` running: the balancer's URL, each replica's pid, the balancer's pid."""

    url: str
    proc: subprocess.Popen
    log: Path
    pids: dict[str, int] = field(default_factory=dict)  # "127.0.0.1:<port>" -> replica pid
    haproxy_pid: int = 0

    def stop(self) -> int:
        """SIGTERM to cluster.sh (it stops what it started); returns its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode

    def started(self) -> list[int]:
        return [*self.pids.values(), self.haproxy_pid]


@contextlib.contextmanager
def run_cluster(replicas: int, env: Mapping[str, str | None] | None = None,
                log_dir: Path | None = None) -> Iterator[Cluster]:
    """``bash scripts/cluster.sh --replicas N`` on free ports until the block ends (then stopped), in
    this process's environment updated with ``env`` (``None``: unset). Raises ``RuntimeError`` with
    the script's output if it does not get ready."""
    port = free_block(replicas + 1)
    log = Path(tempfile.mkstemp(prefix="atlas-cluster-", suffix=".log", dir=log_dir)[1])
    full_env = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
    with log.open("wb") as out:
        proc = subprocess.Popen(["bash", "scripts/cluster.sh", "--replicas", str(replicas), "--port", str(port)],
                                cwd=REPO, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    c = Cluster(f"http://127.0.0.1:{port}", proc, log)
    try:
        deadline = time.monotonic() + CLUSTER_START_TIMEOUT
        while "cluster ready:" not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"cluster.sh did not get ready (exit {proc.poll()}):\n"
                                   f"{log.read_text(errors='replace')}")
            time.sleep(0.3)
        text = log.read_text(errors="replace")
        c.pids = {f"127.0.0.1:{p}": int(pid) for p, pid in re.findall(r"replica 127\.0\.0\.1:(\d+) \(pid (\d+)", text)}
        c.haproxy_pid = int(re.search(r"haproxy on \S+ \(pid (\d+)", text).group(1))
        yield c
    finally:
        c.stop()
        if log_dir is None:
            log.unlink(missing_ok=True)
