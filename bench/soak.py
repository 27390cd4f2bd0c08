#!/usr/bin/env python3
"""Soak (issue 32): a working day's mix against one served Kalan with the demo data, for several
minutes, at a steady rate; stops by itself. `make bench` runs it after bench/run.sh.

The mix, per 100 requests: 30 API reads (sessions, a roster, a register search), 25 pages with a
session cookie (the churned session's page, the register), 20 public verifications, 14 statistics
reports, 11 writes (enrolments and withdrawals on two sessions with the same people, each with an Idempotency-Key, so that
its page and history grow as they would over weeks). Reports, per minute: requests, 5xx, p50/p95/p99;
then the server's RSS and open file descriptors at each minute, the heaviest page's size at the
start and the end, and the deadlocks PostgreSQL counted (pg_stat_database) during the run.

Usage: bench/soak.py --kalan .build/release/kalan [--seconds 300] [--rate 120] [--out FILE]
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

# Made by the soak: open, 20 seats each, a course without prerequisite, dates ahead and apart. The
# same people are enrolled in both, so that a withdrawal from one promotes someone who is leaving the
# other at the same moment (what deadlocked the statistics trigger before issue 32).
SESSIONS = ["S-SOAK-1", "S-SOAK-2"]
SESSION = SESSIONS[0]


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env):
    return subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, timeout=600)


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Load:
    def __init__(self, port, token, cookie, serials, staff):
        self.port, self.token, self.cookie, self.serials, self.staff = port, token, cookie, serials, staff
        self.lock = threading.Lock()
        self.samples = []  # (second, kind, status, latency)
        self.enrolled = set()

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        if data is not None:
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            conn.close()
            return response.status, payload, time.monotonic() - started
        except (OSError, http.client.HTTPException):
            return None, b"", time.monotonic() - started

    def one(self, rng):
        api = {"Authorization": f"Bearer {self.token}"}
        page = {"Cookie": self.cookie}
        roll = rng.randrange(100)
        if roll < 30:
            kind = "api"
            path = rng.choice(["/api/v1/sessions?limit=50", f"/api/v1/sessions/{SESSION}/roster", "/api/v1/trainees?limit=20&search=traore"])
            status, _, latency = self.request("GET", path, headers=api)
        elif roll < 55:
            kind = "page"
            path = rng.choice([f"/sessions/{SESSION}?lang=fr", "/trainees?search=sylla&lang=fr"])
            status, _, latency = self.request("GET", path, headers=page)
        elif roll < 75:
            kind = "verify"
            status, _, latency = self.request("GET", f"/verify/{rng.choice(self.serials)}?lang=fr")
        elif roll < 89:
            kind = "stats"
            status, _, latency = self.request("GET", "/api/v1/statistics/cohorts?by=" + rng.choice(["course", "department", "sex"]), headers=api)
        else:
            kind = "write"
            number, session = rng.choice(self.staff), rng.choice(SESSIONS)
            key = {"Idempotency-Key": str(uuid.uuid4()), **api}
            with self.lock:
                leave = (session, number) in self.enrolled
            if leave:
                status, _, latency = self.request(
                    "POST", f"/api/v1/sessions/{session}/enrolments/{urllib.parse.quote(number)}/withdrawal", {"reason": "soak"}, key)
            else:
                status, _, latency = self.request("POST", f"/api/v1/sessions/{session}/enrolments", {"staffNumber": number}, key)
            if status in (200, 201):
                with self.lock:
                    (self.enrolled.discard if leave else self.enrolled.add)((session, number))
        with self.lock:
            self.samples.append((time.monotonic(), kind, status, latency))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kalan", required=True)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", "300")))
    parser.add_argument("--rate", type=float, default=float(os.environ.get("SOAK_RATE", "120")), help="requests a second, all workers together")
    parser.add_argument("--workers", type=int, default=12)
    parser.add_argument("--out")
    args = parser.parse_args()
    kalan = os.path.abspath(args.kalan)
    work = tempfile.mkdtemp(prefix="kalan-soak-")
    os.chmod(work, 0o755)
    env = dict(os.environ, KALAN_DATA_DIR=work, KALAN_LOG_LEVEL="warning", KALAN_LANG="en")
    server = None
    try:
        seeded = run([kalan, "db", "seed", "--demo"], env)
        serials = re.findall(r"[A-Z]+-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", seeded.stdout)
        token = run([kalan, "token", "create", "drh", "--name", "soak"], env).stdout.strip()
        day = lambda n: time.strftime("%Y-%m-%d", time.gmtime(time.time() + n * 86400))  # noqa: E731
        for i, code in enumerate(SESSIONS):
            made = run([kalan, "session", "add", code, "--course", "TEL-FOND", "--partner", "ITRC", "--from", day(60 + 10 * i), "--to", day(64 + 10 * i),
                        "--capacity", "20", "--deadline", day(30), "--status", "open", "--city", "Bamako", "--country", "ML"], env)
            if made.returncode != 0:
                raise SystemExit(f"soak: could not add its session: {made.stdout}{made.stderr}")
        port = free_port()
        server = subprocess.Popen([kalan, "serve", "--port", str(port)], stdout=open(os.path.join(work, "serve.log"), "w"),
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        pg = os.path.join(work, "postgres")
        psql_bin = os.path.join(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip(), "psql")

        def sql(query):
            out = subprocess.run([psql_bin, "-X", "-A", "-t", "-q", "-d", f"postgresql:///kalan?host={pg}&port=5432&user=postgres", "-c", query],
                                 capture_output=True, text=True, stdin=subprocess.DEVNULL)
            return out.stdout.strip()

        staff = sql("SELECT staff_number FROM trainee WHERE active ORDER BY staff_number LIMIT 120").split()
        if not serials:
            serials = sql("SELECT serial FROM certificate LIMIT 50").split()
        login = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        login.request("POST", "/login", body="username=drh&password=kalan-drh-2026",
                      headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}"})
        response = login.getresponse()
        response.read()
        cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
        load = Load(port, token, cookie, serials, staff)

        def page_size():
            status, body, _ = load.request("GET", f"/sessions/{SESSION}?lang=fr&past=0", headers={"Cookie": cookie})
            return len(body) if status == 200 else -1

        def process_figures():
            with open(f"/proc/{server.pid}/status") as f:
                rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
            return rss // 1024, len(os.listdir(f"/proc/{server.pid}/fd"))

        # A roster in its steady state first: half the staff enrolled (seats, then a waitlist).
        for code in SESSIONS:
            for number in staff[::2]:
                status, _, _ = load.request("POST", f"/api/v1/sessions/{code}/enrolments", {"staffNumber": number},
                                            {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())})
                if status in (200, 201):
                    load.enrolled.add((code, number))
        deadlocks_before = int(sql("SELECT deadlocks FROM pg_stat_database WHERE datname = 'kalan'") or 0)
        size_start = page_size()
        started = time.monotonic()
        stop = started + args.seconds
        interval = args.workers / args.rate
        minutes = []

        def worker(i):
            rng = random.Random(i)
            next_at = time.monotonic() + rng.random() * interval
            while True:
                now = time.monotonic()
                if now >= stop:
                    return
                if now < next_at:
                    time.sleep(next_at - now)
                next_at += interval
                load.one(rng)

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.workers)]
        for t in threads:
            t.start()
        next_sample = started + 60
        while time.monotonic() < stop:
            time.sleep(max(0.0, min(next_sample, stop) - time.monotonic()))
            if time.monotonic() >= next_sample - 0.05:
                minutes.append(process_figures())
                next_sample += 60
        minutes.append(process_figures())
        for t in threads:
            t.join(timeout=60)
        size_end = page_size()
        time.sleep(1.5)  # the backends flush their statistics counters
        deadlocks = int(sql("SELECT deadlocks FROM pg_stat_database WHERE datname = 'kalan'") or 0) - deadlocks_before
        rows = []
        for m in range((args.seconds + 59) // 60):
            chunk = [s for s in load.samples if started + 60 * m <= s[0] < started + 60 * (m + 1)]
            latencies = [s[3] * 1000 for s in chunk]
            errors = sum(1 for s in chunk if s[2] is None or s[2] >= 500)
            rss, fds = minutes[m] if m < len(minutes) else minutes[-1]
            rows.append(f"| {m + 1} | {len(chunk)} | {errors} | {percentile(latencies, 50):.0f} | {percentile(latencies, 95):.0f} | "
                        f"{percentile(latencies, 99):.0f} | {rss} | {fds} |")
        writes = [s for s in load.samples if s[1] == "write"]
        lines = [
            f"# Soak: {args.seconds} s at {args.rate:g} req/s ({args.workers} workers), demo data, one server, {os.path.basename(kalan)} "
            f"({os.path.dirname(kalan)})",
            "",
            "| minute | requests | 5xx or no answer | p50 ms | p95 ms | p99 ms | RSS MB | open fds |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"- requests: {len(load.samples)}, of which writes {len(writes)} "
            f"({sum(1 for s in writes if s[2] in (200, 201))} answered 2xx)",
            f"- heaviest page ({SESSION}, HR): {size_start:,} bytes at the start, {size_end:,} at the end",
            f"- deadlocks reported by PostgreSQL during the run: {deadlocks}",
        ]
        text = "\n".join(lines)
        print(text)
        out = args.out or os.path.join("bench-results", f"soak-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.md")
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
        with open(out, "w") as f:
            f.write(text + "\n")
        print(f"written to {out}")
        return 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
