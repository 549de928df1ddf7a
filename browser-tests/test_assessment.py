"""Assessment in a real browser: 古亭社区 self-assesses its last hand-scored indicator (多网合一) with a photo as
evidence and submits; 谷亭街道 adjusts one score with a reason and accepts; the county publishes the month; the
ranking shows the community and the 擂台赛 page puts it beside another with the raw numbers; its page draws its
scores over time as an SVG line chart with a table. axe-core checks the pages on the way (the community's on a phone)."""

import base64
import re
from pathlib import Path

from playwright.sync_api import expect

from test_case_loop import _as
from test_case_queues import _accessible

# A 1×1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _open_round(page, server):
    page.goto(server + "/assessment")
    link = page.locator("a", has_text=re.compile(r"四型社区 \d{4}-\d{2}$")).first
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("main")).to_contain_text("进行中")


def test_community_self_assesses_street_adjusts_county_publishes_and_ranks(browser, server, tmp_path):
    photo = Path(tmp_path) / "grid-merge.png"
    photo.write_bytes(PNG)
    wrong = Path(tmp_path) / "wrong-site.png"
    wrong.write_bytes(PNG)

    # The community, on a phone: its last indicator with a photo, then submit.
    cctx, community = _as(browser, server, "gt01_community", phone=True)
    _open_round(community, server)
    _accessible(community)
    community.get_by_role("link", name="古亭社区").click()
    row = community.locator("tr[data-indicator=pa_grid_merge]")
    expect(row).to_contain_text("未评")
    row.locator("summary", has_text="自评").click()
    row.locator("input[name=score]").fill("90")
    row.locator("input[name=note]").fill("四网合一，网格员一岗多责")
    row.locator("input[type=file]").set_input_files([str(photo), str(wrong)])
    row.get_by_role("button", name="保存自评").click()
    expect(community.locator(".flash")).to_contain_text("自评已保存")
    row = community.locator("tr[data-indicator=pa_grid_merge]")
    expect(row.locator("img.thumb")).to_have_count(2)
    # The wrong photo is removed while the self-assessment is still a draft.
    row.get_by_role("button", name="删除佐证 wrong-site.png").click()
    expect(community.locator(".flash")).to_contain_text("佐证已删除")
    row = community.locator("tr[data-indicator=pa_grid_merge]")
    expect(row.locator("img.thumb")).to_have_count(1)
    _accessible(community)
    community.get_by_role("button", name="提交自评").click()
    expect(community.locator(".flash")).to_contain_text("已提交街道审核")
    result_url = community.url
    cctx.close()

    # The street adjusts one score with a reason and accepts.
    sctx, street = _as(browser, server, "gt_street")
    street.goto(result_url)
    expect(street.locator("main")).to_contain_text("待审核")
    _accessible(street)
    row = street.locator("tr[data-indicator=pa_public_order]")
    row.locator("summary", has_text="调整得分").click()
    row.locator("input[name=score]").fill("85")
    row.locator("input[name=reason]").fill("治安巡防台账齐全，现场核实后调整")
    row.get_by_role("button", name="调整").click()
    expect(street.locator(".flash")).to_contain_text("原因已记录")
    expect(street.locator("tr[data-indicator=pa_public_order]")).to_contain_text("治安巡防台账齐全")
    street.get_by_role("button", name="审核通过").click()
    expect(street.locator(".flash")).to_contain_text("审核通过")
    sctx.close()

    # The county publishes; the ranking and the 擂台赛 show it.
    actx, county = _as(browser, server, "admin")
    _open_round(county, server)
    county.get_by_role("button", name="审定并发布").click()
    expect(county.locator(".flash")).to_contain_text("已发布")
    county.get_by_role("link", name="查看排名").click()
    ranking = county.locator("table.ranking")
    expect(ranking).to_contain_text("古亭社区")
    _accessible(county)
    county.locator("input[aria-label='选择 古亭社区']").check()
    county.locator("input[aria-label='选择 鱼城社区']").check()
    county.get_by_role("button", name=re.compile("擂台赛对比")).click()
    arena = county.locator("table.arena")
    expect(arena.locator("thead")).to_contain_text("古亭社区")
    expect(arena.locator("thead")).to_contain_text("鱼城社区")
    expect(arena).to_contain_text("网格整合为一张网")
    expect(arena.locator("small").first).to_contain_text("/")
    _accessible(county)

    # 古亭社区's scores over time: our own SVG line chart, with the same figures in a table under it.
    county.get_by_role("link", name="返回排名").click()
    county.locator("table.ranking").get_by_role("link", name="古亭社区").click()
    county.get_by_role("link", name="历次得分").click()
    expect(county.locator("#unit-chart svg[role=img]")).to_be_visible()
    expect(county.locator("#unit-chart svg circle").first).to_be_attached()
    expect(county.locator("#unit-history")).to_contain_text("平安型")
    # Beside this year's total, the same months of last year as a dashed line, named in the legend and the table.
    expect(county.locator("#unit-chart svg .legend")).to_contain_text("去年同期总分")
    expect(county.locator("#unit-chart svg path[stroke-dasharray]")).to_have_count(1)
    expect(county.locator("#unit-history thead")).to_contain_text("去年同期总分")
    _accessible(county)
    actx.close()
