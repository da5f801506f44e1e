"""One place where the app and the CLI get the assistant's objects, built lazily from Settings.

`Services(settings)` builds the Index, Retriever, Answerer and LabelChecker on first use
(so the app starts fast and a missing part only fails the feature that needs it, with a
Korean message). Tests pass fakes through the keyword arguments.

>>> s = Services(load_settings("/tmp/h"), retriever=object())
>>> s.retriever is not None
True
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from assistant.auth import AuditLog, ChatHistory, UserStore
from assistant.errors import ConfigError
from assistant.retrieval.filters import ROLE_HIDDEN_KINDS, Filters
from assistant.settings import Settings, load_settings

ARTICLE_RE = re.compile(r"제\s*\d+\s*조(?:의\s*\d+)?")

__all__ = ["Services", "load_settings", "visible_to"]


def visible_to(role: str | None, kind: str) -> bool:
    """Second line of defence after the retrieval filter: may this role see a record of `kind`?"""
    hidden = ROLE_HIDDEN_KINDS.get(role or "", ROLE_HIDDEN_KINDS["officer"])
    return kind not in hidden


def _not_ready(part_ko: str, part_en: str, exc: Exception) -> ConfigError:
    return ConfigError(
        f"{part_ko} 기능을 사용할 수 없습니다: {exc}", f"The {part_en} is not available: {exc}"
    )


class Services:
    def __init__(self, settings: Settings, *, index: Any = None, retriever: Any = None, answerer: Any = None,
                 label_checker: Any = None, label_processes: bool = False):
        self.settings = settings
        self.home = Path(settings.home)
        self.home.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._index, self._retriever, self._answerer, self._label_checker = index, retriever, answerer, label_checker
        self.label_processes = label_processes  # the web app: label OCR in worker processes (workers.py)
        self.users = UserStore(self.home)
        self.audit = AuditLog(self.home)
        self.history = ChatHistory(self.home)

    # --- the assistant's parts, built on first use -------------------------------------------------
    @property
    def index(self) -> Any:
        with self._lock:
            if self._index is None:
                try:
                    from assistant.store.index import Index
                except ImportError as exc:
                    raise _not_ready("색인", "index", exc) from exc
                self._index = Index(self.settings)
            return self._index

    @property
    def retriever(self) -> Any:
        with self._lock:
            if self._retriever is None:
                build = getattr(importlib.import_module("assistant.retrieval"), "build_retriever", None)
                if build is None:
                    try:
                        build = importlib.import_module("assistant.retrieval.retriever").build_retriever
                    except (ImportError, AttributeError) as exc:
                        raise _not_ready("검색", "retriever", exc) from exc
                self._retriever = build(self.settings, self.index)
            return self._retriever

    @property
    def answerer(self) -> Any:
        with self._lock:
            if self._answerer is None:
                try:
                    from assistant.answer import build_answerer
                except ImportError as exc:
                    raise _not_ready("답변", "answerer", exc) from exc
                self._answerer = build_answerer(self.settings, self.retriever)
            return self._answerer

    @property
    def label_checker(self) -> Any:
        with self._lock:
            if self._label_checker is None:
                try:
                    from assistant.label.checker import build_label_checker
                except ImportError as exc:
                    raise _not_ready("라벨 판정", "label checker", exc) from exc
                self._label_checker = build_label_checker(self.settings, self.index, self.retriever,
                                                          processes=self.label_processes)
            return self._label_checker

    def warm_up(self) -> None:
        """Build every part and load its indexes now, so the first officer does not wait; failures only print."""
        steps = {
            "retriever": lambda: self.retriever.search("관세 통관", k=1),
            "answerer": lambda: getattr(self.answerer, "warm_up", lambda: None)(),  # an LLM loads here
            "label_checker": lambda: getattr(self.label_checker, "warm_up", lambda: None)(),
        }
        for name, step in steps.items():
            try:
                step()
            except Exception as exc:
                print(f"[warm-up] {name}: {exc}", file=sys.stderr)

    # --- role-aware helpers ----------------------------------------------------------------------------
    def filters_for(self, role: str | None, base: Filters | None = None) -> Filters:
        return Filters.for_role(role, base)

    def chat_filters(self, role: str | None) -> Filters:
        """Chat answers rest on regulations; auditors and admins also get audit findings (감사 사례)."""
        kinds = ["regulation", "finding"] if visible_to(role, "finding") else ["regulation"]
        return Filters.for_role(role, Filters(kinds=kinds))

    def search(self, query: str, role: str | None, k: int = 5, base: Filters | None = None) -> list[Any]:
        hits = self.retriever.search(query, k=k, filters=self.filters_for(role, base))
        return [h for h in hits if visible_to(role, h.kind)]

    def article(self, source: str, locator: str, role: str | None, title: str = "") -> dict[str, Any] | None:
        """The full text a regulation citation points at: every paragraph (항) of its article (조),
        or the whole 별표/부칙 block, in order. None when the store has nothing under that locator."""
        locator = (locator or "").strip()
        match = ARTICLE_RE.match(locator)
        key = re.sub(r"\s+", "", match.group(0)) if match else locator
        if not key:
            return None
        extra = {"article": key} if match else {}
        base = Filters(kinds=["regulation"], source=source or None, extra=extra)
        hits = self.search(title or key, role, k=40, base=base)
        hits = [h for h in hits if _locator_key(h.locator) == key]
        return _join_article(hits, key) if hits else None

    def resolve_reference(self, reference: str, role: str | None) -> dict[str, Any] | None:
        """'관세법 제157조' (as printed in a finding or a legal basis) -> that article's full text.
        Only the first reference is followed; None when that law's article is not in the store."""
        match = ARTICLE_RE.search(reference or "")
        if not match:
            return None
        article = re.sub(r"\s+", "", match.group(0))
        law = reference[: match.start()].strip(" ·,「」『』")
        hits = self.search(reference[: match.end()], role, k=40,
                           base=Filters(kinds=["regulation"], extra={"article": article}))
        if law:
            key = _law_key(law)
            hits = [h for h in hits if key in _law_key(str(h.metadata.get("law") or h.title))]
        if not hits:
            return None
        first_source = hits[0].source
        return _join_article([h for h in hits if h.source == first_source], article)

    # --- admin -----------------------------------------------------------------------------------------
    def ingest_file(self, path: Path, kind: str | None = None, timeout_s: float = 900) -> tuple[bool, str]:
        """Index one file through `python -m ingest` (its own process: a crash cannot take the app down).

        Returns (ok, message): the record count, or the reader's reason for refusing the file.
        """
        cmd = [sys.executable, "-m", "ingest", "--home", str(self.home), "--json", "--quiet", "--wait", "60"]
        if kind:
            cmd += ["--kind", kind]
        try:
            proc = subprocess.run([*cmd, str(path)], capture_output=True, text=True, timeout=timeout_s,
                                  cwd=str(Path(__file__).parents[1]))
        except subprocess.TimeoutExpired:
            return False, f"시간 초과 ({int(timeout_s)}초)"
        try:
            summary = json.loads(proc.stdout)
        except json.JSONDecodeError:
            lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
            return False, (lines[-1] if lines else f"exit {proc.returncode}")[:500]
        if summary.get("failures"):
            return False, str(summary["failures"][0].get("reason", ""))[:500]
        files = summary.get("files") or [{}]
        first = files[0]
        return proc.returncode == 0, f"{first.get('kind', '')} · {first.get('status', '')} · {first.get('records', 0)}"

    def prune(self) -> list[str]:
        """Remove indexed sources whose files no longer exist; returns the removed source names."""
        index = self.index
        removed = []
        with index.lock(wait_s=10):
            for row in index.sources():
                if row.path and not Path(row.path).exists():
                    index.remove_source(row.key)
                    removed.append(row.source)
        return removed

    def status(self) -> dict[str, Any]:
        s = self.settings
        out: dict[str, Any] = {
            "home": str(self.home),
            "embedder": s.embedding.model or f"hashed (dim {s.embedding.dim})",
            "llm": s.llm.mode if s.llm.mode == "none" else f"{s.llm.mode}: {s.llm.model_path or s.llm.base_url or s.llm.model}",
            "reranker": s.rerank.model or "-",
            "ocr": _tesseract_version(s.ocr.tesseract_cmd),
            "ocr_languages": "+".join(s.ocr.languages),
        }
        try:
            out["counts"] = self.index.counts()
            out["sources"] = len(self.index.sources())
            out["embedder_signature"] = self.index.embedder_signature()
        except Exception as exc:  # status must render even when the index is missing or broken
            out["index_error"] = str(exc)
        try:
            import gradio

            out["gradio"] = gradio.__version__
        except ImportError:
            pass
        out["python"] = sys.version.split()[0]
        return out


def _locator_key(locator: str) -> str:
    """'제5조②' -> '제5조'; '별표 1' -> '별표 1'."""
    match = ARTICLE_RE.match(locator or "")
    return re.sub(r"\s+", "", match.group(0)) if match else (locator or "").strip()


def _law_key(law: str) -> str:
    """Law names compared without spaces or the (샘플) marker: '관세법 ' ~ '관세법(샘플)'."""
    return re.sub(r"\s+|\(샘플\)", "", law)


def _join_article(hits: list[Any], article: str) -> dict[str, Any]:
    hits = sorted(hits, key=lambda h: h.locator)
    first = hits[0]
    meta = first.metadata or {}
    pages = sorted({int(h.metadata["page"]) for h in hits if isinstance(h.metadata.get("page"), int)})
    return {
        "source": first.source,
        "law": meta.get("law") or first.title,
        "article": article,
        "article_title": meta.get("article_title", ""),
        "page": pages[0] if pages else None,
        "pages": f"{pages[0]}-{pages[-1]}" if len(pages) > 1 else (str(pages[0]) if pages else ""),
        "title": first.title,
        "text": "\n".join(h.text for h in hits),
    }


def _tesseract_version(cmd: str) -> str:
    exe = shutil.which(cmd)
    if not exe:
        return "없음 (tesseract not found)"
    try:
        proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return exe
    first = (proc.stdout or proc.stderr).splitlines()
    return first[0] if first else exe
