"""The app starts and answers with every non-loopback connection blocked, and tries none."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from app_helpers import PASSWORDS, free_port
from live import HAZARD_LINES, build_real_home, label_photo, live_services

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _is_loopback(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: resolving it would already be an outbound attempt


def block_outbound(monkeypatch) -> list:
    """Refuse (and record) every connection that is not to loopback, in this process."""
    attempts: list = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        if not _is_loopback(address):
            attempts.append(address)
            raise ConnectionRefusedError(f"blocked by test: {address}")
        return real_connect(self, address)

    def connect_ex(self, address):
        if not _is_loopback(address):
            attempts.append(address)
            return 111
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return attempts


def test_app_runs_offline(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    real = build_real_home(home)  # (a separate process: building the home is not under test)
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio-tmp"))
    attempts = block_outbound(monkeypatch)
    from gradio_client import Client, handle_file

    from assistant.ui import build_app, launch_app

    services = live_services(home, real)
    photo = label_photo(tmp_path / ("label.jpg" if real else "sibutramine.jpg"), HAZARD_LINES)
    demo = build_app(services, services.settings)
    port = free_port()
    launch_app(demo, services, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", auth=("kim", PASSWORDS["kim"]), verbose=False,
                        analytics_enabled=False, download_files=False)
        out = client.predict("건강기능식품 6병 초과 자가사용", api_name="/ask")  # (State outputs are skipped)
        assert out[0][-1]["role"] == "assistant" and "data-grounded" in out[3]
        badge, *_ = client.predict([handle_file(photo)], None, api_name="/check_label")
        assert "data-verdict='hazard'" in badge
    finally:
        demo.close()
    assert attempts == [], f"outbound connection attempts: {attempts}"
