"""Real-browser test scaffolding: a live `jingzhi serve --demo` and Debian's chromium.

Fixtures
  server   (session)  base URL of a freshly started demo server
  browser  (session)  headless Chromium driven by Playwright
  page     (function) desktop page, 1366x900, locale zh-CN
  phone    (function) phone page, 390x844, touch, DPR 2, locale zh-CN

Helper
  login(page, base, username, password)

Environment knobs (all optional)
  JINGZHI_BIN       use this server binary instead of `<swift build --show-bin-path>/jingzhi`
  JINGZHI_BASE_URL  do not start a server; test against this running one
  CHROMIUM_PATH     browser executable (default /usr/lib/chromium/chromium)

On failure a screenshot goes to browser-tests/artifacts/<test name>.png; the
server's output is in browser-tests/artifacts/server.log.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARTIFACTS = HERE / "artifacts"

# The server this session started: its binary and data directory, for tests that also run a `jingzhi` command on it.
SERVER_INFO: dict = {}

HEALTH_TIMEOUT_S = 600  # the first start seeds a whole demo county
DEFAULT_CHROMIUM = "/usr/lib/chromium/chromium"


# --------------------------------------------------------------------------
# server
# --------------------------------------------------------------------------

def _server_binary() -> Path:
    override = os.environ.get("JINGZHI_BIN")
    if override:
        return Path(override)
    bin_dir = subprocess.run(
        ["swift", "build", "--show-bin-path"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    binary = Path(bin_dir) / "jingzhi"
    if not binary.exists():
        # Normally scripts/test has built it already; build only when missing.
        subprocess.run(["swift", "build"], cwd=ROOT, check=True)
    if not binary.exists():
        raise RuntimeError(f"server binary not found at {binary} even after `swift build`")
    return binary


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@pytest.fixture(scope="session")
def server():
    """Base URL (no trailing slash) of a live demo server."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    external = os.environ.get("JINGZHI_BASE_URL")
    if external:
        yield external.rstrip("/")
        return

    binary = _server_binary()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = tempfile.mkdtemp(prefix="jingzhi-browser-")
    SERVER_INFO.update(binary=str(binary), data_dir=data_dir)

    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("JINGZHI_TEST_DATABASE_URL", None)
    env["JINGZHI_DATA_DIR"] = data_dir

    log_path = ARTIFACTS / "server.log"
    log = open(log_path, "wb")
    cmd = [str(binary), "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(port)]
    log.write(("$ " + " ".join(cmd) + f"\n# JINGZHI_DATA_DIR={data_dir}\n").encode())
    log.flush()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with code {proc.returncode} before /healthz answered;"
                    f" tail of {log_path}:\n{_log_tail(log_path)}"
                )
            if _healthy(base + "/healthz"):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"/healthz did not return 200 within {HEALTH_TIMEOUT_S}s;"
                    f" tail of {log_path}:\n{_log_tail(log_path)}"
                )
            time.sleep(0.5)
        yield base
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


# --------------------------------------------------------------------------
# browser and pages
# --------------------------------------------------------------------------

def _chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM_PATH"), DEFAULT_CHROMIUM):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise RuntimeError("chromium not found; run scripts/setup")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=_chromium_path(),
            headless=True,
            args=["--no-sandbox"],
        )
        try:
            yield b
        finally:
            b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Expose each phase's report as item.rep_setup / rep_call / rep_teardown."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def _failed(request) -> bool:
    for when in ("setup", "call"):
        rep = getattr(request.node, "rep_" + when, None)
        if rep is not None and rep.failed:
            return True
    return False


def _screenshot_name(request) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-\[\]]+", "_", request.node.name) + ".png"


def _page_fixture(request, browser: Browser, server: str, **context_args):
    context = browser.new_context(base_url=server, locale="zh-CN", **context_args)
    pg = context.new_page()
    try:
        yield pg
    finally:
        if _failed(request):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            try:
                pg.screenshot(path=str(ARTIFACTS / _screenshot_name(request)), full_page=True)
            except Exception as exc:  # never mask the real failure
                print(f"screenshot failed: {exc}")
        context.close()


@pytest.fixture
def page(request, browser: Browser, server: str):
    """Desktop page (1366x900, zh-CN); relative URLs resolve against the server."""
    yield from _page_fixture(request, browser, server, viewport={"width": 1366, "height": 900})


@pytest.fixture
def phone(request, browser: Browser, server: str):
    """Phone page (390x844 CSS px, touch, DPR 2, zh-CN)."""
    yield from _page_fixture(
        request, browser, server,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def login(page: Page, base: str, username: str, password: str) -> None:
    """Submit the login form and wait for the resulting page to load."""
    page.goto(base.rstrip("/") + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state()


def new_resident(browser: Browser, base: str, desk: Page, nth: int, viewport=(360, 640)):
    """A resident of 古亭社区 (the `nth` row of `desk`'s register, desk logged in as its community staff) signs up
    on a phone and the staff link the account to the register. Returns (context, phone page, address)."""
    import random
    from playwright.sync_api import expect

    desk.goto(base + "/residents")
    row = desk.locator("tbody tr").nth(nth)
    name = row.locator("td").first.inner_text().strip()
    address = row.locator("td[data-label='住址']").inner_text().strip()
    ctx = browser.new_context(locale="zh-CN", viewport={"width": viewport[0], "height": viewport[1]},
                              is_mobile=True, has_touch=True)
    phone = ctx.new_page()
    phone.goto(base + "/register")
    phone.fill("input[name=phone]", "136" + "".join(random.choice("0123456789") for _ in range(8)))
    phone.fill("input[name=name]", name)
    phone.select_option("select[name=nodeId]", label=address.split(" ")[0])
    phone.fill("input[name=room]", address)
    phone.fill("input[name=password]", "Jiayou2026")
    phone.get_by_role("button", name="注册并申请认证").click()
    expect(phone.locator("body")).to_contain_text("审核")
    desk.goto(base + "/link-requests")
    desk.get_by_role("link", name=name).first.click()
    desk.locator("input[name=residentId]").first.check()
    desk.get_by_role("button", name="通过").click()
    expect(desk.locator(".flash")).to_contain_text("已通过")
    return ctx, phone, address
