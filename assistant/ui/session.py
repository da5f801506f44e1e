"""Who is calling (gr.Request.username -> role), checked on the server for every request.

Hiding a tab is cosmetic; these checks are the enforcement: every handler resolves the caller's
role from the users store (a disabled or deleted account loses access at its next click) and
features check it before doing anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.ui.i18n import err, t

FINDINGS_ROLES = ("auditor", "admin")
ADMIN_ROLES = ("admin",)


@dataclass(frozen=True)
class Caller:
    name: str
    role: str


def get_caller(services: Any, request: Any, lang: str) -> Caller:
    name = getattr(request, "username", None)
    role = services.users.role(name) if name else None
    if name is None or role is None:
        raise gr.Error(t("login_required", lang))
    return Caller(str(name), role)


def require(services: Any, caller: Caller, roles: tuple[str, ...], action: str, lang: str) -> None:
    if caller.role not in roles:
        services.audit.append(caller.name, caller.role, "denied", detail={"action": action})
        raise gr.Error(t("denied", lang))


@contextmanager
def user_errors(lang: str) -> Iterator[None]:
    """Turn the assistant's typed errors into a readable message in the page's language."""
    try:
        yield
    except AssistantError as exc:
        raise gr.Error(err(exc, lang)) from exc
