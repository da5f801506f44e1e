"""Consistency check and repair (점검·복구) behind `python -m assistant doctor`.

Compares the record id sets of SQLite, the BM25 snapshot and the Chroma collection, and the
manifest's record counts; finds duplicates, orphans, missing ids, stale stamps, leftover collections
of other embedders and unreadable stores. Repair: SQLite-level problems first (records whose file is
not in the manifest are deleted; a manifest count that disagrees marks the file for re-ingest), then a
forced sync rebuilds BM25 and diffs Chroma.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.store.keyword import KeywordIndex
from assistant.store.vectors import kind_slug

if TYPE_CHECKING:
    from assistant.store.index import Index

SAMPLE = 5  # ids shown per problem


def check(index: Index) -> dict[str, Any]:
    db = index.db
    problems: list[dict[str, Any]] = []

    def problem(code: str, ko: str, en: str, ids: list[str] | None = None, **extra: Any) -> None:
        item: dict[str, Any] = {"code": code, "message": ko, "message_en": en, **extra}
        if ids is not None:
            item["count"] = len(ids)
            item["sample"] = sorted(ids)[:SAMPLE]
        problems.append(item)

    def compare_ids(prefix: str, store_ko: str, store_en: str, found: list[str]) -> set[str]:
        """Duplicates, missing ids and orphans of a derived store against SQLite's record ids."""
        dupes = [i for i, n in Counter(found).items() if n > 1]
        fset = set(found)
        if dupes:
            problem(f"{prefix}_duplicates", f"{store_ko}에 중복 id가 있습니다", f"Duplicate ids in {store_en}", dupes)
        if idset - fset:
            problem(f"{prefix}_missing_ids", f"{store_ko}에 빠진 레코드가 있습니다", f"Records missing from {store_en}",
                    list(idset - fset))
        if fset - idset:
            problem(f"{prefix}_orphans", f"{store_ko}에 삭제된 레코드가 남아 있습니다",
                    f"Deleted records left in {store_en}", list(fset - idset))
        return fset

    integrity = db.integrity()
    if integrity != "ok":
        problem("sqlite_corrupt", f"SQLite 무결성 검사 실패: {integrity}", f"SQLite integrity check failed: {integrity}")
    gen = db.generation()
    ids = db.record_ids()
    idset = set(ids)
    per_source = dict(db.query("SELECT source_key, COUNT(*) FROM records GROUP BY source_key"))
    manifest = {s.key: s for s in db.sources()}
    for key, row in manifest.items():
        actual = int(per_source.get(key, 0))
        if actual != row.records:
            problem("manifest_count", f"대장의 레코드 수({row.records})와 실제({actual})가 다릅니다: {row.source}",
                    f"Manifest says {row.records} records, found {actual}: {row.source}", key=key, actual=actual)
    orphan_records = [r[0] for r in db.query(
        "SELECT id FROM records WHERE source_key NOT IN (SELECT key FROM sources)")]
    if orphan_records:
        problem("sqlite_orphans", "대장에 없는 파일의 레코드가 있습니다", "Records whose file is not in the manifest",
                orphan_records)

    # BM25
    bm25: dict[str, Any] = {"generation": None, "count": 0}
    try:
        kw = KeywordIndex.load(index.bm25_root)
    except Exception as exc:  # unreadable snapshot
        kw = None
        problem("bm25_unreadable", f"BM25 색인을 읽을 수 없습니다: {exc}", f"Cannot read the BM25 index: {exc}")
    if kw is None and ids:
        problem("bm25_missing", "BM25 색인이 없습니다", "No BM25 index", ids)
    elif kw is not None:
        bm25 = {"generation": kw.generation, "count": len(kw.ids)}
        kwset = compare_ids("bm25", "BM25 색인", "BM25", kw.ids)
        stamp = KeywordIndex.read_stamp(index.bm25_root) or {}
        if stamp.get("tokenizer") != index.tokenizer.signature:
            problem("bm25_tokenizer", f"BM25 색인이 다른 토크나이저로 만들어졌습니다: {stamp.get('tokenizer')}",
                    f"BM25 index was built with another tokenizer: {stamp.get('tokenizer')}")
        if kw.generation != gen and not (idset ^ kwset):
            problem("bm25_stale", "BM25 색인이 최신 세대가 아닙니다", "BM25 index is from an older generation")

    # Chroma
    chroma: dict[str, Any] = {"collection": None, "count": 0}
    try:
        vs = index.vectors()
        vids = vs.ids()
        chroma = {"collection": vs.name, "location": vs.location, "count": len(vids)}
        compare_ids("chroma", "벡터 저장소", "Chroma", vids)
        kind_of = db.kinds_by_id()
        wrong = [rid for slug, ids in vs.ids_by_kind().items() for rid in ids
                 if rid in kind_of and kind_slug(kind_of[rid]) != slug]
        if wrong:
            problem("chroma_wrong_kind", "다른 종류의 벡터 컬렉션에 들어간 레코드가 있습니다",
                    "Records stored in another kind's vector collection", wrong)
        others = vs.other_collections()
        if others:
            problem("chroma_old_collections", f"다른 임베더의 컬렉션이 남아 있습니다: {', '.join(others)}",
                    f"Collections of other embedders remain: {', '.join(others)}", names=others)
    except Exception as exc:
        if type(exc).__name__ == "ConfigError":
            raise
        problem("chroma_unreadable", f"벡터 저장소를 열 수 없습니다: {exc}", f"Cannot open the vector store: {exc}")

    return {
        "consistent": not problems,
        "generation": gen,
        "records": len(ids),
        "sources": len(manifest),
        "manifest_records": sum(s.records for s in manifest.values()),
        "bm25": bm25,
        "chroma": chroma,
        "embedder": index.embedder_signature(),
        "problems": problems,
    }


def repair(index: Index, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Check, fix what disagrees, check again. Returns {"before", "actions", "sync", "after"}."""
    with index.lock(0):
        before = check(index)
        actions: list[str] = []
        codes = {p["code"] for p in before["problems"]}
        if "sqlite_corrupt" in codes:
            actions.append("SQLite가 손상되어 자동 복구할 수 없습니다: 새 홈에 다시 색인하세요")
            return {"before": before, "actions": actions, "sync": None, "after": before}
        for p in before["problems"]:
            if p["code"] == "sqlite_orphans":
                orphans = [r[0] for r in index.db.query(
                    "SELECT id FROM records WHERE source_key NOT IN (SELECT key FROM sources)")]
                index.db.delete_records(orphans)
                actions.append(f"대장에 없는 레코드 {len(orphans)}개 삭제")
            elif p["code"] == "manifest_count":
                index.db.invalidate_source(p["key"], p["actual"])
                actions.append(f"대장 수정, 다음 색인 때 다시 읽음: {p['key']}")
            elif p["code"] == "chroma_unreadable" and not index.settings.store.chroma_url:
                index._reset_local_chroma()
                index.vectors(reopen=True)
                actions.append("읽을 수 없는 벡터 저장소를 옮겨 두고 새로 만듦")
        report = index.sync(progress=progress, force=bool(before["problems"]), wait_s=0)
        if report["embedded"]:
            actions.append(f"벡터 {report['embedded']}개 추가")
        if report["vectors_deleted"]:
            actions.append(f"벡터 저장소의 고아 레코드 {report['vectors_deleted']}개 삭제")
        if report["collections_dropped"]:
            actions.append(f"이전 임베더 컬렉션 삭제: {', '.join(report['collections_dropped'])}")
        if report["bm25_rebuilt"] and before["problems"]:
            actions.append("BM25 색인 재구성")
        after = check(index)
        return {"before": before, "actions": actions, "sync": report, "after": after}
