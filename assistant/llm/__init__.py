"""LLM backends chosen by `llm.mode`: none (extractive answers), llamacpp, openai.

A GGUF model is loaded once per process: `build_llm` keeps each (file, n_ctx, threads) it loaded, so
the app, the CLI reading many questions and the benchmark never reload it per question.
"""

from __future__ import annotations

import atexit
import threading
from typing import Any

from assistant.llm.base import LLM, Message
from assistant.settings import LLMSettings, Settings

__all__ = ["LLM", "Message", "build_llm", "prompt_style", "resolve_model_path"]

_LOADED: dict[tuple[str, int, int | None], Any] = {}
_LOAD_LOCK = threading.Lock()


def resolve_model_path(cfg: LLMSettings) -> str | None:
    """The GGUF file for llamacpp mode: `model_path`, else a packaged model named by `model`."""
    if cfg.model_path:
        return cfg.model_path
    from assistant.llm.packaged import model_file, packaged

    pm = packaged(cfg.model)
    return str(model_file(pm)) if pm is not None else None


def prompt_style(cfg: LLMSettings) -> str:
    """"chat" or "completion" (see LLMSettings.prompt_style)."""
    if cfg.prompt_style != "auto":
        return cfg.prompt_style
    from assistant.llm.packaged import packaged

    pm = packaged(cfg.model)
    return "completion" if pm is not None and pm.base else "chat"


def _close_loaded() -> None:
    """At exit, free the models loaded for this process while llama.cpp's library is still there."""
    if not _LOAD_LOCK.acquire(timeout=5):  # a thread still loading one at exit: leave them to the interpreter
        return
    try:
        while _LOADED:
            _, llm = _LOADED.popitem()
            llm.close()
    finally:
        _LOAD_LOCK.release()


atexit.register(_close_loaded)


def build_llm(settings: Settings) -> LLM | None:
    """The configured LLM, or None in `none` mode. Heavy imports happen only for the chosen backend."""
    cfg = settings.llm
    if cfg.mode == "none":
        return None
    if cfg.mode == "llamacpp":
        from assistant.errors import ConfigError
        from assistant.llm.llamacpp import LlamaCppLLM

        path = resolve_model_path(cfg)
        if not path:
            raise ConfigError(
                "llamacpp 모드에는 llm.model_path(GGUF 파일 경로)가 필요합니다. "
                "설치형 데모 모델은 llm.model: gemma3-270m (make setup LLM=gemma3-270m).",
                "llamacpp mode needs llm.model_path (a GGUF file), or llm.model: gemma3-270m "
                "for the packaged demo model (make setup LLM=gemma3-270m)",
            )
        key = (path, cfg.n_ctx, cfg.n_threads)
        with _LOAD_LOCK:
            if key not in _LOADED:
                _LOADED[key] = LlamaCppLLM(path, n_ctx=cfg.n_ctx, n_threads=cfg.n_threads)
            return _LOADED[key]
    from assistant.llm.openai_compat import OpenAICompatLLM

    return OpenAICompatLLM(cfg.base_url or "", model=cfg.model, api_key=cfg.api_key, timeout_s=cfg.timeout_s)
