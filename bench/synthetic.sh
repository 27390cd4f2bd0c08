#!/usr/bin/env bash
# Generates 100,000 trainees, 5,000 sessions and 1,000,000 enrolments through COPY on a throwaway
# embedded server and prints the time, then times cohort statistics over all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
KALAN=${BUILD_DIR:-.build/release}/kalan
work=$(mktemp -d /tmp/kalan-syn-XXXX); chmod 755 "$work"
bindir=$(pg_config --bindir)
if [ "$(id -u)" = 0 ]; then runas="runuser -u postgres --"; else runas=""; fi
trap '$runas "$bindir/pg_ctl" -D "$work/postgres" -m fast stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export KALAN_DATA_DIR="$work"
"$KALAN" db migrate --log-level warning >/dev/null
# One server for the whole run, so that the statistics below time queries, not server starts.
$runas "$bindir/pg_ctl" -D "$work/postgres" -l "$work/postgres.log" -w start >/dev/null
"$KALAN" db seed --synthetic "$N" --lang en --log-level warning
psql -q "postgresql:///kalan?host=$work/postgres&user=postgres" -c "ANALYZE" >/dev/null
for by in course department,sex year,quarter; do
  t0=$(date +%s.%N)
  groups=$("$KALAN" stats cohorts --by "$by" --format csv --log-level warning | wc -l)
  t1=$(date +%s.%N)
  python3 -c "import sys; print(f'kalan stats cohorts --by $by: {int(sys.argv[3]) - 2} groups over every enrolment in {float(sys.argv[2]) - float(sys.argv[1]):.2f} s')" "$t0" "$t1" "$groups"
done
