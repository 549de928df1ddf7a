"""Property services in a real browser: a resident reports a repair from their property page, the company bills
the compound, the resident pays online, the company handles the repair, and the public red/black list shows it."""

import random
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from test_case_loop import _act, _as, _rate


COMPANY = "幸福家园物业服务有限公司"


def _company_row(page, server, month):
    """The company's score, stars and residents' ratings on the month's list (computed live for an open month)."""
    page.goto(server + "/property/ratings?month=" + month)
    row = page.locator("tbody tr", has_text=COMPANY).first
    score = float(row.locator("td[data-label=得分]").inner_text())
    stars = row.locator("td[data-label=星级]").inner_text().count("★")
    residents = row.locator("td[data-label=居民评价]").inner_text()
    found = re.match(r"([\d.]+)★ \((\d+)\)", residents)
    return score, stars, (float(found.group(1)), int(found.group(2))) if found else (None, 0)


def _stars_for(score):
    """docs/property-rating.md: ≥90 five stars, ≥80 four, ≥70 three, ≥60 two, otherwise one."""
    return next(n for floor, n in ((90, 5), (80, 4), (70, 3), (60, 2), (-1, 1)) if score >= floor)


def test_resident_pays_and_reports_a_repair_that_the_company_handles(browser, server):
    resident_ctx, resident = _as(browser, server, "resident_demo", phone=True)
    resident.goto(server + "/my/property")
    expect(resident.locator("body")).to_contain_text("幸福家园物业服务有限公司")
    resident.get_by_role("link", name="我要报修").click()
    compound_id = re.search(r"node=([0-9A-Fa-f-]{36})", resident.url).group(1)
    text = "电梯按钮失灵，老人下不了楼 " + str(random.randint(1000, 9999))
    resident.select_option("select[name=categoryCode]", label="电梯故障")
    resident.fill("textarea[name=description]", text)
    resident.get_by_role("button", name="提交").click()
    expect(resident.locator(".flash")).to_contain_text("已提交")
    case_url = resident.url

    # The company bills the compound for a new month, from the compound's page.
    staff_ctx, staff = _as(browser, server, "property_demo")
    staff.goto(server + "/property/compounds/" + compound_id)
    staff.select_option("select[name=feeItemId]", index=0)
    # The demo is seeded as of today, so its bills run to this month: bill the next one.
    today = datetime.now(ZoneInfo("Asia/Shanghai"))
    staff.fill("input[name=period]", f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}")
    staff.get_by_role("button", name="为全部住户生成").click()
    expect(staff.locator(".flash")).to_contain_text("新开账单")

    # The resident pays the first bill online; the receipt number comes back.
    resident.goto(server + "/my/property")
    form = resident.locator("form.card", has=resident.get_by_role("button", name="缴费")).first
    form.locator("input[name=reference]").fill("WX" + str(random.randint(10**9, 10**10)))
    form.get_by_role("button", name="缴费").click()
    expect(resident.locator(".flash")).to_contain_text("缴费成功，收据号 SJ")
    expect(resident.locator("ul.tree").first).to_contain_text("线上支付")

    # The community dispatches the repair to the company, which handles and answers it.
    ctx, page = _as(browser, server, "gt01_community")
    page.goto(case_url)
    _act(page, "受理")
    _act(page, "交办", None, "物业企业 · ", said="已交办给")
    ctx.close()
    staff.goto(server + "/property/cases")
    expect(staff.locator("table")).to_contain_text(text[:20])
    staff.goto(case_url)
    _act(staff, "开始办理")
    _act(staff, "答复", "已更换电梯按钮并试运行")
    staff_ctx.close()

    resident.goto(case_url)
    _rate(resident, "满意")
    expect(resident.locator("body")).to_contain_text("已办结")
    resident.get_by_role("link", name="物业服务").click()
    resident.get_by_role("link", name="查看物业红黑榜").click()
    expect(resident.locator("h1")).to_contain_text("物业服务红黑榜")
    expect(resident.locator("table")).to_contain_text(COMPANY)

    # This month's list moves as the scoring says: a one-star rating from the resident is one more rating in the
    # residents' input, pulls the score down, and the stars follow the documented thresholds.
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    score, stars, (average, count) = _company_row(resident, server, month)
    assert stars == _stars_for(score)
    resident.goto(server + "/my/property")
    rate = resident.locator("form[action='/my/property/rate']")
    rate.locator("select[name=stars]").select_option("1")
    rate.get_by_role("button", name="提交评价").click()
    expect(resident.locator(".flash")).to_contain_text("感谢您的评价")
    new_score, new_stars, (new_average, new_count) = _company_row(resident, server, month)
    assert new_count == count + 1
    expected_average = ((average or 0) * count + 1) / (count + 1)
    assert abs(new_average - expected_average) <= 0.05 + (0.05 * count / (count + 1))
    assert new_score <= score
    assert new_stars == _stars_for(new_score)
    resident_ctx.close()
