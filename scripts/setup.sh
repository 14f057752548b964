#!/usr/bin/env bash
# Install what a fresh Debian machine lacks, then the Python packages, into ./.venv.
#   scripts/setup.sh app    runtime only (the app, exports, PDF fonts)
#   scripts/setup.sh dev    runtime + tests (Debian's chromium for browser tests, haproxy for the cluster
#                           test and scripts/cluster.sh, pytest, ruff, hadolint, kubernetes-validate)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"

debs=()
python3 -c "import venv, ensurepip" 2>/dev/null || debs+=(python3-venv)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || debs+=(fonts-dejavu-core)
if [ "$mode" = dev ]; then
  [ -x /usr/bin/chromium ] || debs+=(chromium)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || debs+=(haproxy)
fi
if [ "${#debs[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing Debian packages: ${debs[*]}"
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${debs[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
req=requirements.txt
[ "$mode" = dev ] && req=requirements-dev.txt
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
