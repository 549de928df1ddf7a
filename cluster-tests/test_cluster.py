"""Two servers on one PostgreSQL behind nginx (scripts/cluster): a resident, the staff and the command centre
go through the proxy, whichever server answers; one server is stopped halfway and the rest still works.

Run: python3 -m pytest -q cluster-tests   (needs a built `jingzhi`, PostgreSQL and nginx from scripts/setup)
Environment: JINGZHI_BIN (default .build/debug/jingzhi), CLUSTER_KEEP=1 leaves the cluster running afterwards.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from jzhttp import Client  # noqa: E402

CLUSTER = ROOT / "scripts" / "cluster"


@pytest.fixture(scope="module")
def cluster():
    """A fresh cluster in a temporary directory, on ports no other run uses; stopped and removed afterwards."""
    work = tempfile.mkdtemp(prefix="jingzhi-cluster-test-")
    os.chmod(work, 0o755)  # PostgreSQL runs as `postgres` when the tests run as root
    env = dict(os.environ, CLUSTER_DIR=work, CLUSTER_PORT=os.environ.get("CLUSTER_TEST_PORT", "18180"),
               CLUSTER_PG_PORT=os.environ.get("CLUSTER_TEST_PG_PORT", "54349"), CLUSTER_SCALE="tiny")
    out = subprocess.run([str(CLUSTER), "start"], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        subprocess.run([str(CLUSTER), "stop"], env=env)
        pytest.fail("scripts/cluster start failed:\n" + out.stderr + out.stdout)
    base = re.search(r"^URL=(\S+)$", out.stdout, re.M).group(1)
    yield {"base": base, "env": env, "dir": work}
    if os.environ.get("CLUSTER_KEEP") != "1":
        subprocess.run([str(CLUSTER), "stop"], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def cluster_cmd(cluster, *args):
    out = subprocess.run([str(CLUSTER), *args], env=cluster["env"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def child(staff: Client, parent_code: str, code: str) -> dict:
    res = staff.get(f"/api/v1/org/nodes?parent={parent_code}")
    assert res.status == 200, res
    return next(n for n in res.json() if n["code"] == code)


def wait_for_both(base: str, seconds: float = 20) -> set:
    """Polls /healthz until both servers have answered (nginx retries a failed server after its fail_timeout)."""
    seen, deadline = set(), time.time() + seconds
    while seen != {"a", "b"} and time.time() < deadline:
        seen.add(Client(base).get("/healthz").server)
        time.sleep(0.2)
    return seen


def act(who: Client, case_id: str, action: str, body=None, expect_state=None):
    res = who.post(f"/api/v1/cases/{case_id}/actions/{action}", json=body or {})
    assert res.status == 200, (action, res)
    if expect_state:
        assert res.json()["state"] == expect_state, (action, res)
    return res


def test_a_case_runs_its_whole_loop_across_two_servers_and_survives_losing_one(cluster):
    base = cluster["base"]
    # A resident logs in through the form: the session lives in the database, so both servers know it.
    resident = Client(base)
    resident.login_form("resident_demo")
    for _ in range(6):
        page = resident.get("/cases/new")
        assert page.status == 200 and 'name="categoryCode"' in page.text, page
    assert {"a", "b"} <= set(resident.servers), f"both servers should have served the resident: {resident.servers}"

    # The resident files a case through the form (CSRF token from one server, checked by whichever answers).
    form = resident.get("/cases/new").text
    key = re.search(r'name="idempotencyKey" value="([^"]+)"', form).group(1)
    place = re.search(r'<select name="nodeId"[^>]*>.*?<option value="([^"]+)" selected>', form, re.S).group(1)
    text = "楼道灯坏了一周 " + uuid.uuid4().hex[:6]
    filed = resident.post("/cases/new", form=[("idempotencyKey", key), ("categoryCode", "sheshi"), ("nodeId", place), ("description", text)])
    assert filed.status == 303, filed
    case_id = filed.headers["Location"].rsplit("/", 1)[-1]
    shown = resident.get(f"/cases/{case_id}")
    assert shown.status == 200 and "已提交" in shown.text and text in shown.text

    # Staff work it through the API, each call through the proxy.
    community, grid = Client(base), Client(base)
    community.login_token("gt01_community")
    grid.login_token("gt01_grid")
    act(community, case_id, "accept", expect_state="accepted")
    act(community, case_id, "dispatch", {"level": "grid"}, expect_state="dispatched")

    # The command centre: a tree change through one server shows on the very next map, whichever server draws it.
    admin = Client(base)
    admin.login_token("admin")
    g2 = child(admin, "YT-GT-01", "YT-GT-01-G02")
    community_node, grid_node = g2["parentId"], g2["id"]
    wall = Client(base)
    wall.login_form("gt_street")
    desk = wall.get("/command")
    assert desk.status == 200, desk
    wall.token = community.token

    def grid_name():
        res = wall.get(f"/api/v1/command-centre/map?node={community_node}")
        assert res.status == 200, res
        return next(g["name"] for g in res.json()["grids"] if g["id"] == grid_node), res.server

    before = {grid_name() for _ in range(4)}
    assert {s for _, s in before} == {"a", "b"}, before
    new_name = "第二网格" + uuid.uuid4().hex[:4]
    renamed = admin.request("PATCH", f"/api/v1/org/nodes/{grid_node}", json={"name": new_name})
    assert renamed.status == 200, renamed
    after = [grid_name() for _ in range(4)]
    assert all(name == new_name for name, _ in after), after
    assert {s for _, s in after} == {"a", "b"}, after

    # Server b goes away in the middle of the loop (kill -9): nginx sends everything to a; nothing is lost.
    cluster_cmd(cluster, "kill", "b")
    before_kill = len(grid.servers)
    act(grid, case_id, "start", expect_state="in_progress")
    act(grid, case_id, "reply", {"note": "已更换灯具"}, expect_state="replied")

    # The resident, still logged in, rates through the case page's form.
    page = resident.get(f"/cases/{case_id}")
    assert page.status == 200 and "rating" in page.text, page
    version = re.search(r'name="version" value="(\d+)"', page.text)
    fields = [("rating", "satisfied")] + ([("version", version.group(1))] if version else [])
    rated = resident.post(f"/cases/{case_id}/act/rate", form=fields)
    assert rated.status == 303, rated
    final = community.get(f"/api/v1/cases/{case_id}").json()
    assert final["state"] == "closed" and final["rating"] == "satisfied", final
    assert [h["toState"] for h in final["history"]] == ["submitted", "accepted", "dispatched", "in_progress", "replied", "closed"]
    assert set(grid.servers[before_kill:]) == {"a"}, grid.servers
    # The command centre still draws, from the server left.
    assert grid_name()[0] == new_name

    # b comes back and takes its share again.
    cluster_cmd(cluster, "start-server", "b")
    assert wait_for_both(base) == {"a", "b"}


def test_login_throttle_is_shared_by_both_servers(cluster):
    base = cluster["base"]
    assert wait_for_both(base) == {"a", "b"}
    guesser = Client(base)
    for i in range(5):
        res = guesser.post("/api/v1/auth/token", json={"username": "bh01_grid", "password": f"wrong-{i}"})
        assert res.status == 401, res
    assert {"a", "b"} <= set(guesser.servers), guesser.servers
    for _ in range(2):  # whichever server answers, the name is locked
        res = guesser.post("/api/v1/auth/token", json={"username": "bh01_grid", "password": "Demo2026"})
        assert res.status == 429 and res.headers.get("Retry-After"), res
