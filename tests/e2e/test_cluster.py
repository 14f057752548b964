"""The live app as 3 replicas behind HAProxy (``scripts/cluster.sh``), in Debian's chromium.

One cluster on free ports, 9 browser sessions (separate contexts: separate cookies) opened on a
deep link ``/?lang=ar&spec=energy&sel=12``:

- the balancer spreads them over all 3 replicas and keeps each on its own (the ``ATLAS_REPLICA``
  cookie; every response names its replica in ``X-Atlas-Replica``);
- one replica is killed (SIGKILL) mid-session; each of its sessions' browsers reconnects through
  the balancer to a live replica within 10 s (a WebSocket frame from a live replica);
- the new replica runs nothing until the user acts (Streamlit reruns on reconnect only when a run
  was interrupted); the user reruns (the ``R`` shortcut) and sees the same view: Arabic, the energy
  filter, region 12's card, the energy institutes on the map, all from the URL;
- a CSV download started after the failure completes, byte for byte the export of the view, served
  by a live replica;
- SIGTERM to ``cluster.sh`` stops every process it started.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from atlas import exports, load
from atlas.i18n import LANG_NAMES, pick, t
from atlas.view import apply_filters, parse_query
from tests.e2e.conftest import _skip_or_fail
from tests.support.servers import Cluster, run_cluster
from tests.support.sessions import CONNECTED_JS, CSV_BUTTON, DOWNLOADS_MENU, RAN_JS, WATCH_RUN_JS, check_csv

REPLICAS = 3
SESSIONS = 9
QUERY = {"lang": "ar", "spec": "energy", "sel": "12"}
PATH = "/?" + "&".join(f"{k}={v}" for k, v in QUERY.items())
RECONNECT_LIMIT_S = 10.0
TIMEOUT_MS = 90_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def cluster(tmp_path: Path):
    if not (shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists()):
        _skip_or_fail("haproxy is not installed (bash scripts/setup.sh dev installs it)")
    # The script makes the run's cookie secret itself.
    env = {"ATLAS_CLUSTER_DIR": str(tmp_path / "run"), "STREAMLIT_SERVER_COOKIE_SECRET": None}
    with run_cluster(REPLICAS, env, log_dir=tmp_path) as c:
        yield c


class Session:
    """One browser context on the cluster: its page, the replica that served it, its WebSockets."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1100, "height": 800}, accept_downloads=True)
        self.page = self.context.new_page()
        self.url = url
        self.sockets: list[tuple[float, object]] = []  # (monotonic time opened, Playwright WebSocket)
        self.errors: list[str] = []
        self.page.on("websocket", self._watch)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        response = self.page.goto(url + PATH, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
        self.replica = response.headers.get("x-atlas-replica")

    def _watch(self, ws) -> None:
        self.sockets.append((time.monotonic(), ws))

    def connected_since(self, before: int) -> float | None:
        """When the newest WebSocket was opened, if it is one of those opened after the first
        ``before``, is still open and Streamlit's client says it is connected; else None."""
        if len(self.sockets) <= before:
            return None
        opened, ws = self.sockets[-1]
        if ws.is_closed() or not self.page.evaluate(CONNECTED_JS):
            return None
        return opened

    def replica_now(self) -> str | None:
        """The replica the balancer sends this context's requests to (its cookie, its header)."""
        return self.context.request.get(self.url + "/_stcore/health").headers.get("x-atlas-replica")

    def close(self) -> None:
        self.context.close()


def _shows_view(s: Session, pins: int, region: str, spec_label: str, lang_name: str) -> None:
    from playwright.sync_api import expect

    page = s.page
    expect(page.frame_locator(MAP_FRAME).locator(".atlas-pin")).to_have_count(pins, timeout=TIMEOUT_MS)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text(region, timeout=TIMEOUT_MS)
    sidebar = page.locator('[data-testid="stSidebar"]')
    language = sidebar.get_by_role("radiogroup", name=t("sidebar.language", "ar"))
    expect(language.get_by_role("radio", name=lang_name)).to_be_checked(timeout=TIMEOUT_MS)
    pill = page.locator(".st-key-w_spec").get_by_role("button", name=spec_label)
    expect(pill).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT_MS)
    assert page.locator("[data-testid=stException]").count() == 0
    for key, value in QUERY.items():
        assert f"{key}={value}" in page.url, page.url


def test_sessions_survive_a_replica_dying(cluster: Cluster, browser, artifacts_dir):
    ds = load()
    view = parse_query(QUERY, ds)
    pins = len(apply_filters(ds, view))
    region = pick(ds.regions.loc["12"], "name", "ar")
    spec_label = pick(ds.specialisations.loc["energy"], "label", "ar")
    lang_name = LANG_NAMES["ar"]
    want_csv = exports.export_bytes("csv", ds, view)
    assert pins > 0

    sessions: list[Session] = []
    try:
        for _ in range(SESSIONS):
            sessions.append(Session(browser, cluster.url))
        for s in sessions:
            _shows_view(s, pins, region, spec_label, lang_name)
        served = Counter(s.replica for s in sessions)
        print(f"\nsessions per replica: {dict(served)}")
        assert set(served) == set(cluster.pids), served  # spread over every replica
        assert [s.replica_now() for s in sessions] == [s.replica for s in sessions]  # and sticky

        victim = sessions[0].replica
        hit = [s for s in sessions if s.replica == victim]
        spared = [s for s in sessions if s.replica != victim]
        sockets_before = {id(s): len(s.sockets) for s in hit}
        killed_at = time.monotonic()
        os.kill(cluster.pids[victim], signal.SIGKILL)

        reconnect_s = []
        for s in hit:
            # The browser reconnects by itself: a new WebSocket through the balancer, still open.
            opened = None
            while opened is None and time.monotonic() < killed_at + RECONNECT_LIMIT_S:
                s.page.wait_for_timeout(100)
                opened = s.connected_since(sockets_before[id(s)])
            assert opened is not None, f"no reconnect within {RECONNECT_LIMIT_S} s"
            reconnect_s.append(opened - killed_at)
            now = s.replica_now()
            assert now in cluster.pids and now != victim, now
        print(f"replica {victim} killed; its {len(hit)} sessions reconnected after "
              + ", ".join(f"{t:.2f} s" for t in reconnect_s))
        assert max(reconnect_s) < RECONNECT_LIMIT_S

        # The new replica has run nothing yet; the user reruns (R) and gets the view of the URL back.
        view_back_s = []
        for s in hit:
            t0 = time.monotonic()
            s.page.locator("h1").first.click()  # focus the page, not the map's frame
            s.page.evaluate(WATCH_RUN_JS)
            s.page.keyboard.press("r")
            # The new replica runs the app (until it has, the page shows the old session's content).
            s.page.wait_for_function(RAN_JS, timeout=TIMEOUT_MS, polling=100)
            _shows_view(s, pins, region, spec_label, lang_name)
            view_back_s.append(time.monotonic() - t0)
        hit[0].page.screenshot(path=str(artifacts_dir / "cluster_failover_view_ar.png"))
        print("view back after the rerun: " + ", ".join(f"{t:.2f} s" for t in view_back_s))

        # A download started after the failure completes, from a live replica.
        for s in [hit[0], spared[0]]:
            s.page.locator(DOWNLOADS_MENU).click()
            with s.page.expect_download(timeout=TIMEOUT_MS) as info:
                s.page.locator(CSV_BUTTON).click()
            download = info.value
            assert download.failure() is None
            data = Path(download.path()).read_bytes()
            rows, problems = check_csv(data, want_csv)
            assert problems == [] and rows == 12
            # The file's address, asked again with the session's cookie: a live replica serves it.
            again = s.context.request.get(download.url)
            assert again.ok and again.body() == data
            assert again.headers.get("x-atlas-replica") in set(cluster.pids) - {victim}

        # The sessions of the other replicas never moved.
        assert all(s.replica_now() == s.replica for s in spared)
        assert all(s.errors == [] for s in sessions), [s.errors for s in sessions]
        assert all(s.context.blocked_requests == [] for s in sessions)
        hit[0].page.screenshot(path=str(artifacts_dir / "cluster_failover_download_ar.png"))
    finally:
        for s in sessions:
            s.close()

    # SIGTERM to cluster.sh stops every process it started.
    assert cluster.stop() == 128 + signal.SIGTERM
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in cluster.started()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in cluster.started() if _alive(pid)] == []
