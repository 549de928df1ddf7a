"""Care visits as offices and grid workers use them: community staff plan visits and narrow the list by tag and
status on a wide screen; a grid worker on a phone records a due visit from the list. axe-core checks every page."""

from playwright.sync_api import expect

from test_case_loop import _as
from test_case_queues import _accessible


def test_staff_plan_and_filter_visits_and_a_grid_worker_records_one_on_a_phone(browser, server):
    ctx, page = _as(browser, server, "gt01_community")
    page.goto(server + "/visits")
    plan = page.locator("form.card", has=page.locator("select[name=period]"))
    plan.locator("select[name=tag]").select_option("独居老人")
    plan.locator("select[name=period]").select_option("week")
    plan.get_by_role("button").click()
    expect(page.locator(".flash")).to_contain_text("走访计划已保存")
    _accessible(page)

    filters = page.locator("form#visit-filters")
    filters.locator("select[name=tag]").select_option("独居老人")
    filters.locator("select[name=status]").select_option("due")
    filters.get_by_role("button", name="筛选").click()
    expect(page.locator("form#visit-filters select[name=tag]")).to_have_value("独居老人")
    tasks = page.locator("#visit-tasks li")
    expect(tasks.first).to_contain_text("独居老人")
    expect(page.locator("#visit-tasks li.overdue")).to_have_count(0)
    expect(page.get_by_text("覆盖率月份")).to_be_visible()
    _accessible(page)
    ctx.close()

    ctx, phone = _as(browser, server, "gt01_grid", phone=True)
    phone.goto(server + "/visits?tag=独居老人")
    before = _open_count(phone)
    first = phone.locator("#visit-tasks li").first
    _accessible(phone)
    first.get_by_role("link", name="记录走访").click()
    phone.fill("textarea[name=notes]", "老人身体尚好，家中整洁")
    _accessible(phone)
    phone.get_by_role("button", name="保存走访").click()
    expect(phone.locator(".flash")).to_contain_text("走访已记录")
    phone.goto(server + "/visits?tag=独居老人")
    assert _open_count(phone) < before, "the visited household is no longer open"
    ctx.close()


def _open_count(page):
    """Open visits listed: the number in the pager's "共 N 条"."""
    import re
    text = page.locator(".pager, p.muted", has_text="共").first.inner_text()
    return int(re.search(r"共 (\d+) 条", text).group(1))
