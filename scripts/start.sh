#!/usr/bin/env bash
# Set up (first run only does real work) and start the app on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
exec .venv/bin/python -m streamlit run serve.py "$@"
