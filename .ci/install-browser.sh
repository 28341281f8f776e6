#!/usr/bin/env bash
# Install what the offline browser tests (tests/browser/) need; safe to run again.
#
#  1. Debian's Chromium at /usr/bin/chromium (apt), only if it is missing. Playwright
#     drives it via executable_path; `playwright install` is never used (it downloads
#     a browser build from a host this machine cannot reach).
#  2. Solara's front-end assets (npm packages) into the offline asset cache, via
#     `python -m sim.app.offline` (pure Python download from the npm registry).
#
# Usage: bash .ci/install-browser.sh      (from anywhere; uses the repo's .venv if present)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROMIUM=/usr/bin/chromium

if [[ -x "$REPO_ROOT/.venv/bin/python" ]]; then
    PYTHON="$REPO_ROOT/.venv/bin/python"
else
    PYTHON="$(command -v python3)"
fi

SUDO=""
if [[ "$(id -u)" != 0 ]]; then
    SUDO="sudo"
fi

start=$SECONDS
if [[ -x "$CHROMIUM" ]]; then
    echo "install-browser: $CHROMIUM present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
else
    echo "install-browser: installing Debian chromium (about 30 s, ~480 MB on disk)..."
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q chromium fonts-liberation
    echo "install-browser: $("$CHROMIUM" --version) installed in $((SECONDS - start)) s"
fi

if ! "$PYTHON" -c "import playwright.sync_api" 2>/dev/null; then
    echo "install-browser: warning: the Python package playwright is not importable by $PYTHON" >&2
    echo "install-browser:          (pip install 'playwright>=1.45'; never run 'playwright install')" >&2
fi

assets_start=$SECONDS
cd "$REPO_ROOT"
"$PYTHON" -m sim.app.offline
echo "install-browser: offline assets checked/installed in $((SECONDS - assets_start)) s"
