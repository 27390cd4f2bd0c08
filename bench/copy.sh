#!/usr/bin/env bash
# COPY FROM STDIN through Kalan's Postgres client beside psql \copy of the same file, into the same
# plain table, on a throwaway embedded server. Prints both rates and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
BIN=${BUILD_DIR:-.build/release}
work=$(mktemp -d /tmp/kalan-copy-XXXX); chmod 755 "$work"
bindir=$(pg_config --bindir)
if [ "$(id -u)" = 0 ]; then runas="runuser -u postgres --"; else runas=""; fi
trap '$runas "$bindir/pg_ctl" -D "$work/postgres" -m fast stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
KALAN_DATA_DIR="$work" "$BIN/kalan" db migrate --log-level warning >/dev/null
$runas "$bindir/pg_ctl" -D "$work/postgres" -l "$work/postgres.log" -w start >/dev/null
url="postgresql:///kalan?host=$work/postgres&user=postgres"
kalan=$("$BIN/kalan-bench" copy "$N" "$url" "$work/rows.tsv")
echo "$kalan"
psql -q "$url" -c "CREATE TABLE copy_bench (staff_number text, given_name text, family_name text, sex text, category text, position text, department text, email text, phone text)"
t0=$(date +%s.%N)
psql -q "$url" -c "\\copy copy_bench FROM '$work/rows.tsv'"
t1=$(date +%s.%N)
python3 - "$kalan" "$t0" "$t1" "$N" <<'PY'
import re, sys
k = float(re.search(r"\(([\d.]+) rows/s\)", sys.argv[1]).group(1))
t0, t1, n = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
p = n / (t1 - t0)
print(f"psql \\copy: {n:.0f} rows in {t1 - t0:.3f} s ({p:,.0f} rows/s)")
print(f"ratio kalan / psql rate: {k / p:.2f}")
PY
