"""The hotline operator files a call with the keyboard only: type, Tab, type, Ctrl+Enter, and the empty form is
back for the next call with the number just filed on top."""

import random
import re

from playwright.sync_api import expect

from conftest import ARTIFACTS, login

PASSWORD = "Demo2026"


def test_an_operator_files_a_call_without_touching_the_mouse(page, server):
    login(page, server, "gt01_community", PASSWORD)
    page.goto(server + "/cases/hotline")
    # The phone field has the focus when the page opens; everything else is Tab and typing.
    expect(page.locator("input[name=reporterPhone]")).to_be_focused()
    place = page.locator("#hotline-places option").first.get_attribute("value")
    code = re.search(r"（(.+)）$", place).group(1)
    phone = "139%08d" % random.randint(0, 99_999_999)
    page.keyboard.type(phone)
    page.keyboard.press("Tab")
    page.keyboard.type("张先生")
    page.keyboard.press("Tab")
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    page.keyboard.type("xiashuidao")
    page.keyboard.press("Tab")
    page.keyboard.type("楼下下水道堵了，污水漫到路上")
    page.keyboard.press("Control+Enter")
    flash = page.locator(".flash")
    expect(flash).to_contain_text("已登记")
    number = re.search(r"已登记 (\S+)：", flash.inner_text()).group(1)
    # Ready for the next call: empty form, focus on the phone, the case listed as filed by me.
    expect(page.locator("input[name=reporterPhone]")).to_be_focused()
    expect(page.locator("input[name=reporterPhone]")).to_have_value("")
    expect(page.get_by_role("link", name=number)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "hotline-wide.png"), full_page=True)
    # The case carries the caller and the hotline channel.
    page.get_by_role("link", name=number).click()
    expect(page.locator("body")).to_contain_text("下水道")
    expect(page.locator("body")).to_contain_text("热线")
