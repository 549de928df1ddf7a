"""A small HTTP client for Jingzhi's scripts (cluster test, fault and load benches): the standard library only.

One `Client` is one person: a session cookie from the login form, the form's CSRF token, or a bearer token for
/api/v1. Every response records which server answered (`X-Jingzhi-Server`). A fresh connection per request, so a
server that went away never leaves a stale connection behind.
"""
from __future__ import annotations

import http.client
import json as jsonlib
import re
import time
import urllib.parse

CSRF = re.compile(r'name="_csrf"\s+value="([^"]+)"')


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes, seconds: float):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    @property
    def server(self) -> str | None:
        return self.headers.get("X-Jingzhi-Server")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return jsonlib.loads(self.body)

    def __repr__(self) -> str:
        return f"<{self.status} from {self.server}: {self.text[:200]}>"


class Client:
    def __init__(self, base: str, timeout: float = 60):
        parts = urllib.parse.urlsplit(base)
        assert parts.hostname in ("127.0.0.1", "localhost"), "loopback only"
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookie: str | None = None
        self.csrf: str | None = None
        self.token: str | None = None
        self.servers: list[str | None] = []

    def request(self, method: str, path: str, json=None, form=None, headers=None) -> Response:
        h = {"Accept-Language": "zh-CN"}
        body = None
        if json is not None:
            body = jsonlib.dumps(json).encode()
            h["Content-Type"] = "application/json"
        elif form is not None:
            fields = list(form.items()) if isinstance(form, dict) else list(form)
            if self.csrf:
                fields = [("_csrf", self.csrf)] + fields
            body = urllib.parse.urlencode(fields).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if self.cookie:
            h["Cookie"] = "jingzhi_session=" + self.cookie
        h.update(headers or {})
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=h)
            res = conn.getresponse()
            data = res.read()
        finally:
            conn.close()
        out = Response(res.status, res.headers, data, time.perf_counter() - started)
        self.servers.append(out.server)
        for value in res.headers.get_all("Set-Cookie") or []:
            m = re.match(r"jingzhi_session=([^;]*)", value)
            if m:
                self.cookie = m.group(1) or None
        if "text/html" in (res.headers.get("Content-Type") or ""):
            m = CSRF.search(out.text)
            if m:
                self.csrf = m.group(1)
        return out

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw) -> Response:
        return self.request("POST", path, **kw)

    def login_form(self, username: str, password: str = "Demo2026") -> Response:
        """Logs in as a person does: the form for a cookie and a CSRF token, then the form posted back."""
        page = self.get("/login")
        assert page.status == 200 and self.csrf, page
        res = self.post("/login", form=[("username", username), ("password", password)])
        assert res.status == 303, res
        return res

    def login_token(self, username: str, password: str = "Demo2026") -> str:
        res = self.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert res.status == 200, res
        self.token = res.json()["token"]
        return self.token
