#!/usr/bin/env bash
# Set up (including Debian's chromium for the browser tests) and run lint + the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/python -m atlas validate
.venv/bin/frictionless validate data/datapackage.json
.venv/bin/python -m pytest "$@"
