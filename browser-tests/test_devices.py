"""Smart devices in a real browser: the simulator raises a smoke alarm in 古亭社区's first grid; the case shows on
the street's wall screen and in the grid worker's queue on a phone without a reload; the device pages pass axe."""

import subprocess
import time

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, SERVER_INFO
from test_case_loop import _as
from test_case_queues import _accessible
from test_command_centre import _context, _today_new


def _jingzhi(*args):
    """Runs a `jingzhi` command on the server's own data, retrying while the server holds the write lock."""
    if "data_dir" not in SERVER_INFO:
        pytest.skip("needs the server this session started (not JINGZHI_BASE_URL)")
    last = None
    for _ in range(8):
        last = subprocess.run([SERVER_INFO["binary"], *args, "--data-dir", SERVER_INFO["data_dir"]],
                              capture_output=True, text=True, timeout=180)
        if last.returncode == 0:
            return last.stdout
        time.sleep(1.5)
    raise AssertionError(f"jingzhi {' '.join(args)} failed: {last.stdout}{last.stderr}")


def test_a_smoke_alarm_reaches_the_wall_and_the_grid_workers_queue_without_a_reload(browser, server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wctx, wall = _context(browser, server, "gt_street", 1920, 1080)
    wall.goto(server + "/command/wall?refresh=5")
    before = _today_new(wall)
    wall.evaluate("() => { window.__sameDocument = true; }")

    gctx, phone = _as(browser, server, "gt01_grid", phone=True)
    phone.goto(server + "/cases")
    alarms = phone.locator("[data-live-page] tr", has_text="烟感燃气报警")
    already = alarms.count()
    phone.evaluate("() => { window.__sameDocument = true; }")

    out = _jingzhi("device", "simulate", "--smoke-under", "YT-GT-01-G01")
    assert "accepted 1" in out, out

    # The wall counts it and the worker's list shows it, each within a refresh, in the same document.
    expect(wall.locator("[data-live=counts] .cc-tally").first.locator("[data-figure=new]")).to_have_text(str(before + 1), timeout=30000)
    assert wall.evaluate("() => window.__sameDocument === true")
    expect(alarms).to_have_count(already + 1, timeout=45000)
    assert phone.evaluate("() => window.__sameDocument === true")
    phone.screenshot(path=str(ARTIFACTS / "devices_grid_queue_360.png"))
    wctx.close()

    # The case names the device; the device page shows the alarm, and the worker clears nothing by mistake.
    alarms.first.get_by_role("link").first.click()
    expect(phone.locator("dl.props")).to_contain_text("烟感报警器")
    _accessible(phone)
    phone.locator("dl.props a", has_text="烟感报警器").click()
    expect(phone.locator("h1")).to_contain_text("烟感报警器")
    expect(phone.locator("table").nth(1)).to_contain_text("告警中")
    _accessible(phone)
    gctx.close()


def test_staff_filter_devices_and_read_alarms_on_a_wide_screen(browser, server):
    ctx, page = _as(browser, server, "gt01_community")
    page.goto(server + "/devices")
    expect(page.locator("h1")).to_contain_text("智慧设备")
    page.locator("select[name=kind]").select_option("water_meter")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("table.list tbody tr").first).to_contain_text("智慧水表")
    _accessible(page)
    page.goto(server + "/devices?q=WM-YT-GT-01-01-QUIET")
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    page.locator("table.list tbody a").first.click()
    expect(page.locator("h1")).to_contain_text("WM-YT-GT-01-01-QUIET")
    expect(page.locator("body")).to_contain_text("未用水")
    page.screenshot(path=str(ARTIFACTS / "devices_detail_1366.png"))
    _accessible(page)
    page.goto(server + "/devices/alarms?state=active")
    expect(page.locator("h1")).to_contain_text("设备告警")
    _accessible(page)
    ctx.close()
    # a resident is refused the registry
    rctx, resident = _as(browser, server, "resident_demo", phone=True)
    response = resident.goto(server + "/devices")
    assert response.status == 403
    rctx.close()
