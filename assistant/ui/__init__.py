"""The officer's web app (Gradio). `build_app(services, settings)` builds it without launching;
`launch_app(...)` serves it with login, roles and no outbound connections (see server.py)."""

from __future__ import annotations

from typing import Any


def build_app(services: Any, settings: Any = None) -> Any:
    from assistant.ui.builder import build_app as _build

    return _build(services, settings)


def launch_app(*args: Any, **kwargs: Any) -> Any:
    from assistant.ui.server import launch_app as _launch

    return _launch(*args, **kwargs)


__all__ = ["build_app", "launch_app"]
