"""A patrol on a phone in a real browser with simulated geolocation: the track is recorded and sent in batches,
kept on the phone while offline and sent when the connection returns; a check-in, an event with a photo, the end;
then staff see the track replayed over the grid. Screenshots go to browser-tests/artifacts/."""

import json
import math
import re
import struct
import urllib.request
import zlib

from playwright.sync_api import expect

from conftest import ARTIFACTS, login

PASSWORD = "Demo2026"


def _api(server, path, token=None, body=None):
    req = urllib.request.Request(server + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def _grid_centre(server):
    token = _api(server, "/api/v1/auth/token", body={"username": "gt01_grid", "password": PASSWORD})["token"]
    me = _api(server, "/api/v1/me", token)
    ring = _api(server, "/api/v1/org/nodes/%s/boundary" % me["nodeId"], token)["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def _png():
    """A valid 8x8 red PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_a_patrol_on_a_phone_is_recorded_even_offline(browser, server):
    lat, lon = _grid_centre(server)
    metre = 1 / 111195.0
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              geolocation={"latitude": lat, "longitude": lon, "accuracy": 8}, permissions=["geolocation"])
    phone = ctx.new_page()
    login(phone, server, "gt01_grid", PASSWORD)

    # the community's command centre on a wide screen, open before the patrol and never reloaded
    wall_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    wall = wall_ctx.new_page()
    login(wall, server, "gt01_community", PASSWORD)
    wall.goto(server + "/command/wall?period=today&refresh=5")
    new_today = wall.locator("[data-live=counts] .cc-tally").first.locator("[data-figure=new]")
    located = wall.locator("[data-live=map] .cc-note")
    before_new = int(new_today.inner_text())
    before_located = int(re.search(r"有坐标 (\d+) 件", located.inner_text()).group(1))
    wall.evaluate("() => { window.__sameDocument = true; }")

    phone.goto(server + "/patrol")
    phone.get_by_role("button", name="开始巡查").click()
    expect(phone.locator(".flash")).to_contain_text("巡查已开始")
    expect(phone.locator("#gps-status")).to_contain_text("定位中")

    # walk north 5 m a second; the page sends fixes in batches
    for step in range(1, 8):
        phone.wait_for_timeout(1000)
        ctx.set_geolocation({"latitude": lat + step * 5 * metre, "longitude": lon, "accuracy": 8})
    expect(phone.locator("#patrol-distance")).not_to_have_text("0", timeout=20000)
    expect(phone.locator("#patrol-pending")).to_have_text("", timeout=20000)

    # offline: fixes wait in localStorage and are sent when the connection returns
    ctx.set_offline(True)
    for step in range(8, 12):
        phone.wait_for_timeout(1000)
        ctx.set_geolocation({"latitude": lat + step * 5 * metre, "longitude": lon, "accuracy": 8})
    expect(phone.locator("#patrol-pending")).to_contain_text("待发送", timeout=20000)
    waiting = phone.evaluate("() => Object.values(JSON.parse(localStorage.getItem('jz-patrol-fixes') || '{}')).flat().length")
    assert waiting >= 1
    phone.screenshot(path=str(ARTIFACTS / "patrol-phone-offline.png"), full_page=True)
    ctx.set_offline(False)
    expect(phone.locator("#patrol-pending")).to_have_text("", timeout=30000)
    walked = int(phone.locator("#patrol-distance").inner_text())
    assert 30 <= walked <= 70, walked

    # check in at the first building, report an event with a photo
    phone.get_by_role("button", name="打卡").click()
    expect(phone.locator(".flash")).to_contain_text("打卡成功")
    phone.select_option("#event-form select[name=categoryCode]", value="huanjing")
    phone.fill("#event-form textarea[name=description]", "巡查发现绿化带堆放建筑垃圾")
    phone.set_input_files("#event-form input[type=file]", files=[{"name": "a.png", "mimeType": "image/png", "buffer": _png()}])
    phone.locator("#event-form").get_by_role("button", name="上报").click()
    expect(phone.locator(".flash")).to_contain_text("事件已上报")
    number = re.search(r"编号 (\S+)", phone.locator(".flash").inner_text()).group(1)
    phone.screenshot(path=str(ARTIFACTS / "patrol-phone.png"), full_page=True)
    patrol_id = phone.locator("#patrol").get_attribute("data-patrol")
    # while it lasts, the wall lists the patrol among those on patrol now
    on_patrol = wall.locator('[data-live=patrols] a[href="/command/patrols/%s"]' % patrol_id)
    expect(on_patrol).to_have_count(1, timeout=30000)
    phone.get_by_role("button", name="结束巡查").click()
    expect(phone.locator(".flash")).to_contain_text("巡查已结束")
    ctx.close()

    # the wall shows the patrol's event in today's count and as one more located case on the map, without a reload
    expect(new_today).to_have_text(str(before_new + 1), timeout=30000)
    expect(located).to_contain_text("有坐标 %d 件" % (before_located + 1), timeout=30000)
    # …and drops the patrol from those on patrol now once it has ended
    expect(on_patrol).to_have_count(0, timeout=30000)
    assert wall.evaluate("() => window.__sameDocument === true")
    wall.screenshot(path=str(ARTIFACTS / "patrol-event-on-the-wall.png"))

    # the command centre's replay on the grid map: a slider steps the walk fix by fix, play runs it through
    wall.goto(server + "/command/patrols/" + patrol_id)
    replay = wall.locator("[data-replay]")
    slider = replay.get_by_role("slider", name="回放位置")
    times = replay.locator("g.replay").get_attribute("data-times").split("|")
    assert len(times) >= 5
    expect(replay.locator("output")).to_have_text(times[-1])
    slider.fill("0")
    expect(replay.locator("output")).to_have_text(times[0])
    assert replay.locator("path.track-done").get_attribute("d").count("L") == 0
    replay.get_by_role("button", name="播放").click()
    expect(replay).to_have_attribute("data-at", str(len(times) - 1), timeout=15000)
    expect(replay.get_by_role("button", name="播放")).to_be_visible()
    assert replay.locator("path.track-done").get_attribute("d").count("L") == len(times) - 1
    wall.screenshot(path=str(ARTIFACTS / "patrol-replay-on-the-grid-map.png"))
    wall_ctx.close()

    # staff: the replay over the grid, with the event pinned
    desk_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    desk = desk_ctx.new_page()
    login(desk, server, "gt01_community", PASSWORD)
    desk.goto(server + "/patrols/" + patrol_id)
    expect(desk.locator("svg.track-map path.track")).to_have_count(1)
    expect(desk.locator("svg.track-map circle.pin.event")).to_have_count(1)
    expect(desk.get_by_role("link", name=number)).to_be_visible()
    desk.wait_for_timeout(6500)  # let the line draw itself
    desk.screenshot(path=str(ARTIFACTS / "patrol-replay.png"), full_page=True)
    desk_ctx.close()
