"""Reliability test: two `kalan serve` on one PostgreSQL primary with a streaming standby for
reads; the primary killed (`pg_ctl stop -m immediate`) under a load of writes and started again;
the standby promoted; an embedded server stopped with SIGTERM under load. Prints the figures
(writes acknowledged and found, outage, recovery, standby lag) and exits non-zero on a broken rule.

Run by scripts/reliability.sh (make test). Stdlib only; stops by itself (--timeout)."""

import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

FAILURES = []
FIGURES = {}


def check(condition, message):
    print(("  ok    " if condition else "  FAIL  ") + message, flush=True)
    if not condition:
        FAILURES.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bindir():
    out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return out.stdout.strip()


def as_postgres(args):
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + args


def pg_ctl(folder, *args, check_rc=True):
    cmd = as_postgres([os.path.join(pg_bindir(), "pg_ctl"), "-D", os.path.join(folder, "postgres")] + list(args))
    result = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    if check_rc and result.returncode != 0:
        raise RuntimeError(f"pg_ctl {' '.join(args)}: {result.stdout}{result.stderr}")
    return result


def socket_url(folder, database="kalan"):
    return f"postgresql:///{database}?host={os.path.join(folder, 'postgres')}&port=5432&user=postgres"


def psql(folder, sql):
    cmd = [os.path.join(pg_bindir(), "psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", socket_url(folder), "-c", sql]
    result = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"psql: {result.stderr}")
    return result.stdout.strip()


class Client:
    """One HTTP request per call, a fresh connection each time, with a timeout."""

    def __init__(self, port, token=None):
        self.port = port
        self.token = token

    def request(self, method, path, body=None, headers=None, timeout=15):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            conn.close()
            return response.status, dict(response.getheaders()), payload, time.monotonic() - started
        except (OSError, http.client.HTTPException) as error:
            return None, {}, str(error).encode(), time.monotonic() - started


class Server:
    def __init__(self, kalan, name, root, env, args=()):
        self.name = name
        self.port = free_port()
        self.log = os.path.join(root, f"{name}.log")
        full_env = dict(os.environ, **env)
        self.process = subprocess.Popen(
            [kalan, "serve", "--port", str(self.port), "--log-level", "warning", *args],
            stdout=open(self.log, "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=full_env)

    def wait_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            status, _, _, _ = Client(self.port).request("GET", "/readyz", timeout=2)
            if status == 200:
                return True
            time.sleep(0.2)
        return False

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self):
        with open(self.log) as f:
            return f.read()


def run(kalan, *args, env=None, check_rc=True):
    result = subprocess.run([kalan, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600,
                            env=dict(os.environ, **(env or {})))
    if check_rc and result.returncode != 0:
        raise RuntimeError(f"kalan {' '.join(args)}: {result.stdout}{result.stderr}")
    return result


class Load:
    """Workers that create a staff member and enrol them, over and over, on the given servers;
    every answer is recorded."""

    def __init__(self, clients, session, prefix, workers=4):
        self.clients = clients
        self.session = session
        self.prefix = prefix
        self.workers = workers
        self.records = []  # (kind, staff, status, content_type, seconds, started_at)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = []
        self.counter = 0

    def next_staff(self):
        with self.lock:
            self.counter += 1
            return f"{self.prefix}-{self.counter:05d}"

    def record(self, *row):
        with self.lock:
            self.records.append(row)

    def worker(self, index):
        while not self.stopping.is_set():
            client = self.clients[index % len(self.clients)]
            staff = self.next_staff()
            started = time.monotonic()
            status, headers, _, seconds = client.request(
                "POST", "/api/v1/trainees",
                {"staffNumber": staff, "givenName": "Awa", "familyName": "Fiabilité", "sex": "F"},
                {"Idempotency-Key": f"t-{staff}"})
            self.record("trainee", staff, status, headers.get("Content-Type", ""), seconds, started)
            if status == 500:
                print(f"    500 on trainee {staff}: {_[:300]!r}", flush=True)
            if status == 201:
                started = time.monotonic()
                status, headers, _, seconds = client.request(
                    "POST", f"/api/v1/sessions/{self.session}/enrolments", {"staffNumber": staff}, {"Idempotency-Key": f"e-{staff}"})
                self.record("enrolment", staff, status, headers.get("Content-Type", ""), seconds, started)
                if status == 500:
                    print(f"    500 on enrolment {staff}: {_[:300]!r}", flush=True)
            if status is None or status >= 500:
                time.sleep(0.1)

    def start(self):
        for i in range(self.workers):
            thread = threading.Thread(target=self.worker, args=(i,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def acknowledged(self, kind):
        return {r[1] for r in self.records if r[0] == kind and r[2] is not None and 200 <= r[2] < 300}


def today(offset):
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kalan", default=".build/debug/kalan")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--timeout", type=int, default=420)
    options = parser.parse_args()
    kalan = os.path.abspath(options.kalan)
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("reliability test over its time budget")))
    signal.alarm(options.timeout)
    root = tempfile.mkdtemp(prefix="kalan-reliability-", dir="/tmp")
    os.chmod(root, 0o755)
    primary = os.path.join(root, "primary")
    standby = os.path.join(root, "standby")
    servers = []
    try:
        print("Seeding the primary and making a standby", flush=True)
        run(kalan, "db", "seed", "--demo", "--data-dir", primary, "--log-level", "warning")
        # Started by hand, as an operator's PostgreSQL: the kalan commands below leave it running.
        pg_ctl(primary, "-l", os.path.join(primary, "postgres.log"), "-w", "start")
        env_primary = {"KALAN_DATA_DIR": primary}
        token = run(kalan, "token", "create", "drh", "--name", "reliability", "--log-level", "warning", env=env_primary).stdout.strip()
        course = psql(primary, "SELECT c.code || ' ' || p.code FROM course c, partner p WHERE NOT EXISTS "
                               "(SELECT 1 FROM course_prerequisite r WHERE r.course_id = c.id) ORDER BY c.code, p.code LIMIT 1").split()
        run(kalan, "session", "add", "S-REL-1", "--course", course[0], "--partner", course[1], "--from", today(30), "--to", today(34),
            "--capacity", "20", "--deadline", today(20), "--status", "open", "--city", "Bamako", "--country", "ML", "--log-level", "warning", env=env_primary)
        run(kalan, "session", "add", "S-REL-2", "--course", course[0], "--partner", course[1], "--from", today(40), "--to", today(44),
            "--capacity", "10000", "--deadline", today(35), "--status", "open", "--city", "Bamako", "--country", "ML", "--log-level", "warning", env=env_primary)
        made = run(kalan, "db", "standby", "--data-dir", standby, "--from", primary, "--lang", "en", "--log-level", "warning")
        check("Standby ready" in made.stdout, "kalan db standby makes a streaming standby (pg_basebackup)")
        check(psql(standby, "SELECT pg_is_in_recovery()") == "t", "the standby is in recovery (read-only, following the primary)")

        env = {"KALAN_DATABASE_URL": socket_url(primary), "KALAN_READ_DATABASE_URL": socket_url(standby),
               "KALAN_SIGNING_KEY": os.path.join(primary, "signing-key.json"), "KALAN_DATA_DIR": root, "KALAN_LANG": "en"}
        a = Server(kalan, "server-a", root, env)
        b = Server(kalan, "server-b", root, env)
        servers += [a, b]
        check(a.wait_ready() and b.wait_ready(), "two servers ready on one primary")

        print("A third server with another signing key", flush=True)
        other_key = os.path.join(root, "other-key.json")
        run(kalan, "keys", "generate", "--out", other_key, "--log-level", "warning")
        c = Server(kalan, "server-c", root, dict(env, KALAN_SIGNING_KEY=other_key))
        servers.append(c)
        try:
            c.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        check(c.process.poll() not in (None, 0) and "same key" in c.output(), "a server whose signing key differs from the database's is refused at start")

        ca, cb = Client(a.port, token), Client(b.port, token)
        print("Two servers: seats, idempotency keys, web sessions", flush=True)
        staff = [f"REL-SEAT-{i:03d}" for i in range(40)]
        for i, s in enumerate(staff):
            status, _, _, _ = (ca if i % 2 else cb).request("POST", "/api/v1/trainees", {"staffNumber": s, "givenName": "Oumar", "familyName": "Siège", "sex": "M"})
            assert status == 201, status

        def enrol_twice(s):
            key = {"Idempotency-Key": f"seat-{s}"}
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(lambda client: client.request("POST", "/api/v1/sessions/S-REL-1/enrolments", {"staffNumber": s}, key), [ca, cb]))
            return [answer[0] for answer in answers]

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(enrol_twice, staff))
        statuses = [s for pair in answers for s in pair]
        check(all(s in (201, 409) for s in statuses), f"each enrolment sent to both servers with one key: 201 or 409 in progress ({sorted(set(map(str, statuses)))})")
        rows = psql(primary, "SELECT count(*), count(*) FILTER (WHERE e.status = 'enrolled'), count(DISTINCT e.trainee_id) FROM enrolment e "
                             "JOIN training_session s ON s.id = e.session_id WHERE s.code = 'S-REL-1'").split("|")
        check(rows[0] == "40" and rows[2] == "40", f"one enrolment per person and key across both servers ({rows[0]} rows for 40 people)")
        check(int(rows[1]) == 20, f"no session over capacity: {rows[1]} seats taken of 20, the rest waitlisted")
        status, headers, _, _ = Client(a.port).request("POST", "/api/v1/login", {"username": "drh", "password": "kalan-drh-2026"})
        cookie = (headers.get("Set-Cookie") or "").split(";")[0]
        status_b, _, _, _ = Client(b.port).request("GET", "/api/v1/me", headers={"Cookie": cookie})
        check(status == 200 and status_b == 200, "a web session opened on one server is valid on the other")
        # Certificates of one completed session issued from both servers at the same moment.
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            issued = list(pool.map(lambda client: client.request("POST", "/api/v1/sessions/S-TEL-2025-01/certificates", timeout=60)[0], [ca, cb, ca, cb]))
        counts = psql(primary, "SELECT count(*), count(DISTINCT serial), count(DISTINCT enrolment_id) FROM certificate").split("|")
        check(all(s == 200 for s in issued) and counts[0] == counts[1] == counts[2],
              f"certificates issued from both servers at once: serials unique, one per enrolment ({counts[0]} certificates, {counts[1]} serials; {issued})")
        status, _, _, _ = ca.request("GET", "/api/v1/statistics/cohorts?by=course")
        check(status == 200, "statistics answer from the standby")

        print("Standby lag", flush=True)
        lags = []
        for i in range(5):
            marker = f"REL-LAG-{i}"
            started = time.monotonic()
            ca.request("POST", "/api/v1/trainees", {"staffNumber": marker, "givenName": "Lag", "familyName": "Mesure", "sex": "F"})
            while psql(standby, f"SELECT count(*) FROM trainee WHERE staff_number = '{marker}'") != "1":
                if time.monotonic() - started > 10:
                    break
                time.sleep(0.005)
            lags.append(time.monotonic() - started)
        FIGURES["standby lag (write answered → visible on standby), worst of 5"] = f"{max(lags) * 1000:.0f} ms"

        print("The primary killed under load (pg_ctl stop -m immediate), then started again", flush=True)
        load = Load([ca, cb], "S-REL-2", "REL-F")
        load.start()
        time.sleep(3)
        killed_at = time.monotonic()
        pg_ctl(primary, "-m", "immediate", "-w", "stop")
        time.sleep(5)
        pg_ctl(primary, "-l", os.path.join(primary, "postgres.log"), "-w", "start")
        restarted_at = time.monotonic()
        time.sleep(6)
        load.stop()
        records = load.records
        during = [r for r in records if killed_at + 0.5 < r[5] and r[5] + r[4] < restarted_at - 0.2]
        after = [r for r in records if r[5] >= restarted_at and r[2] is not None and 200 <= r[2] < 300]
        statuses = sorted({str(r[2]) for r in records})
        check(not any(r[2] == 500 for r in records), f"no 500 through the outage (statuses seen: {statuses})")
        check(during and all(r[2] == 503 and r[3].startswith("application/problem+json") for r in during),
              f"during the outage every answer is a 503 problem ({len(during)} answers)")
        worst = max(r[4] for r in records)
        check(worst < 10, f"no request hangs: the slowest answer took {worst:.1f} s")
        recovery = (min(r[5] + r[4] for r in after) - restarted_at) if after else None
        check(recovery is not None and recovery < 10, f"writes succeed again without a restart of Kalan ({recovery if recovery is None else round(recovery, 2)} s after PostgreSQL is back)")
        for kind, table_sql in (("trainee", "SELECT staff_number FROM trainee WHERE staff_number LIKE 'REL-F-%'"),
                                ("enrolment", "SELECT t.staff_number FROM enrolment e JOIN trainee t ON t.id = e.trainee_id "
                                              "JOIN training_session s ON s.id = e.session_id WHERE s.code = 'S-REL-2'")):
            acknowledged = load.acknowledged(kind)
            found = psql(primary, table_sql).split()
            missing = acknowledged - set(found)
            check(not missing, f"every acknowledged {kind} write is in the database ({len(acknowledged)} acknowledged, {len(missing)} missing)")
            check(len(found) == len(set(found)), f"no {kind} written twice ({len(found)} rows, {len(set(found))} distinct)")
            FIGURES[f"{kind} writes acknowledged / found"] = f"{len(acknowledged)} / {len(acknowledged & set(found))}"
        FIGURES["outage (PostgreSQL down)"] = f"{restarted_at - killed_at:.1f} s"
        FIGURES["answers during the outage"] = f"{len(during)}, all 503 problem+json" if during else "none"
        FIGURES["recovery after PostgreSQL is back"] = f"{recovery:.2f} s" if recovery is not None else "never"
        FIGURES["slowest answer under faults"] = f"{worst:.2f} s"

        print("The standby promoted after the primary is lost", flush=True)
        load = Load([ca, cb], "S-REL-2", "REL-P", workers=2)
        load.start()
        time.sleep(3)
        pg_ctl(primary, "-m", "immediate", "-w", "stop")
        load.stop()
        acknowledged = load.acknowledged("trainee")
        run(kalan, "db", "standby", "--promote", "--data-dir", standby, "--log-level", "warning")
        deadline = time.monotonic() + 30
        while psql(standby, "SELECT pg_is_in_recovery()") != "f" and time.monotonic() < deadline:
            time.sleep(0.2)
        found = set(psql(standby, "SELECT staff_number FROM trainee WHERE staff_number LIKE 'REL-P-%'").split())
        lost = acknowledged - found
        FIGURES["acknowledged writes lost at fail-over (asynchronous replication)"] = f"{len(lost)} of {len(acknowledged)}"
        d = Server(kalan, "server-d", root, dict(env, KALAN_DATABASE_URL=socket_url(standby), KALAN_READ_DATABASE_URL=""))
        servers.append(d)
        check(d.wait_ready(), "a server pointed at the promoted standby is ready")
        status, _, _, _ = Client(d.port, token).request("POST", "/api/v1/trainees", {"staffNumber": "REL-AFTER", "givenName": "Awa", "familyName": "Promue", "sex": "F"})
        check(status == 201, f"the promoted standby takes writes ({status})")

        print("SIGTERM under load on an embedded server", flush=True)
        embedded = os.path.join(root, "embedded")
        e = Server(kalan, "server-e", root, {"KALAN_DATA_DIR": embedded, "KALAN_LANG": "en", "KALAN_ALLOW_LOOPBACK_URL": "1"})
        servers.append(e)
        check(e.wait_ready(), "an embedded server is ready")
        results = []

        def hit(_):
            results.append(Client(e.port).request("GET", "/api/v1/statistics/cohorts?by=course", headers={"Authorization": "Bearer nobody"}, timeout=20))

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(hit, i) for i in range(64)]
            time.sleep(0.05)
            e.process.send_signal(signal.SIGTERM)
            concurrent.futures.wait(futures)
        code = e.process.wait(timeout=60)
        answered = [r for r in results if r[0] is not None]
        check(code == 0, f"kalan serve exits 0 on SIGTERM ({code})")
        check(all(r[0] in (401, 503) for r in answered), f"requests in flight are answered ({len(answered)} answered, {len(results) - len(answered)} refused after the stop)")
        running = pg_ctl(embedded, "status", check_rc=False).returncode == 0
        check(not running, "the embedded PostgreSQL is stopped when kalan serve has exited")
    finally:
        for server in servers:
            server.stop()
        for folder in (primary, standby, os.path.join(root, "embedded")):
            if os.path.exists(os.path.join(folder, "postgres", "postmaster.pid")):
                pg_ctl(folder, "-m", "immediate", "stop", check_rc=False)
        if not options.keep:
            shutil.rmtree(root, ignore_errors=True)
    print("\nFigures:")
    for name, value in FIGURES.items():
        print(f"  {name}: {value}")
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) failed")
        return 1
    print("\nreliability: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
