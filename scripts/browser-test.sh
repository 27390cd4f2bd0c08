#!/usr/bin/env bash
# Browser test: headless Chromium (Selenium) through every page of a throwaway Kalan loaded with the
# demo data, for every role, at 1366×768 and 390×844, in French and English, with full-page
# screenshots, then the checks in Tests/browser/browser_test.py. `make test` runs it.
#
# Installs what is missing: chromium and chromium-driver (apt, as root or through sudo); selenium comes
# from the project's .venv (make test-deps, Tests/requirements.txt).
# KALAN (default .build/debug/kalan) picks the binary; KALAN_TEST_DIR where the throwaway data and the
# screenshots go (default /tmp). Extra arguments go to browser_test.py (--only a,e  --keep  --shots DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
KALAN=${KALAN:-.build/debug/kalan}
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "Installing chromium and chromium-driver"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver </dev/null
fi
python3 -c 'import selenium' 2>/dev/null || { echo "selenium is missing: run make test-deps (it fills .venv) and put .venv/bin first on the PATH" >&2; exit 1; }

# The whole run stops by itself (browser_test.py --timeout, 1500 s: the run takes about 730 s on 2 cores); this is the last resort.
export PYTHONDONTWRITEBYTECODE=1
exec timeout --kill-after=20 1560 python3 Tests/browser/browser_test.py --kalan "$KALAN" "$@" </dev/null
