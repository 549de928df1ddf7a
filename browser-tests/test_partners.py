"""Partners end to end (issue 16, "Done when"): the community posts a need and a micro-wish; the partner offers a
resource on a phone; staff make a project that matches them; the partner claims the wish on a 360x640 phone and
hands it over with a photo; the community confirms and records the thanks, and records the delivery: the need shows
as met and the wish as fulfilled with thanks on the public wall, which never shows who the wish is for. axe-core
checks every page. A second flow: a resident raises a need that staff accept as a small request, a partner claims and
does it on a phone through /claims; the resident is told in 消息 and writes their own thanks for a fulfilled wish."""

import base64
import json
import random
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
import urllib.request
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from conftest import login
from test_case_loop import PASSWORD, _as
from test_case_queues import _accessible

SHANGHAI = ZoneInfo("Asia/Shanghai")
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _small_phone(browser, server, user):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    login(page, server, user, PASSWORD)
    return ctx, page


def test_a_need_and_a_wish_are_met_by_a_partner(browser, server):
    tag = str(random.randint(1000, 9999))
    need_title = "冬季棉被 " + tag
    wish_title = "一套新书包 " + tag
    person = "王小明" + tag
    resource_title = "爱心棉被 " + tag
    due = (datetime.now(SHANGHAI) + timedelta(days=30)).strftime("%Y-%m-%d")
    today = datetime.now(SHANGHAI).strftime("%Y-%m-%d")

    staff_ctx, desk = _as(browser, server, "gt01_community")
    partner_ctx, phone = _small_phone(browser, server, "partner_demo")

    # The community posts a need...
    desk.goto(server + "/partner-lists/needs")
    _accessible(desk)
    desk.fill("input[name=title]", need_title)
    desk.select_option("select[name=category]", value="goods")
    desk.fill("input[name=quantity]", "2")
    desk.fill("input[name=forWhom]", "独居老人")
    desk.fill("input[name=dueDay]", due)
    desk.get_by_role("button", name="登记", exact=True).click()
    expect(desk.locator(".flash")).to_contain_text(need_title)

    # ...and a micro-wish, the person's name for staff only.
    desk.goto(server + "/wishes")
    _accessible(desk)
    desk.fill("input[name=title]", wish_title)
    desk.fill("textarea[name=story]", "困难家庭的小学生")
    desk.fill("input[name=value]", "80")
    desk.fill("input[name=beneficiaryName]", person)
    desk.get_by_role("button", name="发布", exact=True).click()
    expect(desk.locator(".flash")).to_contain_text(wish_title)
    wish_url = desk.url
    expect(desk.get_by_text(person)).to_be_visible()

    # The partner offers a resource from the phone.
    phone.goto(server + "/partner-lists/resources")
    _accessible(phone)
    phone.fill("input[name=title]", resource_title)
    phone.select_option("select[name=category]", value="goods")
    phone.fill("input[name=quantity]", "5")
    phone.fill("input[name=availableFrom]", today)
    phone.fill("input[name=availableTo]", due)
    phone.get_by_role("button", name="提供", exact=True).click()
    expect(phone.locator(".flash")).to_contain_text(resource_title)

    # Staff make a project that matches them: 2 promised, nothing delivered yet.
    desk.goto(server + "/partner-lists/projects")
    _accessible(desk)
    desk.fill("input[name=title]", "暖冬行动 " + tag)
    desk.fill("input[name=owner]", "张丽")
    desk.fill("input[name=startDay]", today)
    desk.fill("input[name=endDay]", due)
    desk.get_by_role("button", name="新建", exact=True).click()
    expect(desk.locator(".flash")).to_contain_text("已新建项目")
    project_url = desk.url
    _accessible(desk)
    match = desk.locator("form.card", has_text="承诺数量")
    match.locator("select[name=needId]").select_option(label=need_title + "（2项 待承诺）")
    match.locator("select[name=resourceId]").select_option(label=resource_title + "（剩余 5项）")
    match.locator("input[name=committed]").fill("2")
    match.get_by_role("button", name="对接").click()
    expect(desk.locator(".flash")).to_contain_text("已对接")
    row = desk.locator("tr", has_text=need_title)
    expect(row).to_contain_text("待满足")

    # The partner claims the wish on the phone, then hands it over with a photo.
    phone.goto(server + "/wishes")
    _accessible(phone)
    phone.get_by_role("link", name=wish_title).click()
    expect(phone.get_by_text(person)).to_have_count(0)
    phone.get_by_label("同意在心愿墙上显示我的名字").check()
    phone.get_by_role("button", name="认领这个心愿").click()
    expect(phone.locator(".flash")).to_contain_text("认领成功")
    _accessible(phone)
    photo = Path(tempfile.mkdtemp()) / "handover.png"
    photo.write_bytes(PNG)
    phone.set_input_files("input[name=photo]", str(photo))
    phone.get_by_role("button", name="上传照片，完成交付").click()
    expect(phone.locator(".flash")).to_contain_text("等待社区确认")

    # The community confirms with the photo in view and records the thanks.
    desk.goto(wish_url)
    _accessible(desk)
    expect(desk.locator("img.proof")).to_be_visible()
    desk.get_by_role("button", name="确认实现").click()
    expect(desk.locator(".flash")).to_contain_text("确认实现")
    desk.fill("textarea[name=thanks]", "谢谢好心人！" + tag)
    desk.get_by_role("button", name="记录感谢").click()
    expect(desk.locator(".flash")).to_contain_text("记录感谢")

    # The delivery is recorded: the need is met.
    desk.goto(project_url)
    desk.locator("tr", has_text=need_title).get_by_role("button", name="登记交付").click()
    expect(desk.locator(".flash")).to_contain_text("已满足")
    desk.goto(server + "/partner-lists/needs?state=met")
    expect(desk.locator("tr", has_text=need_title)).to_contain_text("已满足")
    _accessible(desk)

    # The public wall: fulfilled, with thanks and the claimer's name, never the person.
    anon_ctx = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    anon = anon_ctx.new_page()
    anon.goto(server + "/wish-wall")
    _accessible(anon)
    card = anon.locator(".wish", has_text=wish_title)
    expect(card).to_contain_text("已实现")
    expect(card).to_contain_text("谢谢好心人！" + tag)
    expect(card).to_contain_text("孝贤大食堂")
    assert person not in anon.content()
    anon.goto(server + "/our-partners")
    _accessible(anon)
    expect(anon.get_by_text("孝贤大食堂").first).to_be_visible()
    for ctx in (staff_ctx, partner_ctx, anon_ctx):
        ctx.close()


def _api(server, path, token=None, body=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Content-Type": "image/png" if raw is not None else "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(server + path, data=data, headers=headers, method="POST" if data is not None else "GET")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def _token(server, user):
    return _api(server, "/api/v1/auth/token", body={"username": user, "password": PASSWORD})["token"]


def test_a_partner_claims_a_residents_need_on_a_phone_and_the_resident_thanks_for_a_wish(browser, server):
    tag = str(random.randint(1000, 9999))
    need_title = "帮忙修理轮椅 " + tag
    wish_title = "一台收音机 " + tag
    resident_ctx, resident = _small_phone(browser, server, "resident_demo")
    partner_ctx, phone = _small_phone(browser, server, "partner_demo")
    staff_ctx, desk = _as(browser, server, "gt01_community")

    # A resident raises a need on the phone; it waits for the community.
    resident.goto(server + "/my-needs")
    _accessible(resident)
    resident.fill("input[name=title]", need_title)
    resident.select_option("select[name=category]", value="service")
    resident.fill("input[name=quantity]", "1")
    resident.get_by_role("button", name="提交给社区").click()
    expect(resident.locator(".flash")).to_contain_text(need_title)
    expect(resident.locator(".card", has_text=need_title)).to_contain_text("待审核")

    # Staff accept it as a small request partners may claim; the resident is told in 消息.
    desk.goto(server + "/partner-lists/needs?state=proposed")
    _accessible(desk)
    row = desk.locator("tr", has_text=need_title)
    row.get_by_label("可认领").check()
    row.get_by_role("button", name="采纳", exact=True).click()
    expect(desk.locator(".flash")).to_contain_text("已采纳")
    resident.goto(server + "/notifications")
    _accessible(resident)
    expect(resident.get_by_text(re.compile("您提出的需求「" + need_title + "」社区已受理"))).to_be_visible()

    # The partner claims it on a small phone through /claims and reports it done with the hours.
    phone.goto(server + "/claims")
    _accessible(phone)
    phone.locator("form.card", has_text=need_title).get_by_role("button", name=re.compile("认领")).click()
    expect(phone.locator(".flash")).to_contain_text("已认领")
    _accessible(phone)
    mine = phone.locator(".card", has_text=need_title)
    mine.locator("input[name=hours]").fill("1.5")
    mine.get_by_role("button", name="已完成").click()
    expect(phone.locator(".flash")).to_contain_text("已完成「" + need_title)
    expect(phone.locator("li", has_text=need_title)).to_contain_text("已完成")
    resident.goto(server + "/my-needs")
    expect(resident.locator(".card", has_text=need_title)).to_contain_text("已满足")

    # A wish for the resident: posted, claimed and handed over through the API, confirmed at the desk.
    staff_token, partner_token = _token(server, "gt01_community"), _token(server, "partner_demo")
    me = _api(server, "/api/v1/me", _token(server, "resident_demo"))
    wish = _api(server, "/api/v1/wishes", staff_token, {"title": wish_title, "story": "独居老人想听广播", "value": "60",
                                                          "beneficiaryName": "李奶奶" + tag, "beneficiaryResidentId": me["residentId"]})
    _api(server, "/api/v1/wishes/%s/claim" % wish["id"], partner_token, {"showName": True})
    _api(server, "/api/v1/wishes/%s/handover?hours=2" % wish["id"], partner_token, raw=PNG)
    desk.goto(server + "/wishes/" + wish["id"])
    _accessible(desk)
    expect(desk.get_by_text("2 小时")).to_be_visible()
    desk.get_by_role("button", name="确认实现").click()
    expect(desk.locator(".flash")).to_contain_text("确认实现")
    phone.goto(server + "/notifications")
    _accessible(phone)
    expect(phone.get_by_text(re.compile("「" + wish_title + "」已由社区确认实现，记服务 2 小时"))).to_be_visible()

    # The resident writes their own thanks on the phone; the wall shows it as theirs.
    resident.goto(server + "/wishes/" + wish["id"])
    _accessible(resident)
    resident.fill("textarea[name=thanks]", "收音机很好用，谢谢！" + tag)
    resident.get_by_role("button", name="送出感谢").click()
    expect(resident.locator(".flash")).to_be_visible()
    resident.goto(server + "/wish-wall")
    _accessible(resident)
    card = resident.locator(".wish", has_text=wish_title)
    expect(card).to_contain_text("收音机很好用，谢谢！" + tag)
    expect(card).to_contain_text("本人")
    for ctx in (resident_ctx, partner_ctx, staff_ctx):
        ctx.close()
