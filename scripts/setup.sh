#!/usr/bin/env bash
# Install what a fresh Debian machine lacks, then the Python packages, into ./.venv.
#   scripts/setup.sh app      runtime only (the app, exports, PDF fonts)
#   scripts/setup.sh cluster  runtime + Debian's haproxy (for scripts/cluster.sh)
#   scripts/setup.sh dev      runtime + tests (Debian's chromium for browser tests, haproxy for the cluster
#                             test and scripts/cluster.sh, pytest, ruff, hadolint, kubernetes-validate,
#                             frictionless, shellcheck)
# Debian packages come through apt-get (with sudo when not root), waiting up to 5 minutes for the
# package lock that another apt-get may hold.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"
case "$mode" in
  app|cluster|dev) ;;
  *) echo "setup: unknown mode: $mode (app, cluster or dev)" >&2; exit 2 ;;
esac

# A Debian package counts as present when dpkg has it installed, or its command is on PATH.
deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

debs=()
python3 -c "import venv, ensurepip" 2>/dev/null || debs+=(python3-venv)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || debs+=(fonts-dejavu-core)
if [ "$mode" = dev ]; then
  [ -x /usr/bin/chromium ] || deb_installed chromium || debs+=(chromium)
fi
if [ "$mode" = dev ] || [ "$mode" = cluster ]; then
  command -v haproxy >/dev/null || deb_installed haproxy || debs+=(haproxy)
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
