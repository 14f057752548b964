"""Deployment files: the Dockerfile (linted with hadolint), .dockerignore, deploy/compose.yaml and its
HAProxy configuration, the Kubernetes manifests (validated offline with kubernetes-validate),
the shell scripts (shellcheck; what setup.sh installs, on a stand-in machine), scripts/cluster.sh's
arguments, and the map's static files on a read-only filesystem.

Docker itself is not needed: no image is built here (docs/deploy.md says how to build and run one).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from atlas import assets

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "Dockerfile"
K8S = REPO / "deploy" / "k8s"
HEALTH = "/_stcore/health"
K8S_VERSION = "1.30"


def _tool(name: str) -> str:
    """An executable installed by requirements-dev.txt into the virtual environment (or on PATH)."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: pip install -r requirements-dev.txt")
    return found


def _haproxy() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if not found:
        pytest.fail("haproxy is not installed: bash scripts/setup.sh dev")
    return found


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    out = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


# --- Dockerfile -------------------------------------------------------------------------------------


def test_dockerfile_passes_hadolint():
    result = subprocess.run([_tool("hadolint"), "--no-color", str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_catches_a_careless_dockerfile(tmp_path: Path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\nRUN cd /app && pip install x\n")
    result = subprocess.run([_tool("hadolint"), "--no-color", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0
    for rule in ("DL3007", "DL3008", "DL3003"):  # latest tag, unpinned apt package, cd
        assert rule in result.stdout


def test_dockerfile_runs_as_non_root_from_a_slim_base_with_health_check_and_prepared_assets():
    steps = _instructions(DOCKERFILE.read_text())
    words = [w for w, _ in steps]
    base = dict(steps)["FROM"]
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", base), base
    # Dependencies from the pinned requirements file.
    runs = [args for w, args in steps if w == "RUN"]
    assert any("pip install" in r and "-r requirements.txt" in r for r in runs)
    reqs = [ln for ln in (REPO / "requirements.txt").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert reqs and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", r.strip()) for r in reqs), reqs
    # The map's files are prepared at build time, before the app runs as a non-root user.
    prepare = next(i for i, (w, a) in enumerate(steps) if w == "RUN" and "python -m atlas.assets" in a)
    user = words.index("USER")
    assert prepare < user
    assert dict(steps)["USER"] not in ("root", "0")
    health = dict(steps)["HEALTHCHECK"]
    assert HEALTH in health and "8501" in health
    env = " ".join(a for w, a in steps if w == "ENV")
    assert "ATLAS_DATA_DIR=" in env and "ATLAS_TILES=" in env
    assert '"streamlit", "run", "serve.py"' in dict(steps)["CMD"]


def test_dockerignore_keeps_the_image_to_what_the_app_needs():
    patterns = {ln.strip() for ln in (REPO / ".dockerignore").read_text().splitlines()
                if ln.strip() and not ln.startswith("#")}
    for excluded in (".git", ".venv", "static/vendor", "tests", "artifacts"):
        assert excluded in patterns
    for needed in ("app.py", "serve.py", "atlas", "ui", "pages", "data", ".streamlit", "static",
                   "requirements.txt"):
        assert needed not in patterns and (REPO / needed).exists()


# --- Compose and HAProxy ----------------------------------------------------------------------------


def test_compose_runs_read_only_replicas_with_one_secret_behind_haproxy():
    compose = yaml.safe_load((REPO / "deploy" / "compose.yaml").read_text())
    app, lb = compose["services"]["app"], compose["services"]["lb"]
    assert app["build"]["dockerfile"] == "Dockerfile"
    assert (REPO / "deploy" / app["build"]["context"] / "Dockerfile").is_file()
    assert app["deploy"]["replicas"] >= 2
    assert app["read_only"] is True and "/tmp" in app["tmpfs"]
    env = app["environment"]
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"].startswith("${STREAMLIT_SERVER_COOKIE_SECRET:?")  # required, shared
    mount = next(v for v in app["volumes"] if v["target"] == env["ATLAS_DATA_DIR"])
    assert mount["read_only"] is True
    assert lb["image"].startswith("haproxy:")
    cfg = next(v for v in lb["volumes"] if v["target"].endswith("haproxy.cfg"))
    assert (REPO / "deploy" / cfg["source"]).resolve() == (REPO / "deploy" / "haproxy.cfg")
    assert lb["depends_on"]["app"]["condition"] == "service_healthy"


def test_haproxy_config_is_valid_sticky_and_websocket_ready():
    cfg = REPO / "deploy" / "haproxy.cfg"
    result = subprocess.run([_haproxy(), "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = cfg.read_text()
    for needed in ("option redispatch", "timeout tunnel", "cookie ATLAS_REPLICA insert",
                   f"uri {HEALTH}", "http-response set-header X-Atlas-Replica %si:%sp", "server-template app"):
        assert needed in text, needed


def test_cluster_script_rejects_bad_arguments():
    script = REPO / "scripts" / "cluster.sh"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    for args in (["--replicas", "three"], ["--port"], ["--nope"], ["--replicas", "0"]):
        result = subprocess.run(["bash", str(script), *args], capture_output=True, text=True, timeout=30)
        assert result.returncode != 0 and "cluster:" in result.stderr, (args, result.stderr)


def test_shell_scripts_pass_shellcheck():
    scripts = [*sorted((REPO / "scripts").glob("*.sh")), REPO / ".ci" / "run"]
    result = subprocess.run([_tool("shellcheck"), "--shell=bash", *map(str, scripts)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _fake_machine(tmp_path: Path, uid: int) -> tuple[Path, Path, dict[str, str]]:
    """A copy of scripts/ in an empty checkout, and stand-ins for the commands setup.sh runs (apt-get,
    sudo, dpkg-query, id, python3 and the virtual environment's python) that record their arguments
    in a log: a fresh machine without haproxy, as user ``uid``."""
    checkout, bin_dir, log = tmp_path / "checkout", tmp_path / "bin", tmp_path / "calls.log"
    shutil.copytree(REPO / "scripts", checkout / "scripts")
    (checkout / ".venv" / "bin").mkdir(parents=True)
    stubs = {
        bin_dir / "apt-get": 'echo "apt-get $*" >>"$LOG"',
        bin_dir / "sudo": 'echo "sudo" >>"$LOG"; "$@"',
        bin_dir / "dpkg-query": "exit 1",
        bin_dir / "id": f'[ "${{1:-}}" = -u ] && echo {uid} || /usr/bin/id "$@"',
        bin_dir / "python3": "exit 0",
        checkout / ".venv" / "bin" / "python": 'echo "python $*" >>"$LOG"',
    }
    bin_dir.mkdir()
    for path, body in stubs.items():
        path.write_text(f"#!/bin/bash\n{body}\n")
        path.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "LOG": str(log), "HOME": str(tmp_path)}
    return checkout, log, env


@pytest.mark.parametrize(("uid", "sudo"), [(1000, True), (0, False)])
def test_setup_cluster_installs_haproxy_waiting_on_the_package_lock(tmp_path: Path, uid: int, sudo: bool):
    checkout, log, env = _fake_machine(tmp_path, uid)
    result = subprocess.run(["bash", str(checkout / "scripts" / "setup.sh"), "cluster"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    install = next(c for c in calls if c.startswith("apt-get") and " install " in c)
    assert "-o DPkg::Lock::Timeout=300" in install and "haproxy" in install.split()
    assert ("sudo" in calls) is sudo
    assert "python -m pip install -q --disable-pip-version-check -r requirements.txt" in calls


def test_setup_app_does_not_install_haproxy(tmp_path: Path):
    checkout, log, env = _fake_machine(tmp_path, 0)
    subprocess.run(["bash", str(checkout / "scripts" / "setup.sh"), "app"], env=env, check=True, timeout=60)
    assert "haproxy" not in log.read_text()


def test_cluster_script_sets_itself_up_first(tmp_path: Path):
    """On a machine where only start.sh ran, cluster.sh installs what it needs (setup.sh cluster) before
    it looks for haproxy."""
    checkout, log, env = _fake_machine(tmp_path, 0)
    (checkout / "scripts" / "setup.sh").write_text('#!/bin/bash\necho "setup $*" >>"$LOG"\nexit 7\n')
    result = subprocess.run(["bash", str(checkout / "scripts" / "cluster.sh"), "--replicas", "3", "--port", "8600"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert log.read_text().splitlines() == ["setup cluster"]
    assert result.returncode == 7 and "haproxy is not installed" not in result.stderr


# --- Kubernetes -------------------------------------------------------------------------------------


def _manifests() -> dict[str, dict]:
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs[doc["kind"]] = doc
    return docs


def test_k8s_manifests_validate_against_the_kubernetes_schemas():
    import kubernetes_validate

    docs = _manifests()
    assert set(docs) == {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"}
    for doc in docs.values():
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)  # raises on any error


def test_k8s_validation_rejects_a_broken_manifest():
    import kubernetes_validate

    broken = _manifests()["Deployment"]
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = {"name": "http"}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)
    typo = _manifests()["Service"]
    typo["spec"]["selektor"] = typo["spec"].pop("selector")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(typo, K8S_VERSION, strict=True)


def test_k8s_deployment_probes_limits_and_read_only_root():
    docs = _manifests()
    dep = docs["Deployment"]
    assert dep["spec"]["replicas"] == 3
    pod = dep["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == HEALTH
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    tmp = next(m for m in container["volumeMounts"] if m["mountPath"] == "/tmp")
    assert "emptyDir" in next(v for v in pod["volumes"] if v["name"] == tmp["name"])
    env = {e["name"]: e for e in container["env"]}
    assert "secretKeyRef" in env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]  # one secret for all pods
    assert "ATLAS_DATA_DIR" in env and "ATLAS_TILES" in env
    port = container["ports"][0]
    assert port["containerPort"] == 8501

    labels = dep["spec"]["template"]["metadata"]["labels"]
    svc = docs["Service"]
    assert svc["spec"]["selector"].items() <= labels.items()
    assert svc["spec"]["ports"][0]["targetPort"] == port["name"]
    ing = docs["Ingress"]
    notes = ing["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # idle WebSockets stay
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == svc["metadata"]["name"]
    hpa = docs["HorizontalPodAutoscaler"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == dep["metadata"]["name"]
    assert hpa["spec"]["minReplicas"] == 3 < hpa["spec"]["maxReplicas"]


# --- Static assets on a read-only filesystem --------------------------------------------------------


def _refuse_writes(monkeypatch):
    def refuse(src, dst):
        raise OSError(errno.EROFS, "Read-only file system", str(dst))

    monkeypatch.setattr(assets, "_copy_atomic", refuse)


def test_prepared_assets_need_no_write(tmp_path: Path, monkeypatch):
    static = tmp_path / "static"
    assert assets.main(["--static-dir", str(static)]) == 0  # the build step
    assert assets.main(["--static-dir", str(static), "--check"]) == 0
    # A copy whose mtimes were not kept (an image layer, a volume) is still up to date: same bytes.
    for path in (static / "vendor").rglob("*"):
        if path.is_file():
            os.utime(path, (1_000_000, 1_000_000))
    assets._done.discard(static.resolve())
    _refuse_writes(monkeypatch)
    assert assets.ensure_static_assets(static) == []


def test_read_only_and_missing_files_explain_instead_of_crashing(tmp_path: Path, monkeypatch, capsys):
    static = tmp_path / "static"
    assets.ensure_static_assets(static)
    (static / "vendor/leaflet/leaflet.js").unlink()
    (static / "vendor/fontawesome/css/solid.min.css").write_text("stale")
    assets._done.discard(static.resolve())
    _refuse_writes(monkeypatch)
    with pytest.raises(assets.StaticAssetsError) as info:
        assets.ensure_static_assets(static)
    message = str(info.value)
    assert "leaflet/leaflet.js" in message and "python -m atlas.assets" in message and "Read-only" in message
    assert "solid.min.css" not in message  # an outdated copy is kept, the map still works with it
    assert isinstance(info.value, OSError)  # the map page shows OSErrors as its "files missing" message
    assert assets.main(["--static-dir", str(static), "--check"]) == 1
    assert "leaflet.js" in capsys.readouterr().out


def test_other_errors_are_not_taken_for_a_read_only_folder(tmp_path: Path, monkeypatch):
    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(assets, "_copy_atomic", full)
    with pytest.raises(OSError) as info:
        assets.ensure_static_assets(tmp_path / "static")
    assert info.value.errno == errno.ENOSPC and not isinstance(info.value, assets.StaticAssetsError)
