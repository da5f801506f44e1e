"""Serving the app: login (users store, scrypt), a session check in front of every API route,
loopback by default, no share link, no analytics, no monitoring, no run history, no web fonts.

Gradio's own auth protects its main routes; `RequireSession` additionally answers 401 to any
`/gradio_api/...` or `/config` request without a valid session cookie, so a route Gradio leaves
open (stream, heartbeat, cancel, reset…) cannot be reached anonymously either.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from assistant.priority import lower_this_thread  # noqa: E402
from assistant.ui.i18n import t  # noqa: E402
from assistant.ui.theme import CSS, make_theme  # noqa: E402

# What the login page itself needs before anyone is logged in.
PUBLIC_EXACT = {"/", "/en", "/ko", "/login", "/login/", "/logout", "/favicon.ico", "/theme.css", "/robots.txt",
                "/manifest.json", "/gradio_api/theme.css", "/gradio_api/startup-events", "/gradio_api/app_id",
                "/gradio_api/app_id/", "/gradio_api/login_check", "/gradio_api/login_check/"}
PUBLIC_PREFIXES = ("/assets/", "/static/", "/svelte/", "/gradio_api/assets/", "/gradio_api/static/")
LOGIN_PAGES = {"/", "/en", "/ko"}
MAX_FAILURES, WINDOW_S, LOCKOUT_S = 5, 900, 300
_API_INFO = re.compile(rb"window\.gradio_api_info = .*?;</script>", re.DOTALL)


def _without_api_info(send: Any) -> Any:
    """Wrap `send` so the login page does not carry the app's API description (endpoint names and
    parameters are none of an anonymous visitor's business)."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = _API_INFO.sub(b"window.gradio_api_info = {};</script>", b"".join(chunks))
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


def _session_user(scope: dict[str, Any]) -> str | None:
    app = scope.get("app")
    cookie_id = getattr(app, "cookie_id", None)
    if app is None or cookie_id is None:
        return None
    raw = b"; ".join(v for k, v in scope.get("headers", []) if k == b"cookie").decode("latin-1")
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:
        return None
    for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
        if name in jar:
            user = app.tokens.get(jar[name].value)
            if user:
                return user
    return None


class RequireSession:
    """ASGI middleware: 401 for API routes without a logged-in session."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            path = scope.get("path", "")
            root = scope.get("root_path", "")
            if root and path.startswith(root):
                path = path[len(root):] or "/"
            public = path in PUBLIC_EXACT or path.startswith(PUBLIC_PREFIXES)
            logged_in = _session_user(scope) is not None
            if path in LOGIN_PAGES and not logged_in and scope["type"] == "http":
                await self.app(scope, receive, _without_api_info(send))
                return
            if not public and not logged_in:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 4401})
                    return
                body = json.dumps({"error": "Not authenticated", "detail": t("login_required")}).encode("utf-8")
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


class LoginGuard:
    """Slows password guessing: after 5 failures for a name within 15 min, refuse it for 5 min."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, name: str) -> bool:
        with self._lock:
            q = self._failures[name]
            now = time.monotonic()
            while q and now - q[0] > WINDOW_S:
                q.popleft()
            return len(q) >= MAX_FAILURES and now - q[-1] < LOCKOUT_S

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures[name].append(time.monotonic())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


# Password checks (scrypt, ≈ 0.1 s of CPU each) run on threads this much nicer than the app: a login can wait a
# moment, a barcode verdict at the counter should not. With 20 officers logging in at once the checks filled both
# cores for ≈ 2 s, and the label checks arriving meanwhile waited behind them (docs/BENCHMARKS.md, load).
LOGIN_NICE = 5  # as nice as the OCR workers (ocr.nice): at 10, logins waited up to 8 s behind label OCR
_login_pool: ThreadPoolExecutor | None = None
_login_pool_lock = threading.Lock()


def login_pool() -> ThreadPoolExecutor:
    global _login_pool
    with _login_pool_lock:
        if _login_pool is None:
            _login_pool = ThreadPoolExecutor(2, thread_name_prefix="login",
                                             initializer=lower_this_thread, initargs=(LOGIN_NICE,))
        return _login_pool


def make_auth(services: Any) -> Any:
    """The login callable Gradio calls: checks the users store off the event loop (on the nicer login
    threads), logs the attempt."""
    guard = LoginGuard()

    async def auth(username: str, password: str) -> bool:
        name = (username or "").strip()[:64]
        if guard.blocked(name):
            services.audit.append(name, None, "login_failed", verdict="locked")
            return False
        user = await asyncio.wrap_future(login_pool().submit(services.users.verify, name, password or ""))
        if user is None:
            guard.failed(name)
            services.audit.append(name, None, "login_failed")
            return False
        guard.succeeded(name)
        services.audit.append(user.name, user.role, "login")
        return True

    return auth


def launch_app(blocks: gr.Blocks, services: Any, host: str | None = None, port: int | None = None, *,
               prevent_thread_lock: bool = False, quiet: bool = False) -> tuple[Any, str, str]:
    settings = services.settings
    blocks.queue(default_concurrency_limit=4, max_size=256)
    return blocks.launch(
        server_name=host or settings.app.host,
        server_port=port or settings.app.port,
        auth=make_auth(services),
        auth_message=t("auth_message", settings.app.language),
        share=False,
        inbrowser=False,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        show_error=False,
        footer_links=[],
        run_history=False,
        enable_monitoring=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        strict_cors=True,
        max_file_size=f"{int(settings.app.max_upload_mb)}mb",
        app_kwargs={"middleware": [Middleware(RequireSession)]},
        theme=make_theme(),
        css=CSS,
    )
