"""The closed loop in a real browser: a resident's request climbs to a county department, comes back,
is rated 不满意, revisited, and closed; the queue shows overdue cases first."""

import random
import re

from playwright.sync_api import expect

from conftest import login

PASSWORD = "Demo2026"


def _act(page, label, note=None, select=None, said=None):
    """Runs one move on the case page: plain buttons, or a folded form with a note."""
    folded = page.locator("details", has=page.locator("summary", has_text=re.compile("^" + label + "$")))
    if folded.count():
        folded.first.locator("summary").click()
        form = folded.first
        if select:
            # By value (ratings, levels) or by the start of the label (a named unit: "网格 · 第一网格").
            options = form.locator("select").first.locator("option").evaluate_all("os => os.map(o => [o.value, o.textContent])")
            value = next((v for v, t in options if v == select or t.startswith(select)), select)
            form.locator("select").first.select_option(value)
        if note:
            form.locator("textarea").fill(note)
        # Wait for the answer's page: the flash of the move before would otherwise pass the checks below at once.
        with page.expect_navigation():
            form.get_by_role("button", name=label, exact=True).click()
    else:
        card = page.locator("div.card", has=page.get_by_role("button", name=label, exact=True)).first
        with page.expect_navigation():
            card.get_by_role("button", name=label, exact=True).click()
    # The page says in words what just happened, never a bare "done".
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator(".flash")).not_to_have_text("已处理")
    if said:
        expect(page.locator(".flash")).to_contain_text(said)


def _rate(page, rating, note=None):
    """Rates on the case page: three visible buttons, an optional comment; the page thanks in words."""
    form = page.locator("form.rate")
    expect(form.get_by_role("button")).to_have_count(3)
    if note:
        form.locator("textarea").fill(note)
    form.get_by_role("button", name=rating, exact=True).click()
    expect(page.locator(".flash")).to_contain_text("感谢评价")


def _as(browser, server, user, phone=False):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844} if phone else {"width": 1366, "height": 900},
                              is_mobile=phone, has_touch=phone)
    page = ctx.new_page()
    login(page, server, user, PASSWORD)
    return ctx, page


def test_a_request_runs_the_whole_loop(browser, server):
    text = "楼道灯坏了一周，老人上下楼不方便 " + str(random.randint(1000, 9999))
    resident_ctx, resident = _as(browser, server, "resident_demo", phone=True)
    resident.goto(server + "/cases/new")
    resident.select_option("select[name=categoryCode]", label="公共设施")
    resident.fill("textarea[name=description]", text)
    resident.get_by_role("button", name="提交").click()
    expect(resident.locator(".flash")).to_contain_text("已提交")
    case_url = resident.url

    steps = [
        ("gt01_community", "受理", None, None),
        ("gt01_community", "交办", None, "网格 · "),
        ("gt01_grid", "开始办理", None, None),
        ("gt01_grid", "上报上级", "需要社区协调物业", None),
        ("gt01_community", "上报上级", "需街道协调", None),
        ("gt_street", "上报上级", "街呼县应：请住建局处理", None),
        ("dept_zhujian", "交回下级", "属物业维修范围，请社区督促", "社区 · "),
        ("gt01_community", "答复", "已督促物业更换灯具", None),
    ]
    said = {"交办": "已交办给", "交回下级": "已交回给", "上报上级": "已上报给", "受理": "已受理"}
    for user, label, note, select in steps:
        ctx, page = _as(browser, server, user, phone=user == "gt01_grid")
        page.goto(case_url)
        _act(page, label, note, select, said.get(label))
        ctx.close()

    resident.goto(case_url)
    expect(resident.locator("body")).to_contain_text("已答复")
    expect(resident.locator(".card.reply")).to_contain_text("已督促物业更换灯具")
    _rate(resident, "不满意", "只换了一层")
    expect(resident.locator("body")).to_contain_text("回访")

    ctx, page = _as(browser, server, "gt01_community")
    page.goto(case_url)
    _act(page, "开始办理")
    _act(page, "答复", "回访后全部楼层已更换")
    ctx.close()

    resident.goto(case_url)
    _rate(resident, "满意")
    expect(resident.locator("body")).to_contain_text("已办结")
    expect(resident.locator("ul.tree")).to_contain_text("街呼县应")
    resident_ctx.close()


def test_the_queue_shows_overdue_cases_first(page, server):
    login(page, server, "gt01_community", PASSWORD)
    page.goto(server + "/cases?state=overdue")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("超期")
    first.locator("a").first.click()
    expect(page.locator("body")).to_contain_text("已超期")
