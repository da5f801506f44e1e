"""LLM backends chosen by `llm.mode`: none (extractive answers), llamacpp, openai."""

from __future__ import annotations

from assistant.llm.base import LLM, Message
from assistant.settings import Settings

__all__ = ["LLM", "Message", "build_llm"]


def build_llm(settings: Settings) -> LLM | None:
    """The configured LLM, or None in `none` mode. Heavy imports happen only for the chosen backend."""
    cfg = settings.llm
    if cfg.mode == "none":
        return None
    if cfg.mode == "llamacpp":
        from assistant.errors import ConfigError
        from assistant.llm.llamacpp import LlamaCppLLM

        if not cfg.model_path:
            raise ConfigError(
                "llamacpp 모드에는 llm.model_path(GGUF 파일 경로)가 필요합니다.", "llamacpp mode needs llm.model_path (a GGUF file)"
            )
        return LlamaCppLLM(cfg.model_path, n_ctx=cfg.n_ctx, n_threads=cfg.n_threads)
    from assistant.llm.openai_compat import OpenAICompatLLM

    return OpenAICompatLLM(cfg.base_url or "", model=cfg.model, api_key=cfg.api_key, timeout_s=cfg.timeout_s)
