#!/usr/bin/env bash
# Imports 100,000 staff lines with `kalan trainee import` and loads the same file with psql \copy
# into a plain table, in one run, on a throwaway embedded server. Prints both times and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
KALAN=${KALAN:-${BUILD_DIR:-.build/release}/kalan}
work=$(mktemp -d /tmp/kalan-bench-XXXX); chmod 755 "$work"
bindir=$(pg_config --bindir)
if [ "$(id -u)" = 0 ]; then runas="runuser -u postgres --"; else runas=""; fi
trap '$runas "$bindir/pg_ctl" -D "$work/postgres" -m fast stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export KALAN_DATA_DIR="$work"
python3 bench/make-staff-csv.py "$N" > "$work/staff.csv"
"$KALAN" db migrate --log-level warning >/dev/null
# Keep one server up for the whole run: kalan commands reuse a running server and leave it running.
$runas "$bindir/pg_ctl" -D "$work/postgres" -l "$work/postgres.log" -w start >/dev/null
for code in DNT DNCN AGETIC ORTM DRH DFM; do "$KALAN" department add "$code" --name-fr "Direction $code" --log-level warning >/dev/null; done
url="postgresql:///kalan?host=$work/postgres&user=postgres"
t0=$(date +%s.%N)
"$KALAN" trainee import "$work/staff.csv" --log-level warning
t1=$(date +%s.%N)
psql -q "$url" -c "CREATE TABLE plain_copy (staff_number text, given_name text, family_name text, sex text, category text, position text, department text, email text, phone text)"
tail -c +4 "$work/staff.csv" > "$work/staff-nobom.csv"
t2=$(date +%s.%N)
psql -q "$url" -c "\\copy plain_copy FROM '$work/staff-nobom.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')"
t3=$(date +%s.%N)
python3 - "$t0" "$t1" "$t2" "$t3" "$N" <<'PY'
import sys
t0, t1, t2, t3, n = map(float, sys.argv[1:])
kalan, psql = t1 - t0, t3 - t2
print(f"kalan trainee import: {n:.0f} rows in {kalan:.2f} s ({n / kalan:,.0f} rows/s, validated, upserted, audited)")
print(f"psql \\copy plain table: {n:.0f} rows in {psql:.2f} s ({n / psql:,.0f} rows/s)")
print(f"ratio kalan / psql: {kalan / psql:.1f}x")
PY
