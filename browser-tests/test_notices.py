"""Notices in a real browser: community staff compose an urgent notice to a grid, preview how many people it reaches
and publish it; the resident's phone home opens on it, the resident reads and acknowledges it and the sender's
receipts move; the grid worker opens the list of residents who have not read it and marks one told at the door.
Care mode enlarges the resident's home. axe-core checks every page."""

import random
import re

from playwright.sync_api import expect

from test_case_loop import _as
from test_case_queues import _accessible


def test_staff_send_an_urgent_notice_the_resident_acknowledges_and_the_grid_worker_knocks(browser, server):
    title = "燃气停供紧急通知 " + str(random.randint(1000, 9999))

    ctx, staff = _as(browser, server, "gt01_community")
    staff.goto(server + "/notices/new")
    staff.fill("input[name=title]", title)
    staff.fill("textarea[name=body]", "明天 **9:00–15:00** 停气。\n\n- 请关好阀门\n- 行动不便的老人由网格员上门告知")
    staff.locator("label.check", has_text="第一网格").locator("input").check()
    staff.locator("label.check", has_text="紧急通知").locator("input").check()
    _accessible(staff)
    staff.get_by_role("button", name="预览送达人数").click()
    reach = staff.locator("#reach")
    expect(reach).to_contain_text("将送达")
    reached = int(re.search(r"将送达\s*(\d+)", reach.inner_text()).group(1))
    assert reached > 0
    _accessible(staff)
    staff.get_by_role("button", name="发布", exact=True).click()
    expect(staff.locator(".flash")).to_contain_text(f"通知已发布，送达 {reached} 人")
    notice_url = staff.url
    expect(staff.locator("#receipts tfoot")).to_contain_text(str(reached))
    _accessible(staff)

    rctx, phone = _as(browser, server, "resident_demo", phone=True)
    phone.goto(server + "/")
    unread = phone.locator("#home-notices a.card", has_text=title)
    expect(unread).to_be_visible()
    expect(phone.locator("nav.tiles a", has_text="通知公告")).to_be_visible()
    _accessible(phone)
    unread.click()
    expect(phone.locator(".notice-body b")).to_have_text("9:00–15:00")
    _accessible(phone)
    phone.get_by_role("button", name="我已知晓").click()
    expect(phone.locator(".flash")).to_contain_text("已确认收到")
    phone.goto(server + "/")
    expect(phone.locator("#home-notices a.card", has_text=title)).to_have_count(0)

    staff.goto(notice_url)
    totals = staff.locator("#receipts tfoot td")
    expect(totals.nth(1)).to_have_text("1")  # read
    expect(totals.nth(3)).to_have_text("1")  # acknowledged
    ctx.close()

    wctx, worker = _as(browser, server, "gt01_grid", phone=True)
    worker.goto(notice_url)
    worker.get_by_role("link", name=re.compile("未读居民名单")).click()
    count = worker.locator("#unreached-count b")
    expect(count).to_have_text(str(reached - 1))  # everyone but the resident who read it
    _accessible(worker)
    worker.locator("#unreached li").first.get_by_role("button", name="已上门告知").click()
    expect(worker.locator(".flash")).to_contain_text("已记录上门告知")
    expect(count).to_have_text(str(reached - 2))
    _accessible(worker)
    wctx.close()

    # Care mode: larger text, fewer tiles, remembered for the account.
    phone.goto(server + "/")
    tile = phone.locator("nav.tiles a", has_text="我要反映")
    small = tile.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    tiles_before = phone.locator("nav.tiles a").count()
    phone.get_by_role("button", name=re.compile("长辈模式")).click()
    expect(phone.locator("body.care")).to_have_count(1)
    large = phone.locator("nav.tiles a", has_text="我要反映").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert large > small * 1.15, (small, large)
    assert phone.locator("nav.tiles a").count() < tiles_before
    _accessible(phone)
    phone.get_by_role("button", name="关闭长辈模式").click()
    expect(phone.locator("body.care")).to_have_count(0)
    rctx.close()


def test_the_public_board_shows_the_demo_notice_without_login(page, server):
    page.goto(server + "/board/YT-GT-01")
    card = page.locator("a.card", has_text="冬季供暖试运行通知")
    expect(card).to_be_visible()
    _accessible(page)
    card.click()
    expect(page.locator(".notice-body")).to_contain_text("11月15日")
    _accessible(page)
