"""A resident without an account scans the compound's code on a phone, reports with a photo, and is shown the case
number to write down. The pages visited are checked with axe-core."""

import base64
import random

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

# A 1×1 PNG, as a phone's camera would hand over a picture.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
AXE = Axe()


def _accessible(page):
    results = AXE.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"{page.url}: " + "; ".join(f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodes" for v in bad)


def test_a_resident_reports_with_a_photo_from_the_qr_page_and_sees_the_number(phone, server):
    phone.goto(server + "/c/YT-GT-01-G01-C01")
    expect(phone.locator("h1")).to_contain_text("扫码反映")
    _accessible(phone)
    phone.select_option("select[name=categoryCode]", label="环境卫生")
    phone.fill("textarea[name=description]", "垃圾桶满了没人清 " + str(random.randint(1000, 9999)))
    phone.fill("input[name=phone]", "137" + "".join(random.choice("0123456789") for _ in range(8)))
    phone.set_input_files("input[name='photos[]']", files=[{"name": "photo.png", "mimeType": "image/png", "buffer": PNG}])
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator(".flash")).to_contain_text("您的诉求编号是 YT")
    expect(phone.locator(".flash")).to_contain_text("请记下")
    expect(phone.locator("body")).to_contain_text("已提交，等待受理")
    _accessible(phone)
