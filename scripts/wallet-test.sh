#!/usr/bin/env bash
# The holder's wallet (issue 31): a Python wallet (PyLD, PyNaCl, jwcrypto; the pinned contexts only)
# against a real `kalan serve` on the loopback with its own embedded PostgreSQL: the LCW request link,
# the VCALM interaction URL and VC-API exchange, OpenID4VCI 1.0 (and draft 13), each credential
# verified independently, and every refusal (Tests/wallet/). `make test` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
KALAN=${KALAN:-.build/debug/kalan}
export PYTHONDONTWRITEBYTECODE=1
python3 -c 'import pyld, nacl, jwcrypto' 2>/dev/null || { echo "pyld, pynacl or jwcrypto is missing: run make test-deps (it fills .venv)" >&2; exit 1; }
exec timeout --kill-after=20 180 python3 Tests/wallet/wallet_test.py --kalan "$KALAN" "$@" </dev/null
