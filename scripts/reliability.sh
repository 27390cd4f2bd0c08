#!/usr/bin/env bash
# Reliability test: two servers on one primary with a streaming standby, the primary killed and
# restarted under load, the standby promoted, SIGTERM under load (Tests/reliability/). `make test`
# runs it. Needs PostgreSQL's server and client tools (pg_ctl, pg_basebackup, psql).
set -euo pipefail
cd "$(dirname "$0")/.."
KALAN=${KALAN:-.build/debug/kalan}
export PYTHONDONTWRITEBYTECODE=1
exec timeout --kill-after=20 480 python3 Tests/reliability/reliability_test.py --kalan "$KALAN" "$@" </dev/null
