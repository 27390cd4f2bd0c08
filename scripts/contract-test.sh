#!/usr/bin/env bash
# Contract test: a real client (Schemathesis 4, all phases including stateful) against a served
# Kalan on a throwaway embedded PostgreSQL loaded with the demo data, authenticated as the demo
# admin. `make test` runs it after `swift test`.
#
# Checks: all, except positive_data_acceptance — a schema-valid request may still break a domain
# rule (duplicate staff number, enrolment closed, unknown session…) that JSON Schema cannot
# express; those answers are 404/409/422 problems by design.
set -euo pipefail
cd "$(dirname "$0")/.."
KALAN=${KALAN:-.build/debug/kalan}
python3 -c 'import schemathesis' 2>/dev/null || { echo "schemathesis is missing: run make test-deps (it fills .venv) and put .venv/bin first on the PATH" >&2; exit 1; }
work=$(mktemp -d /tmp/kalan-contract-XXXX); chmod 755 "$work"
export KALAN_DATA_DIR="$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -f "$work/postgres/postmaster.pid" ]; then
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$(pg_config --bindir)/pg_ctl" -D "$work/postgres" -m fast stop >/dev/null 2>&1 || true
    else "$(pg_config --bindir)/pg_ctl" -D "$work/postgres" -m fast stop >/dev/null 2>&1 || true; fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT
"$KALAN" db seed --demo --lang en --log-level warning > "$work/seed.log"
token=$("$KALAN" token create admin --name contract-test --log-level warning 2>/dev/null)
"$KALAN" serve --port "$port" --log-level error > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
schemathesis run "http://127.0.0.1:$port/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples 40 --seed "${ST_SEED:-2026}" --no-color
