"""Errors the user can act on. Each carries a Korean message (shown by default) and an English one.

The CLI turns these into one readable line and a non-zero exit code; the app into `gr.Error`.
Anything else is a bug and may show a traceback.
"""

from __future__ import annotations

import os


class AssistantError(Exception):
    """Base class: `str(err)` is the Korean message."""

    exit_code = 1

    def __init__(self, message_ko: str, message_en: str | None = None):
        super().__init__(message_ko)
        self.message_ko = message_ko
        self.message_en = message_en or message_ko

    def message(self, lang: str = "ko") -> str:
        return self.message_en if lang == "en" else self.message_ko


class BadInputFile(AssistantError):
    """A file that cannot be read: corrupt, empty, encrypted, wrong headers, unknown encoding…"""

    exit_code = 2

    def __init__(self, path: str | os.PathLike[str], reason_ko: str, reason_en: str | None = None):
        self.path = str(path)
        self.reason_ko = reason_ko
        self.reason_en = reason_en or reason_ko
        super().__init__(f"{self.path}: {reason_ko}", f"{self.path}: {self.reason_en}")


class UnsupportedFormat(BadInputFile):
    pass


class ProtectedDocument(BadInputFile):
    """Encrypted PDF or distribution-protected (배포용) HWP."""


class ConfigError(AssistantError):
    """Settings that point at something missing or invalid (model path, server URL…)."""

    exit_code = 3


class MissingExtra(ConfigError):
    """An optional package is not installed; the message says how to install it."""

    def __init__(self, package: str, extra: str, purpose_ko: str, hint_ko: str = "", hint_en: str = ""):
        super().__init__(
            f"{purpose_ko}에 필요한 패키지 '{package}'가 설치되어 있지 않습니다. "
            f"설치: .venv/bin/pip install -e '.[{extra}]'" + (f" {hint_ko}" if hint_ko else ""),
            f"The package '{package}' is needed for {purpose_ko} but is not installed. "
            f"Install it with: .venv/bin/pip install -e '.[{extra}]'" + (f" {hint_en}" if hint_en else ""),
        )


class IndexBusy(AssistantError):
    """Another ingest holds the home's lock."""

    exit_code = 4


class PermissionDenied(AssistantError):
    """The user's role does not allow this action."""

    exit_code = 5


class NotFound(AssistantError):
    exit_code = 6
