"""Volunteers and the points supermarket end to end: a resident registers as a volunteer on a phone and community
staff approve; staff publish an activity, the resident signs up and checks in and out with the venue's QR code,
the organiser verifies the hours (with a correction), the points appear in the passbook, the resident redeems goods
and staff hand them over by the 核销码: stock and balance move as they should. axe-core checks every page."""

import random
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from conftest import new_resident
from test_case_loop import _as
from test_case_queues import _accessible

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(dt):
    return dt.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _balance(page, server):
    page.goto(server + "/points/shop")
    return int(re.search(r"(\d+) 分", page.locator(".stat b").first.inner_text()).group(1))


def test_a_volunteer_earns_points_at_an_activity_and_spends_them_in_the_shop(browser, server):
    tag = str(random.randint(1000, 9999))
    resident_ctx, phone = _as(browser, server, "resident_demo", phone=True)
    staff_ctx, desk = _as(browser, server, "gt01_community")

    # The resident registers as a volunteer from the phone.
    phone.goto(server + "/points/volunteer")
    _accessible(phone)
    phone.fill("input[name=skills]", "维修家电 " + tag)
    phone.fill("input[name=availability]", "周末上午")
    phone.get_by_role("button", name="提交注册").click()
    expect(phone.locator(".flash")).to_contain_text("已提交，等待社区审核")

    # Staff approve the registration.
    desk.goto(server + "/points/volunteers")
    _accessible(desk)
    desk.locator("tr", has_text="维修家电 " + tag).get_by_role("button", name="通过", exact=True).click()
    expect(desk.locator(".flash")).to_contain_text("志愿者注册")
    phone.goto(server + "/points/volunteer")
    expect(phone.get_by_text("已通过")).to_be_visible()

    # Staff publish an activity that began ten minutes ago, and goods for the shop.
    title = "楼道清扫 " + tag
    now = datetime.now(SHANGHAI)
    desk.goto(server + "/points/organise")
    form = desk.locator("form.card", has_text="发布志愿活动")
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=startsAt]").fill(_local(now - timedelta(minutes=10)))
    form.locator("input[name=endsAt]").fill(_local(now + timedelta(hours=2)))
    form.locator("input[name=capacity]").fill("5")
    form.locator("input[name=pointsPerHour]").fill("10")
    _accessible(desk)
    form.get_by_role("button", name="发布").click()
    expect(desk.locator(".flash")).to_contain_text("已发布")

    goods = "环保袋 " + tag
    desk.goto(server + "/points/goods")
    offer = desk.locator("form.card", has_text="上架新商品")
    offer.locator("input[name=name]").fill(goods)
    offer.locator("input[name=pricePoints]").fill("10")
    offer.locator("input[name=stock]").fill("3")
    offer.get_by_role("button", name="上架").click()
    expect(desk.locator(".flash")).to_contain_text(goods)

    # The resident signs up on the phone.
    phone.goto(server + "/points/activities")
    phone.get_by_role("link", name=re.compile(re.escape(title))).click()
    _accessible(phone)
    phone.get_by_role("button", name="报名参加").click()
    expect(phone.locator(".flash")).to_contain_text("报名成功")
    activity_url = phone.url

    # At the venue: the organiser shows the QR code, the resident scans it to check in, then again to check out.
    desk.goto(server + "/points/organise")
    desk.get_by_role("link", name=title).click()
    organise_url = desk.url
    for direction, words in (("签到", "签到成功"), ("签退", "签退成功")):
        desk.goto(organise_url + "/qr")
        _accessible(desk)
        code = desk.locator(".qr .code").inner_text().strip()
        phone.goto(activity_url + "/scan?code=" + code)
        _accessible(phone)
        phone.get_by_role("button", name=direction).click()
        expect(phone.locator(".flash")).to_contain_text(words)

    # The organiser verifies an hour (a correction of the few minutes scanned) and the points are paid.
    before = _balance(phone, server)
    desk.goto(organise_url)
    line = desk.locator("tr", has_text="已签退")
    line.locator("input[name=minutes]").fill("60")
    _accessible(desk)
    line.get_by_role("button", name="核定").click()
    expect(desk.locator(".flash")).to_contain_text("60 分钟，发放 10 分")

    phone.goto(server + "/points")
    expect(phone.get_by_text("志愿活动：" + title).first).to_be_visible()
    _accessible(phone)
    assert _balance(phone, server) == before + 10

    # The resident redeems the goods; staff hand them over by the code.
    card = phone.locator("form.card.goods", has_text=goods)
    expect(card).to_contain_text("库存 3")
    card.get_by_role("button", name="兑换一件").click()
    expect(phone.locator(".flash")).to_contain_text("核销码")
    _accessible(phone)
    redemption_code = phone.locator(".stat b").first.inner_text().strip()
    assert _balance(phone, server) == before

    desk.goto(server + "/points/collect")
    desk.fill("input[name=code]", redemption_code)
    desk.get_by_role("button", name="核销").click()
    expect(desk.locator(".flash")).to_contain_text("已核销 " + redemption_code)
    _accessible(desk)
    desk.goto(server + "/points/goods")
    expect(desk.locator("tr", has_text=goods).locator("td[data-label=库存]")).to_have_text("2")

    phone.goto(server + "/points/shop")
    expect(phone.locator("form.card.goods", has_text=goods)).to_contain_text("库存 2")
    assert _balance(phone, server) == before

    # The rankings show the resident for this month.
    phone.goto(server + "/points/rankings")
    _accessible(phone)
    expect(phone.locator("tr.me")).to_be_visible()

    resident_ctx.close()
    staff_ctx.close()


def test_a_partner_organises_an_activity_and_a_resident_sees_who_runs_it(browser, server):
    tag = str(random.randint(1000, 9999))
    partner_ctx, desk = _as(browser, server, "partner_demo")
    resident_ctx, phone = _as(browser, server, "resident_demo", phone=True)

    # The partner's account publishes an activity in the community it serves; the team field is not offered.
    title = "助老送餐 " + tag
    now = datetime.now(SHANGHAI)
    desk.goto(server + "/points/organise")
    form = desk.locator("form.card", has_text="发布志愿活动")
    expect(form.locator("select[name=team]")).to_have_count(0)
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=startsAt]").fill(_local(now + timedelta(days=2)))
    form.locator("input[name=endsAt]").fill(_local(now + timedelta(days=2, hours=2)))
    form.locator("input[name=capacity]").fill("6")
    form.locator("input[name=pointsPerAttendance]").fill("15")
    _accessible(desk)
    form.get_by_role("button", name="发布").click()
    expect(desk.locator(".flash")).to_contain_text("已发布")
    row = desk.locator("tr", has_text=title)
    expect(row).to_contain_text("红色合伙人：孝贤大食堂")
    row.get_by_role("link", name=title).click()
    expect(desk.get_by_role("link", name="显示签到二维码")).to_be_visible()
    _accessible(desk)

    # The resident finds it on the phone, sees the partner as organiser and signs up.
    phone.goto(server + "/points/activities")
    phone.get_by_role("link", name=re.compile(title)).click()
    expect(phone.get_by_text("红色合伙人：孝贤大食堂").first).to_be_visible()
    _accessible(phone)
    phone.get_by_role("button", name="报名参加").click()
    expect(phone.get_by_text("已报名").first).to_be_visible()
    partner_ctx.close()
    resident_ctx.close()


def test_a_full_activity_promotes_the_next_person_from_its_waiting_list(browser, server):
    tag = str(random.randint(1000, 9999))
    staff_ctx, desk = _as(browser, server, "gt01_community")
    first_ctx, first = _as(browser, server, "resident_demo", phone=True)
    second_ctx, second, _ = new_resident(browser, server, desk, 7)

    # Staff publish an activity with one seat, tomorrow.
    title = "义诊引导 " + tag
    now = datetime.now(SHANGHAI)
    desk.goto(server + "/points/organise")
    form = desk.locator("form.card", has_text="发布志愿活动")
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=startsAt]").fill(_local(now + timedelta(days=1)))
    form.locator("input[name=endsAt]").fill(_local(now + timedelta(days=1, hours=2)))
    form.locator("input[name=capacity]").fill("1")
    form.locator("input[name=pointsPerAttendance]").fill("5")
    form.get_by_role("button", name="发布").click()
    expect(desk.locator(".flash")).to_contain_text("已发布")

    # The first resident takes the seat; the second finds it full and joins the waiting list.
    first.goto(server + "/points/activities")
    first.get_by_role("link", name=re.compile(re.escape(title))).click()
    first.get_by_role("button", name="报名参加").click()
    expect(first.locator(".flash")).to_contain_text("报名成功")
    activity_url = first.url

    second.goto(server + "/points/activities")
    expect(second.get_by_role("link", name=re.compile(re.escape(title)))).to_contain_text("已满，可候补")
    second.get_by_role("link", name=re.compile(re.escape(title))).click()
    _accessible(second)
    second.get_by_role("button", name="名额已满，加入候补").click()
    expect(second.locator(".flash")).to_contain_text("您已进入候补")
    expect(second.get_by_text("候补中").first).to_be_visible()

    # The first cancels: the seat is offered to the second, who is told and confirms on the phone.
    first.goto(activity_url)
    first.get_by_role("button", name="取消报名").click()
    expect(first.locator(".flash")).to_contain_text("已取消报名")

    second.goto(server + "/notifications")
    expect(second.locator("body")).to_contain_text("志愿活动「" + title + "」有名额空出")
    _accessible(second)
    second.goto(activity_url)
    expect(second.get_by_text("候补递补，待确认").first).to_be_visible()
    _accessible(second)
    second.get_by_role("button", name="确认参加").click()
    expect(second.locator(".flash")).to_contain_text("已确认，您已正式报名")
    expect(second.get_by_text("已报名").first).to_be_visible()

    # The organiser's list shows one signed up and one cancelled.
    desk.goto(server + "/points/organise")
    desk.get_by_role("link", name=title).click()
    expect(desk.locator("tr", has_text="已报名")).to_have_count(1)
    expect(desk.locator("tr", has_text="已取消")).to_have_count(1)
    _accessible(desk)
    for ctx in (staff_ctx, first_ctx, second_ctx):
        ctx.close()
