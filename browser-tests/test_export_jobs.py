"""The Excel export of the register as a background job in a real browser: the community worker starts it from the
residents list, watches its progress page (it refreshes itself) and downloads the workbook; another community's
worker cannot open the job. axe-core checks the pages."""

import re

from playwright.sync_api import expect

from test_case_loop import _as
from test_case_queues import _accessible


def test_a_community_worker_exports_the_register_in_the_background_and_downloads_it(browser, server):
    ctx, staff = _as(browser, server, "gt01_community")
    staff.goto(server + "/residents")
    staff.get_by_role("button", name="导出 Excel").click()
    expect(staff).to_have_url(re.compile(r"/residents/export-jobs/[0-9A-Fa-f-]+$"))
    expect(staff.locator(".flash")).to_contain_text("已开始导出")
    _accessible(staff)
    job_url = staff.url
    link = staff.get_by_role("link", name="下载 Excel 文件")
    for _ in range(30):
        if link.count():
            break
        staff.wait_for_timeout(2000)
        staff.goto(job_url)
    expect(link).to_be_visible()
    expect(staff.locator("section.card")).to_contain_text("导出完成")
    _accessible(staff)
    with staff.expect_download() as got:
        link.click()
    assert got.value.suggested_filename.endswith(".xlsx")
    ctx.close()

    octx, other = _as(browser, server, "bh01_community")
    response = other.goto(job_url)
    assert response.status == 404
    octx.close()
