"""The command centre in a real browser: the wall screen fills 1920x1080 without scrolling and counts a new case
without a reload; the desk page supervises (督办) in place and a click on a grid opens its cases.
Screenshots of both pages go to browser-tests/artifacts/."""

import re

from playwright.sync_api import expect

from conftest import ARTIFACTS, login

PASSWORD = "Demo2026"


def _context(browser, server, user, width, height, phone=False):
    ctx = browser.new_context(base_url=server, locale="zh-CN", viewport={"width": width, "height": height}, is_mobile=phone)
    page = ctx.new_page()
    login(page, server, user, PASSWORD)
    return ctx, page


def _today_new(page):
    return int(page.locator("[data-live=counts] .cc-tally").first.locator("[data-figure=new]").inner_text())


def test_wall_screen_fits_and_refreshes_itself(browser, server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx, wall = _context(browser, server, "gt_street", 1920, 1080)
    wall.goto(server + "/command/wall?refresh=5")
    expect(wall.locator("svg.gridmap")).to_be_visible()
    expect(wall.locator("svg.trend.columns")).to_be_visible()
    # No scrolling on a wall screen.
    size = wall.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight]")
    assert size[0] <= size[2] and size[1] <= size[3], size
    wall.screenshot(path=str(ARTIFACTS / "command_wall_1920x1080.png"))
    before = _today_new(wall)
    wall.evaluate("() => { window.__sameDocument = true; }")

    # A resident reports a problem on a phone.
    rctx, phone = _context(browser, server, "resident_demo", 390, 844, phone=True)
    phone.goto(server + "/cases/new")
    phone.select_option("select[name=categoryCode]", label="治安隐患")
    phone.select_option("select[name=nodeId]", label="幸福家园")
    phone.fill("textarea[name=description]", "小区围墙有缺口，夜里有陌生人进出")
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator(".flash")).to_contain_text("已提交")
    rctx.close()

    # The wall counts it within a refresh or two, without reloading.
    expect(wall.locator("[data-live=counts] .cc-tally").first.locator("[data-figure=new]")).to_have_text(str(before + 1), timeout=20000)
    assert wall.evaluate("() => window.__sameDocument === true")
    wall.screenshot(path=str(ARTIFACTS / "command_wall_after_new_case.png"))
    ctx.close()


def test_desk_page_supervises_and_opens_a_grid(browser, server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx, desk = _context(browser, server, "gt01_community", 1366, 900)
    desk.goto(server + "/command?period=365d")
    expect(desk.locator("h1")).to_contain_text("指挥中心")
    expect(desk.locator("svg.gridmap")).to_be_visible()
    desk.screenshot(path=str(ARTIFACTS / "command_desk.png"), full_page=True)

    # 督办 the first overdue case without leaving the page.
    first = desk.locator("[data-live=overdue] li").first
    expect(first).to_be_visible()
    first.get_by_role("button", name="督办").click()
    expect(first.locator("button")).to_have_text("已督办")
    assert desk.url.endswith("/command?period=365d")

    # A grid on the map opens its cases.
    desk.locator("svg.gridmap g.areas a").first.click()
    expect(desk).to_have_url(re.compile(r"/cases\?node="))
    expect(desk.locator("table")).to_be_visible()

    # The monthly report prints on A4.
    desk.goto(server + "/reports/monthly/print")
    expect(desk.locator("h1")).to_contain_text("月度通报")
    desk.emulate_media(media="print")
    expect(desk.locator(".no-print")).to_be_hidden()
    desk.pdf(path=str(ARTIFACTS / "monthly_report_a4.pdf"), format="A4")
    ctx.close()
