"""Indexing and querying never try the network (no model hub, no telemetry): non-loopback connects fail the test."""

from __future__ import annotations

import ipaddress
import socket

from store_helpers import finding_records, make_index, regulation_records, row

from assistant.retrieval.filters import Filters


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost means a DNS lookup + remote connect


def test_index_and_query_without_network(home, monkeypatch):
    attempts: list[object] = []
    real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def guard(address):
        if getattr(address, "__len__", None) and not isinstance(address, (str, bytes)) and not _is_loopback(address):
            attempts.append(address)
            raise OSError(f"network disabled in tests: {address}")

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            guard(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            guard(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kw):
        if not _is_loopback(host if isinstance(host, str) else str(host)):
            attempts.append(host)
            raise OSError(f"DNS disabled in tests: {host}")
        return real_getaddrinfo(host, *args, **kw)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    idx = make_index(home, tokenizer=None)  # production tokenizer and default (hashed) embedder
    idx.replace_source(row("/d/관세법_샘플.txt"), regulation_records())
    idx.replace_source(row("/d/감사사례.csv", "finding"), finding_records())
    idx.sync()
    assert idx.keyword_search(idx.tokenizer("과태료는 언제 내나요"), 3)
    assert idx.vector_search("과태료는 언제 내나요", 3, Filters.for_role("officer"))
    assert idx.check()["consistent"]
    assert attempts == []
