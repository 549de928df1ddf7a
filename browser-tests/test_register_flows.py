"""The resident register as its users work it: search and edit, a visit on a phone, scope, sign-up, import."""

import random
import re

from playwright.sync_api import expect

from conftest import login, new_resident

PASSWORD = "Demo2026"


def test_community_worker_finds_a_tagged_resident_and_edits_the_phone(page, server):
    login(page, server, "gt01_community", PASSWORD)
    page.goto(server + "/residents")
    page.select_option("select[name=tag]", "独居老人")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("tbody")).to_contain_text("独居老人")
    page.locator("tbody tr td a").first.click()
    page.get_by_role("link", name="编辑").click()
    new_phone = "139" + "".join(random.choice("0123456789") for _ in range(8))
    page.fill("input[name=phone]", new_phone)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_contain_text("已保存")
    expect(page.locator("body")).to_contain_text(new_phone)
    expect(page.locator("body")).to_contain_text("修改居民")


def test_wrong_id_number_keeps_the_form_and_says_why(page, server):
    login(page, server, "gt01_community", PASSWORD)
    page.goto(server + "/residents")
    page.locator("tbody tr td a").first.click()
    page.get_by_role("link", name="编辑").click()
    page.fill("input[name=idNumber]", "370827199001011235")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".error")).to_contain_text("身份证号无效")
    assert page.input_value("input[name=idNumber]") == "370827199001011235"


def test_grid_worker_logs_a_visit_on_a_phone(phone, server):
    login(phone, server, "gt01_grid", PASSWORD)
    phone.goto(server + "/residents")
    phone.locator("tbody tr td[data-label='住址'] a").first.click()
    note = "上门了解身体情况，提醒冬季用电安全 " + str(random.randint(1000, 9999))
    phone.fill("textarea[name=notes]", note)
    phone.get_by_role("button", name="保存走访").click()
    expect(phone.locator(".flash")).to_contain_text("走访已记录")
    expect(phone.locator("body")).to_contain_text(note)


def test_another_communitys_resident_is_not_found(browser, server):
    other = browser.new_context(locale="zh-CN")
    page = other.new_page()
    login(page, server, "bh01_community", PASSWORD)
    page.goto(server + "/residents")
    foreign = page.locator("tbody tr td a").first.get_attribute("href")
    other.close()

    mine = browser.new_context(locale="zh-CN")
    page = mine.new_page()
    login(page, server, "gt01_community", PASSWORD)
    response = page.goto(server + foreign)
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("页面不存在")
    mine.close()


def test_resident_signs_up_and_staff_link_the_household(browser, server):
    staff_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    staff = staff_ctx.new_page()
    login(staff, server, "gt01_community", PASSWORD)
    resident_ctx, resident, address = new_resident(browser, server, staff, 3, viewport=(390, 844))

    resident.goto(server + "/")
    expect(resident.locator("body")).to_contain_text(address.rsplit(" ", 1)[0])
    staff_ctx.close()
    resident_ctx.close()


def test_import_page_lists_each_bad_row_and_imports_nothing(page, server, tmp_path):
    login(page, server, "gt01_community", PASSWORD)
    page.goto(server + "/residents")
    compound = page.locator("tbody tr td[data-label='住址']").first.inner_text().split(" ")[0]
    csv = tmp_path / "居民.csv"
    csv.write_text(
        "小区,楼栋,房号,姓名,身份证号,性别\n"
        f"{compound},1号楼,901,张三,370827199001011235,男\n"
        f"{compound},1号楼,902,,,女\n",
        encoding="utf-8-sig",
    )
    page.goto(server + "/residents/import")
    page.set_input_files("input[name=file]", str(csv))
    page.locator("input[name=dryRun]").uncheck()
    page.get_by_role("button", name="上传").click()
    errors = page.locator("pre.errors")
    expect(errors).to_contain_text("第 2 行")
    expect(errors).to_contain_text("第 3 行")
    expect(page.locator("body")).to_contain_text(re.compile("未导入任何数据"))
