#!/usr/bin/env bash
# `make bench` (issue 14): every measure beside its anchor, in one run, on a throwaway embedded
# PostgreSQL with 100,000 staff and 1,000,000 enrolments (`kalan db seed --synthetic`). Prints one
# Markdown table at the end and writes it to bench-results/. Needs the release build, wrk,
# pgbench, php-tcpdf and a C compiler with cairo and libqrencode (the Makefile installs them).
# Loads only 127.0.0.1. Knobs: N (staff, 100000), DURATION (wrk/pgbench seconds, 10),
# CONNS (16), STATS_RUNS (50), STATS_BUDGET (seconds per statistics report, 25), CERTS (500).
# The database is settled first (VACUUM (ANALYZE), CHECKPOINT); each HTTP measure and its anchor run
# interleaved in two rounds, and the better of each is kept (issue 29: an unsettled anchor varied fivefold).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
STATS_RUNS=${STATS_RUNS:-50}
STATS_BUDGET=${STATS_BUDGET:-25}
CERTS=${CERTS:-500}
PORT=${PORT:-8304}
# The release products (SwiftPM keeps the .build/release link only until the next debug build).
BIN=${BUILD_DIR:-$(ls -d .build/release .build/*/release 2>/dev/null | head -1)}
KALAN="$BIN/kalan"
started=$(date +%s)
work=$(mktemp -d /tmp/kalan-bench-XXXX); chmod 755 "$work"
bindir=$(pg_config --bindir)
if [ "$(id -u)" = 0 ]; then runas="runuser -u postgres --"; else runas=""; fi
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  mkdir -p bench-results && cp "$work"/*.txt "$work/serve.log" bench-results/ 2>/dev/null || true
  $runas "$bindir/pg_ctl" -D "$work/postgres" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export KALAN_DATA_DIR="$work" KALAN_LOG_LEVEL=warning KALAN_ALLOW_LOOPBACK_URL=1
results="$work/results.tsv"
: > "$results"
# One line of the table: measure, Kalan, anchor, ratio, goal, pass (yes/no/-).
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$results"; }
say() { echo "[$(($(date +%s) - started)) s] $*" >&2; }

"$KALAN" db migrate >/dev/null
$runas "$bindir/pg_ctl" -D "$work/postgres" -l "$work/postgres.log" -w start >/dev/null
url="postgresql:///kalan?host=$work/postgres&user=postgres"
sql() { psql -X -q -t -A "$url" -c "$1"; }

say "seeding $N staff"
t0=$(date +%s.%N)
"$KALAN" db seed --synthetic "$N" --lang en >/dev/null
t1=$(date +%s.%N)
enrolments=$(sql "SELECT count(*) FROM enrolment")
row "synthetic seed ($N staff, $enrolments enrolments, ANALYZE included)" "$(python3 -c "print(f'{$t1 - $t0:.1f} s')")" "—" "—" "—" "-"

# Accounts and the sessions the load uses: one far in the future for the API, one for pgbench.
KALAN_PASSWORD=bench-password-2026 "$KALAN" user add bench --role admin --name Bench >/dev/null
token=$("$KALAN" token create bench --name bench | tail -1)
"$KALAN" session add BENCH-API --course SYN-C1 --partner SYN-P --from 2030-03-04 --to 2030-03-08 --mode online --capacity 10000 --deadline 2030-02-01 --status open >/dev/null
"$KALAN" session add BENCH-W --course SYN-C3 --partner SYN-P --from 2032-03-01 --to 2032-03-05 --mode online --capacity 10000 --deadline 2032-02-01 --status open >/dev/null
"$KALAN" session add BENCH-PG --course SYN-C2 --partner SYN-P --from 2031-03-03 --to 2031-03-07 --mode online --capacity 10000 --deadline 2031-02-01 --status open >/dev/null
tag=$(sql "SELECT substr(staff_number, 5, 3) FROM trainee WHERE staff_number LIKE 'SYN-%' ORDER BY staff_number LIMIT 1")
roster_code=$(sql "SELECT s.code FROM training_session s JOIN enrolment e ON e.session_id = s.id WHERE s.code LIKE 'SYN-%' GROUP BY s.code ORDER BY abs(count(*) - 256), s.code LIMIT 1")
roster_id=$(sql "SELECT id FROM training_session WHERE code = '$roster_code'")
roster_lines=$(sql "SELECT count(*) FROM enrolment WHERE session_id = '$roster_id'")
pg_session=$(sql "SELECT id FROM training_session WHERE code = 'BENCH-PG'")

say "settling the database (VACUUM (ANALYZE), CHECKPOINT)"
t0=$(date +%s.%N)
sql "VACUUM (ANALYZE)"
sql "CHECKPOINT"
t1=$(date +%s.%N)
row "database settled before measuring: VACUUM (ANALYZE), CHECKPOINT" "$(python3 -c "print(f'{$t1 - $t0:.1f} s')")" "—" "—" "—" "-"

say "cold start"
t0=$(date +%s.%N)
"$KALAN" serve --port "$PORT" --pool-size "$CONNS" > "$work/serve.log" 2>&1 &
server=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.01
done
t1=$(date +%s.%N)
row "cold start (exec to first /healthz 200)" "$(python3 -c "print(f'{($t1 - $t0) * 1000:.0f} ms')")" "—" "—" "—" "-"
say "statistics at a server just started"
python3 bench/stats-load.py cold "$PORT" "$token" "$server" >> "$results"

# wrk: requests per second and latency percentiles (a Lua script when given).
wrk_run() { # out url [script]
  local out=$1 target=$2
  if [ $# -gt 2 ]; then
    BENCH_TOKEN="$token" BENCH_TAG="$tag" BENCH_SPAN=$((N / 4)) wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$3" "$target" > "$out"
  else
    wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "Authorization: Bearer $token" "$target" > "$out"
  fi
}
wrk_field() { # file field: rps | p50 | p99 | errors
  python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(s):
    v, u = re.match(r"([\d.]+)(us|ms|s)", s).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
field = sys.argv[2]
if field == "rps":
    print(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
elif field in ("p50", "p99"):
    found = re.search(r"^\s+" + field[1:] + r"%\s+(\S+)", text, re.M).group(1)
    print("%.1f" % ms(found))
else:
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    e = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    print((int(m.group(1)) if m else 0) + (sum(map(int, e.groups())) if e else 0))
PY
}
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}×')" "$1" "$2"; }
check() { python3 -c "import sys; print('yes' if eval(sys.argv[1]) else 'no')" "$1"; }

# Each measure beside its anchor, interleaved, in two rounds; the better of each is kept.
best() { python3 -c "import sys; print(max(float(x) for x in sys.argv[1:]))" "$@"; }
pick() { # the wrk file of the round with the most requests per second
  if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)" "$(wrk_field "$1" rps)" "$(wrk_field "$2" rps)"; then echo "$1"; else echo "$2"; fi
}
sed "s/@CODE@/$roster_code/" bench/roster.sql > "$work/roster.sql"
sql "CREATE SEQUENCE bench_pg_seq START $((N / 2 + 1))"
sed -e "s/@SESSION@/$pg_session/" -e "s/@TAG@/$tag/" bench/enrol-minimal.sql > "$work/enrol-minimal.sql"
for round in 1 2; do
  say "round $round: healthz and authentication"
  wrk_run "$work/healthz-$round.txt" "http://127.0.0.1:$PORT/healthz"
  wrk_run "$work/me-$round.txt" "http://127.0.0.1:$PORT/api/v1/me"
  say "round $round: roster ($roster_code, $roster_lines lines) and pgbench of its query"
  wrk_run "$work/roster-$round.txt" "http://127.0.0.1:$PORT/api/v1/sessions/$roster_code/roster"
  pgbench -n -M prepared -c "$CONNS" -j 2 -T "$DURATION" -f "$work/roster.sql" "$url" > "$work/pgbench-roster-$round.txt" 2>&1
  say "round $round: enrolment and pgbench's minimal enrolment"
  BENCH_START=$(((round - 1) * 10000)) wrk_run "$work/enrol-$round.txt" "http://127.0.0.1:$PORT/api/v1/sessions/BENCH-API/enrolments" bench/enrol.lua
  pgbench -n -c "$CONNS" -j 2 -T "$DURATION" -f "$work/enrol-minimal.sql" "$url" > "$work/pgbench-enrol-$round.txt" 2>&1
done
tps() { grep -oP 'tps = \K[\d.]+' "$1" | head -1; }

healthz=$(pick "$work/healthz-1.txt" "$work/healthz-2.txt"); me=$(pick "$work/me-1.txt" "$work/me-2.txt")
h=$(wrk_field "$healthz" rps); m=$(wrk_field "$me" rps)
row "GET /healthz, $CONNS connections" "$(printf '%.0f req/s' "$h"), p50 $(wrk_field "$healthz" p50) ms" "— (the HTTP layer)" "—" "—" "-"
row "GET /api/v1/me (authentication), $CONNS connections" "$(printf '%.0f req/s' "$m"), p50 $(wrk_field "$me" p50) ms, $(wrk_field "$me" errors) errors" \
  "/healthz $(printf '%.0f' "$h") req/s" "$(ratio "$m" "$h")" "≥ 0.25×" "$(check "$m / $h >= 0.25")"

roster=$(pick "$work/roster-1.txt" "$work/roster-2.txt")
r=$(wrk_field "$roster" rps); r99=$(wrk_field "$roster" p99)
pr=$(best "$(tps "$work/pgbench-roster-1.txt")" "$(tps "$work/pgbench-roster-2.txt")")
row "GET /api/v1/sessions/{code}/roster, $roster_lines lines, $CONNS connections" "$(printf '%.0f req/s' "$r"), p50 $(wrk_field "$roster" p50) ms, p99 $r99 ms" \
  "pgbench, same query: $(printf '%.0f' "$pr") tps" "$(ratio "$r" "$pr")" "≥ 0.5×" "$(check "$r / $pr >= 0.5")"
say "roster at one connection (p99)"
wrk -t1 -c1 -d"${DURATION}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/sessions/$roster_code/roster" > "$work/roster-1c.txt"
row "GET /api/v1/sessions/{code}/roster, $roster_lines lines, 1 connection" "$(printf '%.0f req/s' "$(wrk_field "$work/roster-1c.txt" rps)"), p99 $(wrk_field "$work/roster-1c.txt" p99) ms" \
  "—" "—" "p99 < 10 ms" "$(check "$(wrk_field "$work/roster-1c.txt" p99) < 10")"

enrol=$(pick "$work/enrol-1.txt" "$work/enrol-2.txt")
e=$(wrk_field "$enrol" rps); ee=$(( $(wrk_field "$work/enrol-1.txt" errors) + $(wrk_field "$work/enrol-2.txt" errors) ))
pe=$(best "$(tps "$work/pgbench-enrol-1.txt")" "$(tps "$work/pgbench-enrol-2.txt")")
kept=$(sql "SELECT count(*) FROM enrolment e JOIN training_session s ON s.id = e.session_id WHERE s.code = 'BENCH-API'")
over=$(sql "SELECT count(*) FROM enrolment e JOIN training_session s ON s.id = e.session_id WHERE s.code = 'BENCH-API' AND e.status = 'enrolled'")
row "POST /api/v1/sessions/{code}/enrolments, $CONNS connections ($kept kept over both rounds, $over seated, $ee refused)" "$(printf '%.0f req/s' "$e"), p50 $(wrk_field "$enrol" p50) ms" \
  "pgbench, minimal correct enrolment (bench/enrol-minimal.sql), the statistics trigger included: $(printf '%.0f' "$pe") tps" "$(ratio "$e" "$pe")" "≥ 0.5×" "$(check "$e / $pe >= 0.5 and $ee == 0")"
say "the statistics trigger's cost: pgbench's minimal enrolment without it"
sql "ALTER TABLE enrolment DISABLE TRIGGER enrolment_stats_insert"
pgbench -n -c "$CONNS" -j 2 -T "$DURATION" -f "$work/enrol-minimal.sql" "$url" > "$work/pgbench-enrol-notrigger.txt" 2>&1
sql "ALTER TABLE enrolment ENABLE TRIGGER enrolment_stats_insert"
pn=$(tps "$work/pgbench-enrol-notrigger.txt")
row "the statistics trigger's cost: pgbench's minimal enrolment with and without enrolment_stats_insert" "—" "$(printf '%.0f' "$pn") tps without, $(printf '%.0f' "$pe") with" "$(ratio "$pe" "$pn")" "—" "-"

say "statistics"
python3 - "$PORT" "$token" "$STATS_RUNS" "$STATS_BUDGET" >> "$results" <<'PY'
import sys, time, urllib.request
port, token, runs, budget = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
reports = ["by=course", "by=department&by=sex", "by=year&by=quarter", "by=session", "by=domain&by=category",
           "by=month&from=2025-01-01&to=2025-12-31", "by=course&department=SYN-D1", ""]
for query in reports:
    times, start = [], time.time()
    while len(times) < runs and (time.time() - start < budget or len(times) < 3):
        t0 = time.perf_counter()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/statistics/cohorts?{query}", headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request) as response:
                response.read()
        except Exception as error:
            print(f"GET /api/v1/statistics/cohorts?{query}\tfailed: {error}\t—\t—\tp95 < 100 ms\tno")
            sys.exit(0)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    name = query.replace("&", " & ") or "no grouping"
    print(f"GET /api/v1/statistics/cohorts?{name} (1 connection, {len(times)} requests)\tp50 {p50:.0f} ms, p95 {p95:.0f} ms\t—\t—\tp95 < 100 ms\t{'yes' if p95 < 100 else 'no'}")
PY
say "statistics under writes"
python3 bench/stats-load.py writes "$PORT" "$token" BENCH-W SYN-C3 "$tag" "$DURATION" "$N" >> "$results"
say "kalan stats (the command line)"
# The first run finds no saved image: it reads every enrolment and saves the image (CohortSaved.swift);
# the next runs start from the image and read only the staff members changed since (the writes above).
for run in first next; do
  if [ "$run" = first ]; then
    what="first run: every enrolment read, the image saved"; goal="—"
  else
    # Changes since the image, which the next run reads: another category for 200 staff members
    # (figures by course unchanged, so both runs print the same).
    sql "UPDATE trainee SET category = CASE WHEN category = 'A' THEN 'B' ELSE 'A' END WHERE id IN (SELECT id FROM trainee ORDER BY staff_number LIMIT 200)" >/dev/null
    what="next run: the saved image and 200 staff members changed since"; goal="< 1 s"
  fi
  t0=$(date +%s.%N)
  "$KALAN" stats cohorts --by course --format csv > "$work/stats-cli-$run.csv" 2> "$work/stats-cli-$run.err" || true
  t1=$(date +%s.%N)
  pass="-"; [ "$run" = next ] && pass=$(check "$t1 - $t0 < 1")
  row "kalan stats cohorts --by course ($(($(wc -l < "$work/stats-cli-$run.csv") - 1)) lines), $what" "$(python3 -c "print(f'{($t1 - $t0) * 1000:.0f} ms')")" "—" "—" "$goal" "$pass"
done
cmp -s "$work/stats-cli-first.csv" "$work/stats-cli-next.csv" || row "kalan stats: the first and next runs differ" "—" "—" "—" "same figures" "no"

kill -0 "$server" 2>/dev/null || { echo "the server stopped:"; tail -20 "$work/serve.log"; }
say "import"
for code in DNT DNCN AGETIC ORTM DRH DFM; do "$KALAN" department add "$code" --name-fr "Direction $code" >/dev/null; done
python3 bench/make-staff-csv.py 100000 > "$work/staff.csv"
tail -c +4 "$work/staff.csv" > "$work/staff-nobom.csv"
# The anchor table: trainee's columns, defaults, checks, indexes and foreign key, with the same rows.
sql "CREATE TABLE trainee_anchor (LIKE trainee INCLUDING ALL, FOREIGN KEY (department_id) REFERENCES department (id)); INSERT INTO trainee_anchor SELECT * FROM trainee; ANALYZE trainee_anchor"
t0=$(date +%s.%N)
"$KALAN" trainee import "$work/staff.csv" > "$work/import.txt"
t1=$(date +%s.%N)
cat > "$work/upsert.sql" <<SQL
BEGIN;
CREATE TEMP TABLE staff_file (staff_number text, given_name text, family_name text, sex text, category text, position text, department text, email text, phone text) ON COMMIT DROP;
\\copy staff_file FROM '$work/staff-nobom.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')
INSERT INTO trainee_anchor (staff_number, given_name, family_name, sex, category, position, department_id, email, phone)
SELECT f.staff_number, f.given_name, f.family_name, f.sex, f.category, f.position, d.id, f.email, f.phone
FROM staff_file f LEFT JOIN department d ON d.code = f.department
ON CONFLICT (staff_number) DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name, sex = excluded.sex,
    category = excluded.category, position = excluded.position, department_id = excluded.department_id, email = excluded.email, phone = excluded.phone;
COMMIT;
SQL
t2=$(date +%s.%N)
psql -X -q "$url" -f "$work/upsert.sql" >/dev/null
t3=$(date +%s.%N)
k=$(python3 -c "print(f'{$t1 - $t0:.2f}')"); p=$(python3 -c "print(f'{$t3 - $t2:.2f}')")
row "kalan trainee import, 100,000 staff (CSV read, validated, upserted, audited, ANALYZE)" "$k s" "psql \\copy + INSERT … ON CONFLICT into the indexed table: $p s" "$(ratio "$k" "$p")" "≤ 1.5×" "$(check "$k / $p <= 1.5")"

say "certificates"
mkdir -p "$work/certs"
cc -O2 bench/cairo-certificate.c $(pkg-config --cflags --libs cairo libqrencode) -o "$work/cairo-certificate"
kc=$("$BIN/kalan-bench" certificates "$CERTS" "$work/certs" | grep -oP '[\d.]+(?= ms per)')
tc=$(php bench/tcpdf-certificate.php "$CERTS" "$work/certs" | grep -oP '[\d.]+(?= ms per)')
cc_=$("$work/cairo-certificate" "$CERTS" "$work/certs" | grep -oP '[\d.]+(?= ms per)')
row "certificate, sign + PDF ($CERTS)" "$kc ms each" "TCPDF (PDF only): $tc ms" "$(ratio "$kc" "$tc")" "≤ 1× TCPDF" "$(check "$kc <= $tc")"
row "certificate, sign + PDF ($CERTS)" "$kc ms each" "raw cairo C program, same page: $cc_ ms" "$(ratio "$kc" "$cc_")" "—" "-"

rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
row "server peak RSS (VmHWM) after all of the above" "$((rss / 1024)) MB" "—" "—" "< 150 MB" "$(check "$rss < 150 * 1024")"

elapsed=$(($(date +%s) - started))
mkdir -p bench-results
out="bench-results/bench-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# make bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo
  echo "Release build, $N staff, $enrolments enrolments, wrk -t2 -c$CONNS -d${DURATION}s, pgbench -c$CONNS -j2 -T$DURATION; run took ${elapsed} s (release build not included)."
  echo
  echo "| measure | Kalan | anchor | ratio | goal | pass |"
  echo "|---|---|---|---|---|---|"
  while IFS=$'\t' read -r a b c d e f; do echo "| $a | $b | $c | $d | $e | $f |"; done < "$results"
} > "$out"
echo
cat "$out"
echo
echo "written to $out"
