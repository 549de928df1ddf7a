"""Property services in a real browser: a resident reports a repair from their property page, the company bills
the compound, the resident pays online, the company handles the repair, and the public red/black list shows it."""

import random
import re

from playwright.sync_api import expect

from test_case_loop import _act, _as


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
    staff.fill("input[name=period]", "2026-12")
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
    _act(page, "交办", None, "property")
    ctx.close()
    staff.goto(server + "/property/cases")
    expect(staff.locator("table")).to_contain_text(text[:20])
    staff.goto(case_url)
    _act(staff, "开始办理")
    _act(staff, "答复", "已更换电梯按钮并试运行")
    staff_ctx.close()

    resident.goto(case_url)
    _act(resident, "评价", None, "satisfied")
    expect(resident.locator("body")).to_contain_text("已办结")
    resident.get_by_role("link", name="物业服务").click()
    resident.get_by_role("link", name="查看物业红黑榜").click()
    expect(resident.locator("h1")).to_contain_text("物业服务红黑榜")
    expect(resident.locator("table")).to_contain_text("幸福家园物业服务有限公司")
    resident_ctx.close()
