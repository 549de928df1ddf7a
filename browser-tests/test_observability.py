"""Operations in a real browser: a grid worker opens a resident (phone shown in full), an admin finds that view in
the audit page's personal-data access log (个人信息查看记录) by subject and field, and a scraper on this machine reads
/metrics, where the resident's page counts under its route pattern, never its id. axe-core checks the log page."""

import re

from playwright.sync_api import expect

from test_case_loop import _as
from test_case_queues import _accessible


def test_an_admin_sees_who_was_shown_a_residents_phone_and_metrics_name_routes_not_ids(browser, server):
    wctx, worker = _as(browser, server, "gt01_grid")
    worker.goto(server + "/residents")
    worker.locator("table a[href^='/residents/']").first.click()
    expect(worker).to_have_url(re.compile(r"/residents/[0-9A-Fa-f-]{36}$"))
    subject = worker.url.rsplit("/", 1)[1]
    wctx.close()

    actx, admin = _as(browser, server, "admin")
    admin.goto(server + "/audit")
    admin.get_by_role("link", name="个人信息查看记录").click()
    expect(admin.locator("h1")).to_contain_text("个人信息查看记录")
    admin.fill("input[name=subjectId]", subject)
    admin.select_option("select[name=field]", "phone")
    admin.get_by_role("button", name="筛选").click()
    rows = admin.locator("tbody tr")
    expect(rows.filter(has_text="GET /residents/:id").first).to_contain_text("gt01_grid")
    expect(rows.first).to_contain_text(subject.lower())
    expect(rows.first).to_contain_text("手机号")
    _accessible(admin)

    metrics = admin.request.get(server + "/metrics")
    assert metrics.status == 200
    text = metrics.text()
    assert "# TYPE jingzhi_http_requests_total counter" in text
    assert 'route="/residents/:id"' in text
    assert subject.lower() not in text.lower()
    actx.close()
