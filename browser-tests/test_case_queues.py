"""Queues that show the work: a grid worker's new patrol event is first in 待受理; a department finds a case
sent to it among its home's to-dos and handles it. Every visited page is checked with axe-core."""

import random
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from test_case_loop import _act, _as

AXE = Axe()


def _accessible(page):
    """No serious or critical axe-core violation on the page as it is now."""
    results = AXE.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"{page.url}: " + "; ".join(f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodes" for v in bad)






def test_a_grid_worker_finds_a_new_patrol_event_at_the_top_of_to_accept(browser, server):
    text = "巡查发现楼道堆放杂物 " + str(random.randint(1000, 9999))
    ctx, page = _as(browser, server, "gt01_grid", phone=True)
    page.goto(server + "/cases/new")
    page.select_option("select[name=categoryCode]", label="环境卫生")
    page.select_option("select[name=nodeId]", index=1)
    page.fill("textarea[name=description]", text)
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".flash")).to_contain_text("已提交")
    number = re.search(r"YT\d{8}-\d+", page.locator(".flash").inner_text()).group(0)

    page.get_by_role("link", name="首页", exact=True).click()
    todo = page.locator("a.stat", has_text="待受理")
    expect(todo).to_be_visible()
    _accessible(page)
    todo.click()

    current = page.locator("nav.tabs a[aria-current=page]")
    expect(current).to_contain_text("待受理")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text(number)
    expect(first).to_contain_text(text[:20])
    _accessible(page)
    ctx.close()


def test_a_department_finds_and_handles_its_case_from_its_home(browser, server):
    text = "小区门口路灯整排不亮 " + str(random.randint(1000, 9999))
    resident_ctx, resident = _as(browser, server, "resident_demo", phone=True)
    resident.goto(server + "/cases/new")
    resident.select_option("select[name=categoryCode]", label="公共设施")
    resident.fill("textarea[name=description]", text)
    resident.get_by_role("button", name="提交").click()
    expect(resident.locator(".flash")).to_contain_text("已提交")
    number = re.search(r"YT\d{8}-\d+", resident.locator(".flash").inner_text()).group(0)
    case_url = resident.url
    resident_ctx.close()

    ctx, page = _as(browser, server, "gt01_community")
    page.goto(case_url)
    _act(page, "受理")
    _act(page, "交办", select="职能部门 · 县住建局", said="已交办给 县住建局")
    ctx.close()

    ctx, page = _as(browser, server, "dept_zhujian")
    expect(page.locator("main .stats")).not_to_contain_text("网格")  # its own work, not the tree's counts
    _accessible(page)
    page.locator("a.stat", has_text="待受理").click()
    expect(page.locator("nav.tabs a[aria-current=page]")).to_contain_text("待受理")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text(number)
    _accessible(page)
    row.get_by_role("link", name=number).click()
    _act(page, "开始办理")
    _act(page, "答复", note="已安排维修，整排路灯恢复")
    expect(page.locator("main")).to_contain_text("已答复")
    _accessible(page)

    page.get_by_role("link", name="首页", exact=True).click()
    page.locator("a.stat", has_text="待评价").click()
    expect(page.locator("tbody tr").first).to_contain_text(number)
    ctx.close()
