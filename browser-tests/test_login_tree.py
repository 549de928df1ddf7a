"""Login, the org tree, and role-dependent navigation, in a real browser."""

from urllib.parse import urlparse

from playwright.sync_api import expect

from conftest import login

ADMIN = ("admin", "Demo2026")
GRID_WORKER = ("gt01_grid", "Demo2026")


def _path(page) -> str:
    return urlparse(page.url).path


def test_admin_sees_county_and_its_streets(page, server):
    login(page, server, *ADMIN)
    assert _path(page) != "/login", "admin login did not leave the login page"

    page.goto(server + "/org")
    expect(page.locator("body")).to_contain_text("鱼台县")

    page.get_by_role("link", name="鱼台县", exact=True).first.click()
    page.wait_for_load_state()
    body = page.locator("body")
    expect(body).to_contain_text("谷亭街道")
    expect(body).to_contain_text("滨湖街道")


def test_wrong_password_shows_error_and_stays_on_login(page, server):
    login(page, server, ADMIN[0], "not-the-password")
    expect(page.locator("body")).to_contain_text("用户名或密码错误")
    assert _path(page) == "/login"


def test_grid_worker_navigation_on_phone(phone, server):
    login(phone, server, *GRID_WORKER)
    assert _path(phone) != "/login", "grid worker login did not leave the login page"

    nav = phone.locator("nav")
    assert nav.count() > 0, "page has no <nav> element"
    # textContent, not innerText: on a phone the menu may be collapsed and hidden.
    nav_text = " ".join(t or "" for t in nav.all_text_contents())
    assert "居民信息" in nav_text, f"navigation lacks 居民信息: {nav_text!r}"
    assert "账号" not in nav_text, f"grid worker sees accounts admin (账号) in navigation: {nav_text!r}"
