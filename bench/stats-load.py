#!/usr/bin/env python3
"""Statistics under load, for bench/run.sh (issue 29). Two cases, each printing table rows
(measure, Kalan, anchor, ratio, goal, pass, tab-separated):

  cold PORT TOKEN PID      eight reports sent together to a server just started: the slowest
                           answer, the index loads done (from the server's log, by the caller) and
                           the server's peak memory right after
  writes PORT TOKEN SESSION COURSE TAG SECONDS STAFF
                           six clients reading by=course while four others enrol staff in SESSION
                           over HTTP: p50/p95/worst of the reports, and how many were stale (a
                           report that counts fewer enrolments in COURSE than were committed before
                           it was asked)
"""
import http.client
import json
import sys
import threading
import time


def get(conn, path, token):
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return json.loads(body)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered))) - 1))]


def cold(port, token, pid):
    times, errors = [], []
    start = time.perf_counter()

    def one():
        try:
            conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=120)
            t0 = time.perf_counter()
            get(conn, "/api/v1/statistics/cohorts?by=course", token)
            times.append(time.perf_counter() - t0)
        except Exception as error:  # noqa: BLE001 - reported in the table
            errors.append(str(error))

    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    rss = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM"):
                rss = int(line.split()[1]) // 1024
    fine = not errors and rss < 150
    print(f"8 reports (by=course) sent together to a server just started\t"
          f"all answered in {wall:.1f} s (slowest {max(times or [0]):.1f} s), {len(errors)} errors, server peak RSS {rss} MB\t—\t—\t"
          f"one index load, RSS < 150 MB\t{'yes' if fine else 'no'}")


def writes(port, token, session, course, tag, seconds, staff):
    seconds, span = float(seconds), int(staff) // 4
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
    group = lambda report: next((g["enrolments"] for g in report["groups"] if g["group"] == [course]), 0)
    base = group(get(conn, "/api/v1/statistics/cohorts?by=course", token))
    lock = threading.Lock()
    state = {"committed": 0, "refused": 0, "stale": 0}
    latencies = []
    stop = time.time() + seconds

    def writer(k):
        c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
        n = k * span
        while time.time() < stop:
            n += 1
            if n % 25 == 0:
                continue  # inactive in the synthetic register
            body = json.dumps({"staffNumber": f"SYN-{tag}-{n:07d}"})
            c.request("POST", f"/api/v1/sessions/{session}/enrolments", body=body,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = c.getresponse()
            response.read()
            with lock:
                state["committed" if response.status == 201 else "refused"] += 1

    def reader():
        c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
        while time.time() < stop:
            with lock:
                known = state["committed"]
            t0 = time.perf_counter()
            report = get(c, "/api/v1/statistics/cohorts?by=course", token)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                if group(report) < base + known:
                    state["stale"] += 1

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)] + [threading.Thread(target=reader) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    p50, p95, worst = percentile(latencies, 50), percentile(latencies, 95), max(latencies)
    rate = state["committed"] / seconds
    fine = p95 < 100 and state["stale"] == 0 and state["refused"] == 0
    print(f"by=course, 6 clients, while 4 others enrol over HTTP ({rate:.0f} enrolments/s, {state['refused']} refused)\t"
          f"{len(latencies)} reports, p50 {p50:.0f} ms, p95 {p95:.0f} ms, worst {worst:.0f} ms, {state['stale']} stale\t—\t—\t"
          f"p95 < 100 ms, 0 stale\t{'yes' if fine else 'no'}")


if __name__ == "__main__":
    {"cold": cold, "writes": writes}[sys.argv[1]](*sys.argv[2:])
