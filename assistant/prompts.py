"""Prompts are data files (`prompts/<name>.yaml`), rendered with Jinja2 and StrictUndefined so a
missing variable fails loudly instead of producing a silently broken prompt.

>>> p = load_prompt("answer")
>>> "system" in p.parts and "user" in p.parts
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined

from assistant.errors import ConfigError

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"

_env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Prompt:
    name: str
    parts: dict[str, str]  # e.g. {"system": "...", "user": "..."} as Jinja source
    options: tuple[tuple[str, Any], ...] = ()  # the file's `options:` mapping (limits tuned with the prompt)

    def option(self, key: str, default: Any) -> Any:
        return dict(self.options).get(key, default)

    def render(self, part: str, **values: Any) -> str:
        return _env.from_string(self.parts[part]).render(**values).strip()

    def messages(self, **values: Any) -> list[dict[str, str]]:
        """Chat messages for every role part present (system, user)."""
        return [{"role": role, "content": self.render(role, **values)} for role in ("system", "user") if role in self.parts]


@lru_cache(maxsize=16)
def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> Prompt:
    path = directory / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(f"프롬프트 파일이 없습니다: {path}", f"Prompt file not found: {path}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ConfigError(f"프롬프트 파일 형식이 잘못되었습니다: {path}", f"Prompt file is not a mapping: {path}")
    options = data.get("options") or {}
    if not isinstance(options, dict):
        raise ConfigError(f"프롬프트 파일의 options가 매핑이 아닙니다: {path}", f"Prompt options are not a mapping: {path}")
    return Prompt(name=name, parts={k: str(v) for k, v in data.items() if isinstance(v, str)},
                  options=tuple(sorted(options.items())))
