#!/usr/bin/env python3
"""Server time of the heavy staff pages against a plain route measured in the same run.

Usage: bench/pages.py BASE_URL [--user admin] [--repeats 15] [--budget-ms 300]
Signs in through the login form (as a browser does), then times GET /healthz (baseline: routing and one tiny
query) and each page in PAGES, one request at a time, after two warm-up requests each. Prints a Markdown table
of medians and 90th percentiles with the ratio to the baseline, and exits 1 when a page's median is over the
budget. Loopback only; run it against a release build (`jingzhi serve --demo`).
"""
import argparse
import http.cookiejar
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

# The pages the offices issue named as slow, and the other staff pages a county admin opens every day.
PAGES = [
    "/", "/cases", "/cases?queue=mine", "/cases?queue=to_accept", "/visits", "/property/collection",
    "/reports/monthly", "/reports/monthly/print", "/measures", "/command", "/command/wall", "/residents",
    "/audit", "/org", "/users", "/property", "/property/bills", "/property/ratings", "/property/cases", "/patrols",
    "/link-requests", "/case-categories", "/notifications",
]


def opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def sign_in(op, base, user, password):
    page = op.open(base + "/login", timeout=30).read().decode()
    token = re.search(r'name="_csrf" value="([^"]+)"', page)
    form = {"username": user, "password": password}
    if token:
        form["_csrf"] = token.group(1)
    res = op.open(base + "/login", data=urllib.parse.urlencode(form).encode(), timeout=30)
    if "/login" in res.geturl():
        sys.exit(f"sign-in as {user} failed")


def timed(op, url, repeats):
    for _ in range(2):
        op.open(url, timeout=60).read()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = op.open(url, timeout=60)
        res.read()
        times.append((time.perf_counter() - t0) * 1000)
        if res.status != 200:
            sys.exit(f"{url}: HTTP {res.status}")
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.9))]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("base")
    p.add_argument("--user", default="admin")
    p.add_argument("--password", default="Demo2026")
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--budget-ms", type=float, default=300)
    a = p.parse_args()
    base = a.base.rstrip("/")
    op = opener()
    sign_in(op, base, a.user, a.password)
    base_med, base_p90 = timed(op, base + "/healthz", a.repeats)
    print(f"signed in as {a.user}; {a.repeats} requests a page after 2 warm-ups\n")
    print("| page | median ms | p90 ms | × baseline |")
    print("|---|---:|---:|---:|")
    print(f"| baseline: `GET /healthz` | {base_med:.1f} | {base_p90:.1f} | 1.0 |")
    over = []
    for path in PAGES:
        med, p90 = timed(op, base + path, a.repeats)
        print(f"| `{path}` | {med:.1f} | {p90:.1f} | {med / base_med:.0f} |")
        if med > a.budget_ms:
            over.append(path)
    if over:
        print(f"\nover {a.budget_ms:.0f} ms: {', '.join(over)}")
        sys.exit(1)
    print(f"\nevery page under {a.budget_ms:.0f} ms")


if __name__ == "__main__":
    main()
