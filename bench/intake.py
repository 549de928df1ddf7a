#!/usr/bin/env python3
"""Case intake throughput over HTTP against a plain route measured in the same run.

Usage: bench/intake.py BASE_URL [--requests N] [--threads K]
Logs in as the demo community worker, then times GET /healthz (baseline: routing + one tiny query)
and POST /api/v1/cases (validation, deadlines, numbering, event, notifications, one transaction),
each N times over K threads. Prints requests per second and the ratio. Loopback only.
"""
import argparse
import json
import threading
import time
import urllib.request
import uuid


def call(base, method, path, token=None, body=None, headers=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=30) as res:
        return res.status, res.read()


def rate(n, threads, work):
    done = [0]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if done[0] >= n:
                    return
                done[0] += 1
            work()

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return n / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("base")
    p.add_argument("--requests", type=int, default=500)
    p.add_argument("--threads", type=int, default=4)
    a = p.parse_args()
    assert a.base.startswith("http://127.") or a.base.startswith("http://localhost"), "loopback only"
    _, body = call(a.base, "POST", "/api/v1/auth/token", body={"username": "gt01_community", "password": "Demo2026"})
    token = json.loads(body)["token"]
    _, body = call(a.base, "GET", "/api/v1/org/nodes?parent=YT-GT-01", token)
    grid = json.loads(body)[0]["id"]
    _, body = call(a.base, "GET", "/api/v1/org/nodes?parent=" + grid, token)
    compound = json.loads(body)[0]["id"]
    case = {"categoryCode": "huanjing", "nodeId": compound, "description": "基准测试：垃圾桶满了"}

    def healthz():
        call(a.base, "GET", "/healthz")

    def intake():
        status, _ = call(a.base, "POST", "/api/v1/cases", token, case, {"Idempotency-Key": str(uuid.uuid4())})
        assert status == 201, status

    rate(50, a.threads, healthz)  # warm-up
    base = rate(a.requests, a.threads, healthz)
    cases = rate(a.requests, a.threads, intake)
    print(f"| GET /healthz (baseline) | {base:.0f} req/s | 1.00 |")
    print(f"| POST /api/v1/cases | {cases:.0f} cases/s | {cases / base:.2f} |")


if __name__ == "__main__":
    main()
