"""The served app: without a session the API answers 401/403; with one it works."""

from __future__ import annotations

import httpx
import pytest
from app_helpers import PASSWORDS

pytestmark = pytest.mark.timeout(120)

API_PATHS = [
    ("GET", "/config"),
    ("GET", "/gradio_api/info"),
    ("GET", "/gradio_api/openapi.json"),
    ("POST", "/gradio_api/queue/join"),
    ("GET", "/gradio_api/queue/data?session_hash=x"),
    ("POST", "/gradio_api/call/ask"),
    ("POST", "/gradio_api/upload"),
    ("POST", "/gradio_api/reset"),
    ("POST", "/gradio_api/cancel"),
    ("GET", "/gradio_api/heartbeat/abc"),
    ("POST", "/gradio_api/stream/abc"),
    ("GET", "/gradio_api/file=/etc/passwd"),
    ("GET", "/monitoring"),
]


def login(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    r = client.post("/login", data={"username": name, "password": PASSWORDS[name]})
    assert r.status_code == 200, r.text
    return client


@pytest.mark.slow
def test_api_refuses_without_login_and_works_with_it(server):
    base, services = server
    with httpx.Client(base_url=base, timeout=30) as anon:
        for method, path in API_PATHS:
            r = anon.request(method, path)
            assert r.status_code in (401, 403), (method, path, r.status_code)
        page = anon.get("/")
        assert page.status_code == 200
        assert '"auth_required":true' in page.text.replace(" ", "")
        assert "/check_label" not in page.text and "search_findings" not in page.text  # no API description
        bad = anon.post("/login", data={"username": "kim", "password": "wrong-password"})
        assert bad.status_code == 400
    client = login(base, "kim")
    try:
        assert client.get("/config").status_code == 200
        info = client.get("/gradio_api/info")
        assert info.status_code == 200
        assert "/ask" in info.text
    finally:
        client.close()
    actions = [e["action"] for e in services.audit.entries()]
    assert "login_failed" in actions and "login" in actions


@pytest.mark.slow
def test_login_lockout_after_repeated_failures(server):
    base, _ = server
    with httpx.Client(base_url=base, timeout=30) as anon:
        for _ in range(5):
            assert anon.post("/login", data={"username": "lee", "password": "nope-nope"}).status_code == 400
        # right password, but the name is locked out for a while
        assert anon.post("/login", data={"username": "lee", "password": PASSWORDS["lee"]}).status_code == 400
        assert anon.post("/login", data={"username": "kim", "password": PASSWORDS["kim"]}).status_code == 200
        assert anon.get("/config").status_code == 200  # the session cookie now opens the API


def test_password_checks_run_nicer_than_the_app():
    """A login's scrypt check can wait; it runs on threads LOGIN_NICE nicer than the app's own, so barcode
    verdicts at the counter are served first when many officers log in at once."""
    import asyncio
    import os
    import threading
    from types import SimpleNamespace

    from assistant.ui.server import LOGIN_NICE, make_auth

    seen: dict[str, int] = {}

    class Users:
        def verify(self, name, password):
            seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            return SimpleNamespace(name=name, role="officer") if password == "right" else None

    logged: list[tuple] = []
    services = SimpleNamespace(users=Users(), audit=SimpleNamespace(append=lambda *a, **k: logged.append(a)))
    auth = make_auth(services)
    assert asyncio.run(auth("kim", "right")) is True
    assert seen["nice"] == min(19, os.getpriority(os.PRIO_PROCESS, 0) + LOGIN_NICE)
    assert asyncio.run(auth("kim", "wrong")) is False
    assert [a[2] for a in logged] == ["login", "login_failed"]
