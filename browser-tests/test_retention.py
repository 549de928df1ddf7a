"""Personal data retention in a real browser: the county admin finds the setting from the residents list, shortens the
period, is told how many people it affects and confirms; a community worker neither sees the link nor opens the page.
axe-core checks every page, at desk and phone size."""

import re

from playwright.sync_api import expect

from test_case_loop import _as
from test_case_queues import _accessible


def test_the_admin_shortens_the_retention_period_after_a_confirmation(browser, server):
    ctx, admin = _as(browser, server, "admin")
    admin.goto(server + "/residents")
    admin.get_by_role("link", name="个人信息保存期限").click()
    expect(admin).to_have_url(re.compile(r"/residents/retention$"))
    expect(admin.locator("dl.card")).to_contain_text("24 个月")
    _accessible(admin)
    admin.fill("input[name=movedAwayMonths]", "18")
    admin.get_by_role("button", name="保存").click()
    # shortening asks once more, saying what it does, and saves nothing yet
    expect(admin.get_by_role("alert")).to_contain_text("不可恢复地匿名化")
    expect(admin.locator("dl.card")).to_contain_text("24 个月")
    _accessible(admin)
    admin.get_by_label("我已了解，确认缩短").check()
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator(".flash")).to_contain_text("保存 18 个月")
    expect(admin.locator("dl.card")).to_contain_text("18 个月")
    # the browser itself refuses a number out of range (the server refuses it in words too, tested in Swift)
    admin.fill("input[name=movedAwayMonths]", "500")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator("input[name=movedAwayMonths]:invalid")).to_have_count(1)
    expect(admin.locator("dl.card")).to_contain_text("18 个月")
    ctx.close()

    pctx, phone = _as(browser, server, "admin", phone=True)
    phone.goto(server + "/residents/retention")
    expect(phone.locator("dl.card")).to_contain_text("18 个月")
    _accessible(phone)
    pctx.close()

    sctx, staff = _as(browser, server, "gt01_community")
    staff.goto(server + "/residents")
    expect(staff.get_by_role("link", name="个人信息保存期限")).to_have_count(0)
    response = staff.goto(server + "/residents/retention")
    assert response.status == 403
    sctx.close()
