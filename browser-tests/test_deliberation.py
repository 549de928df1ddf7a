"""Deliberation's five steps in a real browser (征—审—议—办—评): a resident raises a topic on a phone and supports it
past the threshold; staff accept it, announce a meeting (the poster prints), the resident registers; staff open a vote
and the resident votes; minutes are revised and objected to (on the demo's meeting already held: a new meeting cannot
begin before its notice period); staff record the decision, list an item that becomes a case, the case is closed
through the loop; the resident rates the outcome, staff close the topic, and its public timeline shows each step.
axe-core checks the pages on the way."""

import random
import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from test_case_loop import _act, _as
from test_case_queues import _accessible
from test_patrol import _png

SHANGHAI = timezone(timedelta(hours=8))


def _local(delta):
    """A datetime-local value in Asia/Shanghai, `delta` from now."""
    return (datetime.now(SHANGHAI) + delta).strftime("%Y-%m-%dT%H:%M")


def _confirming(page):
    """Destructive moves ask first (data-confirm); say yes."""
    page.on("dialog", lambda d: d.accept())
    return page


def _flash(page, words):
    expect(page.locator(".flash")).to_contain_text(words)


def test_a_topic_goes_through_the_five_steps(browser, server):
    title = "小区门口增设非机动车停车棚 " + str(random.randint(1000, 9999))

    # Staff set the community's threshold to one household, so one resident's support sends the topic to review.
    staff_ctx, staff = _as(browser, server, "gt01_community")
    _confirming(staff)
    staff.goto(server + "/topics")
    settings = staff.locator("form", has=staff.locator("input[name=supportThreshold]"))
    settings.locator("input[name=supportThreshold]").fill("1")
    settings.get_by_role("button", name="保存设置").click()
    _flash(staff, "附议满 1 户提交审核")

    # 征: the resident raises the topic on a phone and supports it.
    res_ctx, phone = _as(browser, server, "resident_demo", phone=True)
    _confirming(phone)
    phone.goto(server + "/topics")
    _accessible(phone)
    phone.get_by_role("link", name="我要提议题").click()
    phone.fill("input[name=title]", title)
    phone.fill("textarea[name=description]", "电动车、自行车都停在门口通道上，老人进出不方便。")
    # The place: the community's first grid (the options run community, its grids, their compounds), gt01_grid's.
    phone.select_option("select[name=nodeId]", index=1)
    # A file that is not a photo is refused in words; the form keeps what was typed.
    phone.set_input_files("input[name='photos[]']", files=[{"name": "note.png", "mimeType": "image/png", "buffer": "不是照片".encode()}])
    phone.get_by_role("button", name="提交议题").click()
    expect(phone.locator(".flash.error")).to_contain_text("不是照片")
    expect(phone.locator("input[name=title]")).to_have_value(title)
    phone.select_option("select[name=nodeId]", index=1)
    phone.set_input_files("input[name='photos[]']", files=[{"name": "door.png", "mimeType": "image/png", "buffer": _png()}])
    _accessible(phone)
    phone.get_by_role("button", name="提交议题").click()
    _flash(phone, "议题已提出")
    expect(phone.locator(".photos img")).to_have_count(1)
    topic_url = phone.url
    topic_id = re.search(r"/topics/([0-9A-Fa-f-]{36})", topic_url).group(1)
    phone.get_by_role("button", name="附议", exact=True).click()
    _flash(phone, "议题已提交社区审核")
    _accessible(phone)

    # 审: staff accept it for deliberation under the five steps.
    staff.goto(topic_url)
    expect(staff.locator("body")).to_contain_text("待审核")
    staff.locator("form", has=staff.get_by_role("button", name="受理议事")).get_by_role("button", name="受理议事").click()
    _flash(staff, "已受理")
    _accessible(staff)

    # 议: a meeting announced ahead (too soon is refused with the earliest time), its poster, the resident registers.
    staff.goto(server + "/topics")
    announce = staff.locator("form", has=staff.locator("input[name=startsAt]"))
    announce.locator("input[name=title]").fill("十二月红色议事会")
    announce.locator("input[name=place]").fill("古亭社区党群服务中心")
    announce.locator("input[name=startsAt]").fill(_local(timedelta(days=1)))
    announce.locator(f"input[name='topicIds[]'][value='{topic_id.upper()}'], input[name='topicIds[]'][value='{topic_id}']").check()
    announce.get_by_role("button", name="发布公告").click()
    _flash(staff, "最早可定在")
    announce = staff.locator("form", has=staff.locator("input[name=startsAt]"))
    announce.locator("input[name=title]").fill("十二月红色议事会")
    announce.locator("input[name=place]").fill("古亭社区党群服务中心")
    announce.locator("input[name=startsAt]").fill(_local(timedelta(days=4)))
    announce.locator("input[name=capacity]").fill("50")
    announce.locator(f"input[name='topicIds[]'][value='{topic_id.upper()}'], input[name='topicIds[]'][value='{topic_id}']").check()
    announce.get_by_role("button", name="发布公告").click()
    _flash(staff, "议事会已公告")
    staff.get_by_role("link", name="十二月红色议事会").last.click()
    meeting_url = staff.url
    expect(staff.locator("body")).to_contain_text(title)
    _accessible(staff)
    staff.get_by_role("link", name="打印公告海报（A4）").click()
    expect(staff.locator("h1")).to_contain_text("议事会公告")
    expect(staff.locator("figure.qr svg")).to_have_count(1)

    phone.goto(meeting_url)
    phone.get_by_role("button", name="我要参会").click()
    _flash(phone, "报名成功")
    _accessible(phone)

    # The vote: households, quorum 1 %, the resident votes with a big button.
    staff.goto(topic_url)
    vote = staff.locator("form", has=staff.locator("input[name=question]"))
    vote.locator("input[name=question]").fill("是否同意在小区门口建设非机动车停车棚")
    vote.locator("input[name=quorumPercent]").fill("1")
    vote.locator("input[name=closesAt]").fill(_local(timedelta(days=2)))
    vote.get_by_role("button", name="发起表决").click()
    _flash(staff, "表决已发起")
    phone.goto(topic_url)
    phone.get_by_role("button", name="同意").click()
    _flash(phone, "投票成功")
    expect(phone.locator("body")).to_contain_text("您已投票")

    # Minutes: revised on the demo's meeting already held (the old version stays), and objected to once.
    staff.goto(server + "/topics?q=广场")
    staff.get_by_role("link", name="社区广场晚间跳舞音量扰民").first.click()
    staff.get_by_role("link", name="十月红色议事会").click()
    minutes_url = staff.url
    form = staff.locator("form", has=staff.locator("textarea[name=decisions]"))
    form.locator("textarea[name=decisions]").fill("活动时间 19:00–21:00，音量不超过 60 分贝；周末可延长至 21:30。")
    form.get_by_role("button", name="发布新版本").click()
    _flash(staff, "纪要第 2 版已发布，旧版保留")
    expect(staff.locator("body")).to_contain_text("历史版本")
    _accessible(staff)
    phone.goto(minutes_url)
    phone.fill("textarea[name=words]", "周末延长到 21:30 没有征求楼上住户意见")
    phone.get_by_role("button", name="提出异议").click()
    _flash(phone, "您的异议已提交")

    # 办: the decision, an item that becomes a case, the case closed through the loop.
    staff.goto(topic_url)
    decide = staff.locator("form", has=staff.get_by_role("button", name="形成决议"))
    decide.locator("textarea[name=note]").fill("议定：在小区东门建设非机动车停车棚，由社区统一实施。")
    decide.get_by_role("button", name="形成决议").click()
    _flash(staff, "决议已记录")
    add = staff.locator("form", has=staff.get_by_role("button", name="添加事项"))
    add.locator("input[name=title]").fill("建设东门非机动车停车棚")
    add.locator("input[name=owner]").fill("古亭社区居委会")
    add.locator("input[name=deadline]").fill((datetime.now(SHANGHAI) + timedelta(days=30)).strftime("%Y-%m-%d"))
    add.get_by_role("button", name="添加事项").click()
    _flash(staff, "已添加事项「建设东门非机动车停车棚」")
    staff.locator("summary", has_text="办理这一项").click()
    case_form = staff.locator("form", has=staff.get_by_role("button", name="转为诉求"))
    case_form.locator("select[name=categoryCode]").select_option(index=0)
    case_form.get_by_role("button", name="转为诉求").click()
    _flash(staff, "已转为诉求")
    _accessible(staff)
    staff.get_by_role("link", name=re.compile(r"^诉求 YT")).first.click()
    case_url = staff.url
    expect(staff.locator("body")).to_contain_text("来自议题")
    _act(staff, "受理", said="已受理")
    _act(staff, "交办", None, "网格 · ", "已交办给")
    grid_ctx, grid = _as(browser, server, "gt01_grid", phone=True)
    grid.goto(case_url)
    _act(grid, "开始办理", said="已开始办理")
    _act(grid, "答复", "停车棚已建成，已投入使用", said="已答复")
    grid_ctx.close()
    staff.goto(case_url)
    _act(staff, "办结", said="已办结")
    expect(staff.locator("body")).to_contain_text("已办结")

    # 评: carried out; the resident rates it on the phone; staff close the topic.
    staff.goto(topic_url)
    staff.locator("form", has=staff.get_by_role("button", name="办理完成")).get_by_role("button", name="办理完成").click()
    _flash(staff, "请居民评议")
    phone.goto(topic_url)
    rate = phone.locator("form.rate")
    expect(rate.get_by_role("button")).to_have_count(3)
    rate.locator("textarea[name=comment]").fill("停车棚很方便，门口通畅了")
    rate.get_by_role("button", name="满意", exact=True).click()
    _flash(phone, "谢谢您的评价")
    _accessible(phone)
    staff.goto(topic_url)
    staff.locator("form", has=staff.get_by_role("button", name="完结")).get_by_role("button", name="完结").click()
    _flash(staff, "议题已完结")

    # The public path shows every step, with no resident named.
    phone.goto(server + f"/topics/{topic_id}/timeline")
    timeline = phone.locator("ul.timeline")
    for step in ["发起议题", "人附议", "受理议事", "列入议事会：十二月红色议事会", "发起表决", "形成决议",
                 "协商事项：建设东门非机动车停车棚", "已办结", "办理完成", "评议结果：满意 1"]:
        expect(timeline).to_contain_text(step)
    _accessible(phone)

    # Put the threshold back for the other tests.
    staff.goto(server + "/topics")
    settings = staff.locator("form", has=staff.locator("input[name=supportThreshold]"))
    settings.locator("input[name=supportThreshold]").fill("20")
    settings.get_by_role("button", name="保存设置").click()
    _flash(staff, "附议满 20 户提交审核")
    staff_ctx.close()
    res_ctx.close()
