"""The ingest pipeline (색인 파이프라인): discover files, detect their kind, hash, split, write.

Per file: sha256 → unchanged (same hash, same kind, same embedder) → skipped; else read → split →
`Index.replace_source` (one SQLite transaction: the file's old records are replaced, never
duplicated) → counted. A bad file is reported in one line and the batch goes on; its old records
stay. After the batch `Index.sync()` brings the derived indexes (BM25, Chroma) in line with SQLite,
which is also what repairs a previous run that was killed. The whole run holds `Index.lock()`.

The index is passed in (any object with the `Index` methods used here), so tests can drive the
pipeline against the real store or a small stand-in.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import BadInputFile
from assistant.records import KINDS
from ingest.split import split_file
from ingest.split.notes import SplitNotes

# Folder name → kind (the corpora/ layout, plus the names officers give such folders).
FOLDER_KINDS = {
    "regulations": "regulation", "regulation": "regulation", "laws": "regulation", "규정": "regulation",
    "법령": "regulation",
    "audit_findings": "finding", "findings": "finding", "finding": "finding", "감사지적": "finding",
    "감사사례": "finding", "감사지적사례": "finding",
    "hazard_lists": "hazard-list", "hazard_list": "hazard-list", "hazard-list": "hazard-list", "위해식품": "hazard-list",
    "ingredient_lists": "ingredient-list", "ingredient-list": "ingredient-list", "반입차단성분": "ingredient-list",
}
IGNORED_NAMES = {"readme.md", "readme.txt", "readme", "thumbs.db", "desktop.ini"}


def supported_suffixes() -> frozenset[str]:
    from ingest.readers import SUPPORTED_SUFFIXES

    return frozenset(SUPPORTED_SUFFIXES)


def _ignored(name: str) -> bool:
    """Hidden files, README files, Office/LibreOffice lock files (~$x.xlsx, .~lock.x#), editor backups."""
    low = name.lower()
    return name.startswith((".", "~$", "~")) or name.endswith("~") or low in IGNORED_NAMES


@dataclass
class Target:
    path: Path  # as discovered (absolute)
    root: Path  # the PATH argument it came from
    folder_kind: str | None = None  # kind implied by an enclosing folder name


def discover(paths: Iterable[str | Path], missing: list[Path] | None = None,
             unsupported: list[Path] | None = None) -> list[Target]:
    """Files to ingest: a file as given; a folder recursively (supported suffixes, no hidden/README/lock files).

    Files in a folder with an unsupported suffix (.docx, .xls, .hwpml…) go to `unsupported` when given,
    so the run can say it skipped them instead of ignoring them silently."""
    suffixes = supported_suffixes()
    targets: list[Target] = []
    seen: set[Path] = set()
    for raw in paths:
        root = Path(raw).expanduser().absolute()
        found: list[Path] = []
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    p = Path(dirpath) / name
                    if _ignored(name) or not p.is_file():
                        continue
                    if p.suffix.lower() in suffixes:
                        found.append(p)
                    elif unsupported is not None:
                        unsupported.append(p)
        elif root.exists() or root.is_symlink():
            found.append(root)
        elif missing is not None:
            missing.append(root)
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                targets.append(Target(p, root, folder_kind(p, root)))
    return targets


def folder_kind(path: Path, root: Path | None = None) -> str | None:
    """The kind implied by the nearest enclosing folder name (corpora/hazard_lists → hazard-list).

    Every ancestor counts, not only those under the PATH given: `python -m ingest corpora/audit_findings/2024`
    still knows it is reading findings.
    """
    for parent in path.parents:
        kind = FOLDER_KINDS.get(parent.name.lower())
        if kind:
            return kind
    return None


def sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


@dataclass
class Summary:
    """What one run did (요약); `to_json()` is the `--json` output."""

    seen: int = 0
    indexed: int = 0
    unchanged: int = 0
    failed: int = 0
    pruned: int = 0  # files removed by --prune
    pruned_records: int = 0
    skipped_rows: int = 0
    skipped: int = 0  # files in a folder with an unsupported format (reported, not read)
    records: Counter = field(default_factory=Counter)  # written this run, by kind
    totals: dict[str, int] = field(default_factory=dict)  # in the index after the run, by kind
    failures: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    sync: dict[str, Any] = field(default_factory=dict)
    sync_error: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.indexed or self.pruned)

    @property
    def repaired(self) -> bool:
        """The final sync had to rebuild derived indexes (e.g. after a killed run) with no file changing."""
        s = self.sync
        return not self.changed and bool(s.get("embedded") or s.get("tokenized") or s.get("vectors_deleted")
                                         or s.get("bm25_rebuilt") or s.get("collections_dropped"))

    def to_json(self) -> dict[str, Any]:
        return {
            "seen": self.seen, "indexed": self.indexed, "unchanged": self.unchanged, "failed": self.failed,
            "pruned": self.pruned, "pruned_records": self.pruned_records, "skipped_rows": self.skipped_rows,
            "skipped": self.skipped,
            "records": {k: self.records.get(k, 0) for k in KINDS},
            "totals": {k: int(self.totals.get(k, 0)) for k in KINDS},
            "changed": self.changed, "repaired": self.repaired, "failures": self.failures, "warnings": self.warnings,
            "files": self.files, "sync": self.sync, "sync_error": self.sync_error,
        }


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _source_row(**kw: Any) -> Any:
    from assistant.store.index import SourceRow

    return SourceRow(**kw)


def _display(path: Path) -> str:
    """The path as the user typed it (relative when under the working folder), control characters
    escaped so a file name with a newline still makes exactly one line."""
    try:
        text = str(path.relative_to(Path.cwd()))
    except ValueError:
        text = str(path)
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def ingest_paths(
    index: Any,
    paths: Iterable[str | Path],
    kind: str | None = None,
    prune: bool = False,
    progress: bool = False,
    echo: Callable[[str], None] | None = None,
    lang: str = "ko",
    lock_wait_s: float = 5.0,
) -> Summary:
    """Ingest `paths` into `index` under its lock; returns the Summary. Never raises for a bad file."""
    echo = echo or (lambda line: print(line, file=sys.stderr))
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    summary = Summary()
    with index.lock(wait_s=lock_wait_s):
        missing: list[Path] = []
        unsupported: list[Path] = []
        targets = discover(paths, missing, unsupported)
        for path in unsupported:
            _skip(summary, path, echo, lang)
        signature = _signature(index)
        bar = _bar(len(targets), progress)
        try:
            for target in targets:
                _ingest_one(index, target, kind, signature, summary, echo, lang, bar)
                bar.update(1)
        finally:
            bar.close()
        roots = [Path(p).expanduser().absolute() for p in paths]
        if prune:
            _prune(index, roots, summary)
        pruned = [Path(f["file"]) for f in summary.files if f["status"] == "pruned"]
        for root in missing:  # a vanished PATH is fine when --prune just dropped what was under it
            if not any(p == root or root in p.parents for p in pruned):
                _fail(summary, root, "파일이나 폴더가 없습니다." if lang == "ko" else "no such file or folder", echo, lang)
        summary.seen = len(targets) + len(missing)
        try:
            summary.sync = _sync(index, progress)
        except Exception as err:  # records are safe in SQLite; the next run's sync retries
            what = " ".join(f"{type(err).__name__}: {err}".split())[:300]
            summary.sync_error = what
            echo(f"실패: 검색 색인 동기화: {what} (레코드는 저장되었고, 다음 실행 때 다시 동기화합니다)" if lang == "ko"
                 else f"failed: search index sync: {what} (records are saved; the next run retries)")
        summary.totals = dict(index.counts())
    return summary


def _signature(index: Any) -> str:
    try:
        return str(index.embedder_signature())
    except AttributeError:
        return ""


def _bar(total: int, progress: bool) -> Any:
    from tqdm import tqdm

    disable = not progress or not sys.stderr.isatty() or total < 2
    return tqdm(total=total, file=sys.stderr, unit="파일", desc="색인", disable=disable, leave=False)


def _skip(summary: Summary, path: Path, echo: Callable[[str], None], lang: str) -> None:
    suffix = path.suffix.lower() or ("확장자 없음" if lang == "ko" else "no suffix")
    summary.skipped += 1
    summary.files.append({"file": str(path), "status": "skipped", "reason": f"unsupported format ({suffix})"})
    echo(f"건너뜀: {_display(path)}: 지원하지 않는 형식 ({suffix})" if lang == "ko"
         else f"skipped: {_display(path)}: unsupported format ({suffix})")


def _fail(summary: Summary, path: Path, reason: str, echo: Callable[[str], None], lang: str) -> None:
    reason = " ".join(str(reason).split())  # one line, whatever the reader's message held
    summary.failed += 1
    summary.failures.append({"file": str(path), "reason": reason})
    summary.files.append({"file": str(path), "status": "failed", "reason": reason})
    echo(f"{'실패' if lang == 'ko' else 'failed'}: {_display(path)}: {reason}")


def _ingest_one(index: Any, target: Target, kind: str | None, signature: str, summary: Summary,
                echo: Callable[[str], None], lang: str, bar: Any) -> None:
    path = target.path
    key = str(path.resolve())
    try:
        bar.set_postfix_str(path.name[:40], refresh=False)
        sha, size = sha256_file(path)
        old = index.source(key)
        if (old is not None and old.sha256 == sha and (kind is None or old.kind == kind)
                and getattr(old, "embedder", "") in ("", signature)):
            summary.unchanged += 1
            summary.files.append({"file": key, "status": "unchanged", "kind": old.kind, "records": old.records})
            return
        notes = SplitNotes()
        file_kind, records = split_file(path, kind, target.folder_kind, notes)
        if not records:
            raise BadInputFile(path, "색인할 내용이 없습니다(본문·행이 비어 있음).", "nothing to index (no text or rows)")
        records = [replace(r, source_key=key) for r in records]
        if old is not None and old.sha256 == sha and old.kind != file_kind:
            # same bytes, new kind (--kind): the index skips identical hashes, so drop the old rows first
            index.remove_source(key)
        row = _source_row(key=key, source=path.name, kind=file_kind, sha256=sha, size=size, records=len(records),
                          ingested_at=_now(), path=str(path), embedder=signature)
        written = index.replace_source(row, records)
    except BadInputFile as err:
        _fail(summary, path, err.reason_ko if lang == "ko" else err.reason_en, echo, lang)
        return
    except Exception as err:  # a reader bug or resource exhaustion: report, keep the batch going
        what = f"{type(err).__name__}: {err}"[:300]
        _fail(summary, path, f"예기치 않은 오류로 읽지 못했습니다 ({what})" if lang == "ko" else f"unexpected error ({what})",
              echo, lang)
        return
    summary.indexed += 1
    summary.records[file_kind] += int(written)
    summary.skipped_rows += notes.skipped_rows
    for w in notes.warnings:
        summary.warnings.append({"file": key, "warning": w})
        echo(f"{'경고' if lang == 'ko' else 'warning'}: {_display(path)}: {w}")
    summary.files.append({"file": key, "status": "indexed", "kind": file_kind, "records": int(written)})


def _prune(index: Any, roots: list[Path], summary: Summary) -> None:
    """Drop sources under the given roots whose files are gone (정리)."""
    for row in index.sources():
        p = Path(row.key)
        inside = any(p == r or r in p.parents or p == r.resolve() or r.resolve() in p.parents for r in roots)
        if inside and not p.exists():
            summary.pruned_records += int(index.remove_source(row.key) or 0)
            summary.pruned += 1
            summary.files.append({"file": row.key, "status": "pruned", "kind": row.kind, "records": row.records})


def _sync(index: Any, progress: bool) -> dict[str, Any]:
    from tqdm import tqdm

    bar = None

    def report(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, file=sys.stderr, unit="건", desc="검색 색인 동기화", leave=False,
                       disable=not progress or not sys.stderr.isatty())
        bar.n = done
        bar.refresh()

    try:
        result = index.sync(progress=report)
    finally:
        if bar is not None:
            bar.close()
    return dict(result or {})
