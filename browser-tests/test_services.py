"""Service applications (一窗受理) in a real browser on a 360x640 phone: the resident applies for a 居住证明 with photos
(a missing one is refused in words), staff ask for one more material, the resident is told on the home and adds it,
staff approve, and the certificate's QR code (decoded from the page) opens the public page that verifies it.
axe-core checks every page."""

import re

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, SERVER_INFO, login
from test_case_loop import _as
from test_case_queues import _accessible

PASSWORD = "Demo2026"
# A one-pixel PNG stands in for the camera's photo.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63fccfc0f01f00050502005fc8f1d20000000049454e44ae426082")


def _photo(name):
    return {"name": name, "mimeType": "image/png", "buffer": PNG}


def _phone_360(browser, server, user):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    login(page, server, user, PASSWORD)
    return ctx, page


def _decode_qr(page):
    """Draws the page's QR code on a canvas and decodes its pixels with zxing-cpp."""
    import zxingcpp  # scripts/setup installs zxing-cpp
    size, pixels = page.evaluate("""async () => {
        const svg = document.querySelector('.check svg');
        const xml = new XMLSerializer().serializeToString(svg);
        const img = new Image();
        img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(xml);
        await img.decode();
        const n = 400, c = document.createElement('canvas');
        c.width = n; c.height = n;
        const g = c.getContext('2d');
        g.fillStyle = '#fff'; g.fillRect(0, 0, n, n); g.drawImage(img, 0, 0, n, n);
        const d = g.getImageData(0, 0, n, n).data, out = [];
        for (let i = 0; i < d.length; i += 4) out.push(d[i]);
        return [n, out];
    }""")
    found = zxingcpp.read_barcodes(memoryview(bytes(pixels)).cast("B", (size, size)))
    assert found, "the certificate's QR code does not decode"
    return found[0].text


def test_a_resident_applies_staff_ask_for_more_and_the_certificate_verifies(browser, server):
    rctx, phone = _phone_360(browser, server, "resident_demo")
    phone.goto(server + "/")
    tile = phone.locator("nav.tiles a", has_text="办事申请")
    expect(tile).to_be_visible()
    tile.click()
    _accessible(phone)
    phone.locator("#matters a", has_text="居住证明").click()
    expect(phone.locator("h1")).to_contain_text("居住证明")
    _accessible(phone)

    # One photo only: refused, saying which material is missing.
    phone.locator("input[data-material='身份证正反面']").set_input_files(_photo("id.png"))
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.locator("p.error")).to_contain_text("缺少材料「户口本或房产证、租房合同」")
    phone.locator("input[data-material='身份证正反面']").set_input_files(_photo("id.png"))
    phone.locator("input[data-material='户口本或房产证、租房合同']").set_input_files(_photo("hukou.png"))
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.locator(".flash")).to_contain_text("申请已提交")
    number = re.search(r"JZZM\d{8}-\d{4}", phone.locator(".flash").inner_text()).group(0)
    application_url = phone.url
    expect(phone.locator("#materials figure")).to_have_count(2)
    _accessible(phone)
    phone.screenshot(path=str(ARTIFACTS / "services_application_360.png"), full_page=True)

    sctx, staff = _as(browser, server, "gt01_community")
    staff.goto(server + "/services?number=" + number)
    staff.get_by_role("link", name=number).click()
    _accessible(staff)
    staff.get_by_role("button", name="受理", exact=True).click()
    expect(staff.locator(".flash")).to_contain_text("已受理")
    staff.fill("#request-more textarea[name=missing]", "租房合同")
    staff.locator("#request-more").get_by_role("button", name="要求补充材料").click()
    expect(staff.locator(".flash")).to_contain_text("已要求补充材料")
    _accessible(staff)

    # The resident's home says what is missing; the resident adds it.
    phone.goto(server + "/")
    waiting = phone.locator("#home-services a.card", has_text=number)
    expect(waiting).to_contain_text("租房合同")
    _accessible(phone)
    phone.screenshot(path=str(ARTIFACTS / "services_home_360.png"), full_page=True)
    waiting.click()
    expect(phone.locator("#missing")).to_contain_text("租房合同")
    phone.get_by_role("button", name="提交补充材料").click()
    expect(phone.locator("p.error")).to_contain_text("租房合同")
    phone.locator("#supplement input[data-material='租房合同']").set_input_files(_photo("lease.png"))
    phone.get_by_role("button", name="提交补充材料").click()
    expect(phone.locator(".flash")).to_contain_text("补充材料已提交")
    expect(phone.locator("#materials figure")).to_have_count(3)

    staff.goto(application_url)
    staff.get_by_role("button", name="办结通过").click()
    expect(staff.locator(".flash")).to_contain_text("证明编号 ZM-" + number)
    sctx.close()

    phone.goto(application_url)
    phone.get_by_role("link", name="查看并打印证明").click()
    expect(phone.locator("#certificate-number")).to_have_text("ZM-" + number)
    link = _decode_qr(phone)
    assert re.search(r"/verify/[0-9a-f]{20}$", link), link
    assert link in phone.locator(".qr-url").inner_text()
    _accessible(phone)
    rctx.close()

    # Anyone who scans it: the public page verifies it and shows the holder masked.
    vctx = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 640}, is_mobile=True)
    checker = vctx.new_page()
    checker.goto(server + re.sub(r"^https?://[^/]+", "", link))
    expect(checker.locator("#verify-result")).to_contain_text("证明真实有效")
    expect(checker.locator("#verify-result")).to_contain_text("ZM-" + number)
    expect(checker.locator("#verify-result dd").nth(2)).to_contain_text("*")
    _accessible(checker)
    checker.screenshot(path=str(ARTIFACTS / "services_verify_360.png"), full_page=True)
    vctx.close()


def _id_card_of_a_resident_of(grid_code):
    """The ID number the grid worker reads off the resident's card: a resident of the grid with no application yet."""
    import sqlite3
    if "data_dir" not in SERVER_INFO:
        pytest.skip("needs the server this session started")
    db = sqlite3.connect(SERVER_INFO["data_dir"] + "/jingzhi.sqlite")
    try:
        row = db.execute("""SELECT r.id_number, r.name FROM residents r JOIN org_nodes g ON g.code = ?
            WHERE r.node_path >= g.path AND r.node_path < g.path || '~' AND r.deleted_at IS NULL AND r.id_number IS NOT NULL
            AND r.id NOT IN (SELECT resident_id FROM service_applications) ORDER BY r.node_path LIMIT 1""", (grid_code,)).fetchone()
    finally:
        db.close()
    assert row, "no resident without applications in " + grid_code
    return row


def test_a_grid_worker_applies_for_a_resident_daiban_and_community_staff_see_it(browser, server):
    id_number, name = _id_card_of_a_resident_of("YT-GT-01-G01")
    wctx, worker = _phone_360(browser, server, "gt01_grid")
    worker.goto(server + "/services")
    _accessible(worker)
    worker.get_by_role("link", name="低保申请材料初审").click()
    expect(worker.locator("h1")).to_contain_text("低保申请材料初审")
    # Someone outside the grid: refused in words, nothing filed.
    worker.fill("input[name=idNumber]", "110101190001010000")
    for material in ["身份证正反面", "户口本", "家庭收入情况说明"]:
        worker.locator(f"input[data-material='{material}']").set_input_files(_photo("m.png"))
    worker.get_by_role("button", name="提交申请").click()
    expect(worker.locator("p.error")).to_contain_text("辖区内没有这个身份证号的居民")
    worker.fill("input[name=idNumber]", id_number)
    for material in ["身份证正反面", "户口本", "家庭收入情况说明"]:
        worker.locator(f"input[data-material='{material}']").set_input_files(_photo("m.png"))
    worker.get_by_role("button", name="提交申请").click()
    expect(worker.locator(".flash")).to_contain_text("申请已提交")
    number = re.search(r"DBCS\d{8}-\d{4}", worker.locator(".flash").inner_text()).group(0)
    expect(worker.locator(".tag", has_text="代办")).to_be_visible()
    _accessible(worker)
    worker.screenshot(path=str(ARTIFACTS / "services_daiban_360.png"), full_page=True)
    wctx.close()

    # The community's staff find it in their queue, marked as filed by proxy, with the resident's name.
    sctx, staff = _as(browser, server, "gt01_community")
    staff.goto(server + "/services?number=" + number)
    row = staff.locator("#applications tbody tr", has_text=number)
    expect(row).to_contain_text("代办")
    expect(row).to_contain_text(name)
    sctx.close()


def test_services_nearby_on_the_map_and_the_app_works_offline(browser, server):
    ctx, phone = _phone_360(browser, server, "resident_demo")
    phone.goto(server + "/")
    worker = phone.locator("#my-grid-worker a.call").first
    expect(worker).to_have_attribute("href", re.compile(r"^tel:\d"))
    expect(worker).to_contain_text("****")
    phone.locator("nav.tiles a", has_text="附近服务").click()
    expect(phone.locator("svg.place-map")).to_be_visible()
    cards = phone.locator("#places a.card")
    assert cards.count() > 3
    metres = [int(m) for m in re.findall(r"(\d+) 米", phone.locator("#places").inner_text())]
    assert metres == sorted(metres), metres
    _accessible(phone)
    phone.screenshot(path=str(ARTIFACTS / "services_nearby_360.png"), full_page=True)
    phone.select_option("select[name=kind]", "pharmacy")
    phone.get_by_role("button", name="筛选").click()
    expect(phone.locator("#places a.card").first).to_contain_text("药房")
    phone.locator("#places a.card").first.click()
    expect(phone.locator("#week tr")).to_have_count(7)
    expect(phone.locator("a.button.big[href^='tel:']")).to_be_visible()
    _accessible(phone)

    # Installed: the service worker keeps the shell; a page it cannot fetch answers with the offline page.
    phone.goto(server + "/")
    phone.wait_for_function("""async () => {
        const r = await navigator.serviceWorker.ready;
        return !!r.active && !!(await caches.match('/offline'));
    }""", timeout=20000)
    ctx.set_offline(True)
    phone.goto(server + "/notices")
    expect(phone.locator("h1")).to_have_text("网络未连接")
    _accessible(phone)
    ctx.set_offline(False)
    ctx.close()


def test_todays_menu_on_the_home_and_an_order_for_tomorrow(browser, server):
    ctx, phone = _phone_360(browser, server, "resident_demo")
    phone.goto(server + "/")
    menu = phone.locator("#home-menu")
    expect(menu).to_be_visible()
    expect(menu.locator(".meal")).to_have_count(3)
    # A closed day says so; an open one lists its dishes with the resident's price.
    text = menu.inner_text()
    assert "食堂休息" in text or re.search(r"¥\d+\.\d\d", text), text
    _accessible(phone)
    phone.locator("nav.tiles a", has_text="社区食堂").click()
    expect(phone.locator("#tomorrow-menu")).to_be_visible()
    buttons = phone.get_by_role("button", name="订这道")
    if buttons.count() == 0:
        # Past today's cut-off (or tomorrow closed): the page says why there is nothing to order.
        assert "截止" in phone.content() or "食堂休息" in phone.content()
    else:
        before = phone.locator("#my-orders li").count()
        buttons.first.click()
        expect(phone.locator(".flash")).to_contain_text("已订餐")
        expect(phone.locator("#my-orders li", has_text="已预订")).not_to_have_count(0)
        assert phone.locator("#my-orders li").count() >= before
    _accessible(phone)
    phone.screenshot(path=str(ARTIFACTS / "canteen_360.png"), full_page=True)
    ctx.close()

    kctx, kitchen = _as(browser, server, "gt01_community")
    kitchen.goto(server + "/canteen")
    expect(kitchen.locator("h1")).to_have_text("食堂后厨")
    expect(kitchen.locator("#kitchen")).to_be_visible()
    expect(kitchen.locator("#deliveries")).to_be_visible()
    _accessible(kitchen)
    kctx.close()
