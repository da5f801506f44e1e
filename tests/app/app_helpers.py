"""Fixtures for the app tests: a home with three users and fake assistant parts."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

PASSWORDS = {"kim": "officer-pass-1", "lee": "auditor-pass-1", "root": "admin-pass-1"}
ROLES = {"kim": "officer", "lee": "auditor", "root": "admin"}


@pytest.fixture
def services(home: Path):
    from app_fakes import make_services

    svc = make_services(home)
    for name, role in ROLES.items():
        svc.users.add(name, role, PASSWORDS[name])
    return svc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(services, tmp_path, monkeypatch):
    """The app launched in-process on a free loopback port; yields its base URL."""
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio-tmp"))
    from assistant.ui import build_app, launch_app

    demo = build_app(services, services.settings)
    port = free_port()
    launch_app(demo, services, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}", services
    finally:
        demo.close()
