#!/usr/bin/env python3
"""Load: many people at once — residents filing and rating, staff working their queues, wall screens polling the
command centre — against one URL (the cluster's nginx, or one server), for a fixed time.

Usage: bench/load.py BASE_URL [--users 200] [--seconds 600] [--think 2.0] [--label two-servers] [--json FILE]

The users are threads: 70 % residents, 25 % staff, 5 % wall screens (at least one of each). Each waits `think`
seconds (± half) between steps. A resident files a case (with an Idempotency-Key), looks at their cases, and rates
each of their cases once the staff replied. Staff take cases from the residents' hand-off, accept, dispatch to the
grid, start and reply (grid worker), and read their queues and the visits due. A wall loads /command and polls the
map. Every response must have the status its step expects, else it counts as an error (with the first few shown).
Prints per kind of request: count, errors, p50, p99 (ms), and the requests per second. Loopback only.
"""
from __future__ import annotations

import argparse
import http.client
import json
import queue
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jzhttp import Client  # noqa: E402


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.samples: list[str] = []
        self.servers: dict[str, int] = {}

    def call(self, kind: str, expect: tuple[int, ...], fn):
        started = time.perf_counter()
        try:
            res = fn()
            ok, detail = res.status in expect, f"{kind}: {res.status} {res.text[:160]}"
        except (OSError, http.client.HTTPException) as e:
            res, ok, detail = None, False, f"{kind}: {type(e).__name__} {e}"
        elapsed = time.perf_counter() - started
        with self.lock:
            self.times.setdefault(kind, []).append(elapsed)
            if res is not None:
                self.servers[res.server or "-"] = self.servers.get(res.server or "-", 0) + 1
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.samples) < 8:
                    self.samples.append(detail)
        return res if ok else None


class Run:
    def __init__(self, args):
        self.args = args
        self.stats = Stats()
        self.stop = threading.Event()
        self.to_work: queue.Queue = queue.Queue()      # case ids the residents filed, for the staff
        self.to_rate: dict[int, queue.Queue] = {}      # per resident: case ids replied to
        self.node = None

    def think(self):
        self.stop.wait(self.args.think * random.uniform(0.5, 1.5))

    def client(self, username: str) -> Client:
        c = Client(self.args.base, timeout=120)
        for _ in range(5):
            res = self.stats.call("login", (200,), lambda: c.post("/api/v1/auth/token", json={"username": username, "password": "Demo2026"}))
            if res:
                c.token = res.json()["token"]
                return c
            time.sleep(1)
        raise RuntimeError(f"cannot log in as {username}")

    def resident(self, n: int):
        c = self.client("resident_demo")
        mine = self.to_rate.setdefault(n, queue.Queue())
        s = self.stats
        while not self.stop.is_set():
            body = {"categoryCode": "huanjing", "nodeId": self.node, "description": f"负载测试 {uuid.uuid4().hex[:8]} 垃圾桶满了"}
            res = s.call("POST /api/v1/cases", (201,), lambda: c.post("/api/v1/cases", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}))
            if res:
                self.to_work.put((n, res.json()["id"]))
            self.think()
            s.call("GET /api/v1/cases (own)", (200,), lambda: c.get("/api/v1/cases?limit=20"))
            self.think()
            try:
                case_id = mine.get_nowait()
            except queue.Empty:
                continue
            s.call("GET /api/v1/cases/{id}", (200,), lambda: c.get(f"/api/v1/cases/{case_id}"))
            self.think()
            s.call("POST rate", (200,), lambda: c.post(f"/api/v1/cases/{case_id}/actions/rate", json={"rating": "satisfied"}))
            self.think()

    def staff(self, n: int):
        community, grid = self.client("gt01_community"), self.client("gt01_grid")
        s = self.stats
        steps = [(community, "accept", {}), (community, "dispatch", {"level": "grid"}), (grid, "start", {}),
                 (grid, "reply", {"note": "已处理，请评价"})]
        while not self.stop.is_set():
            s.call("GET /api/v1/cases?queue=to_accept", (200,), lambda: community.get("/api/v1/cases?queue=to_accept&limit=20"))
            self.think()
            try:
                owner, case_id = self.to_work.get(timeout=1)
            except queue.Empty:
                s.call("GET /api/v1/visits/due", (200,), lambda: grid.get("/api/v1/visits/due"))
                self.think()
                continue
            done = True
            for who, action, body in steps:
                if self.stop.is_set():
                    done = False
                    break
                if not s.call("POST " + action, (200,), lambda: who.post(f"/api/v1/cases/{case_id}/actions/{action}", json=body)):
                    done = False
                    break
                self.think()
            if done:
                self.to_rate.setdefault(owner, queue.Queue()).put(case_id)
            s.call("GET /api/v1/cases?queue=mine", (200,), lambda: grid.get("/api/v1/cases?queue=mine&limit=20"))
            s.call("GET /api/v1/visits/due", (200,), lambda: grid.get("/api/v1/visits/due"))
            self.think()

    def wall(self, n: int):
        c = Client(self.args.base, timeout=120)
        s = self.stats
        page = s.call("login", (200,), lambda: c.get("/login"))
        if not page or not s.call("login", (303,), lambda: c.post("/login", form=[("username", "gt_street"), ("password", "Demo2026")])):
            return
        while not self.stop.is_set():
            s.call("GET /command", (200,), lambda: c.get("/command"))
            for _ in range(3):
                self.stop.wait(self.args.think * 2)
                if self.stop.is_set():
                    break
                s.call("GET /command/live", (200,), lambda: c.get("/command/live"))

    def go(self):
        a = self.args
        staff = self.client("gt01_community")
        grid = next(iter(staff.get("/api/v1/org/nodes?parent=YT-GT-01").json()))
        self.node = staff.get("/api/v1/org/nodes?parent=" + grid["id"]).json()[0]["id"]
        walls = max(1, round(a.users * 0.05))
        staffs = max(1, round(a.users * 0.25))
        residents = max(1, a.users - walls - staffs)
        self.stats = Stats()
        threads = [threading.Thread(target=self.resident, args=(i,), daemon=True) for i in range(residents)]
        threads += [threading.Thread(target=self.staff, args=(i,), daemon=True) for i in range(staffs)]
        threads += [threading.Thread(target=self.wall, args=(i,), daemon=True) for i in range(walls)]
        started = time.perf_counter()
        for t in threads:
            t.start()
            time.sleep(0.02)   # log in gradually
        self.stop.wait(a.seconds)
        self.stop.set()
        for t in threads:
            t.join(timeout=180)
        elapsed = time.perf_counter() - started
        return residents, staffs, walls, elapsed


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("base")
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--think", type=float, default=2.0)
    p.add_argument("--label", default="")
    p.add_argument("--json", help="also write the figures to this file")
    a = p.parse_args()
    run = Run(a)
    residents, staffs, walls, elapsed = run.go()
    st = run.stats
    total = sum(len(v) for v in st.times.values())
    errors = sum(st.errors.values())
    print(f"## load {a.label}: {a.users} users ({residents} residents, {staffs} staff, {walls} walls), {elapsed:.0f} s, "
          f"think {a.think} s; {total} requests ({total / elapsed:.1f}/s), {errors} errors; served by {st.servers}")
    print("| request | count | errors | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    rows = {}
    for kind in sorted(st.times):
        v = st.times[kind]
        rows[kind] = {"count": len(v), "errors": st.errors.get(kind, 0), "p50": pct(v, 0.5), "p99": pct(v, 0.99),
                      "mean": statistics.mean(v) * 1000}
        print(f"| {kind} | {len(v)} | {st.errors.get(kind, 0)} | {rows[kind]['p50']:.0f} | {rows[kind]['p99']:.0f} |")
    for line in st.samples:
        print("error:", line)
    if a.json:
        Path(a.json).write_text(json.dumps({"label": a.label, "users": a.users, "seconds": elapsed, "requests": total,
                                            "errors": errors, "servers": st.servers, "kinds": rows}, ensure_ascii=False, indent=1))
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
