"""Index round trip, unchanged files, structured lists and filters inside both channels."""

from __future__ import annotations

import json
import sqlite3

from store_helpers import (
    finding_records,
    hazard_records,
    ingredient_records,
    make_index,
    regulation_records,
    row,
)

from assistant.records import Record
from assistant.retrieval.filters import Filters


def test_round_trip(home):
    idx = make_index(home)
    regs = regulation_records()
    assert idx.replace_source(row("/d/관세법_샘플.txt"), regs) == len(regs)
    assert idx.replace_source(row("/d/감사사례.csv", "finding"), finding_records()) == 3
    assert idx.counts() == {"regulation": 5, "finding": 3, "hazard-list": 0, "ingredient-list": 0}
    src = idx.source("/d/관세법_샘플.txt")
    assert src is not None and src.records == 5 and src.embedder == idx.embedder_signature()
    assert [s.key for s in idx.sources()] == ["/d/감사사례.csv", "/d/관세법_샘플.txt"]
    # get() returns records in the order asked, equal to what went in (same ids)
    stored = idx.get([r.id for r in reversed(regs)])
    assert stored == list(reversed(regs))
    assert stored[0].metadata["article"] == "제277조"
    assert idx.get(["nope"]) == []
    g = idx.generation()
    assert idx.remove_source("/d/감사사례.csv") == 3
    assert idx.generation() == g + 1
    assert idx.counts()["finding"] == 0
    assert idx.remove_source("/d/none") == 0


def test_replace_changes_records_in_one_step(home):
    idx = make_index(home)
    key = "/d/관세법_샘플.txt"
    idx.replace_source(row(key), regulation_records())
    new = regulation_records(suffix=" (개정)")[:3]
    assert idx.replace_source(row(key, sha="sha-2"), new) == 3
    assert sorted(r.id for r in idx.get([r.id for r in new])) == sorted(r.id for r in new)
    assert idx.counts()["regulation"] == 3
    assert idx.source(key).records == 3 and idx.source(key).sha256 == "sha-2"


def test_unchanged_file_writes_nothing(home):
    idx = make_index(home)
    key = "/d/관세법_샘플.txt"
    idx.replace_source(row(key), regulation_records())
    g = idx.generation()
    db = sqlite3.connect(home / "index.sqlite")
    before = db.execute("SELECT COUNT(*), MAX(rowid) FROM records").fetchone()
    assert idx.replace_source(row(key), regulation_records()) == 0
    assert idx.generation() == g
    assert db.execute("SELECT COUNT(*), MAX(rowid) FROM records").fetchone() == before
    # the same bytes declared as another kind are rewritten
    assert idx.replace_source(row(key, kind="finding"), regulation_records()) == 5


def test_duplicate_records_in_one_file_are_stored_once(home):
    idx = make_index(home)
    regs = regulation_records()
    assert idx.replace_source(row("/d/a.txt"), regs + regs[:2]) == 5
    assert idx.source("/d/a.txt").records == 5


def test_products_ingredients_and_barcodes(home):
    idx = make_index(home)
    idx.replace_source(row("/d/위해식품.csv", "hazard-list"), hazard_records())
    idx.replace_source(row("/d/반입차단성분.csv", "ingredient-list"), ingredient_records())
    prods = idx.products()
    assert [p["product"] for p in prods] == ["슬림앤핏 다이어트 캡슐", "킹파워 허브"]
    assert prods[0]["ingredients"] == "시부트라민 | 페놀프탈레인" and prods[0]["source"] == "위해식품.csv"
    assert [p["seq"] for p in idx.products_by_barcode("0012345678905")] == ["2023000123"]
    assert [p["seq"] for p in idx.products_by_barcode("880-1234-567890")] == ["2023000123"]
    assert idx.products_by_barcode("9999999999999") == []
    # every list row carries its record's locator, so a label verdict can cite the entry
    recs = {r.id: r.locator for r in hazard_records() + ingredient_records()}
    assert all(p["locator"] == recs[p["id"]] for p in prods + idx.products_by_barcode("0012345678905"))
    assert all(i["locator"] == recs[i["id"]] for i in idx.ingredients())
    ingr = idx.ingredients()
    assert ingr[0]["name_ko"] == "시부트라민" and ingr[0]["status"] == "Y"
    # re-ingesting the list replaces its structured rows too
    idx.replace_source(row("/d/위해식품.csv", "hazard-list", sha="sha-2"), hazard_records()[1:])
    assert [p["product"] for p in idx.products()] == ["킹파워 허브"]
    assert idx.products_by_barcode("8801234567890") == []
    idx.remove_source("/d/반입차단성분.csv")
    assert idx.ingredients() == []


def test_keyword_and_vector_channels(home):
    idx = make_index(home)
    regs = regulation_records()
    idx.replace_source(row("/d/관세법_샘플.txt"), regs)
    idx.sync()
    kw = idx.keyword_search(["과태료"], 3)
    assert kw and kw[0][0] == regs[4].id and kw[0][1] > 0
    assert idx.keyword_search(["없는단어"], 3) == []
    assert idx.keyword_search([], 3) == []
    vec = idx.vector_search("주류 면세 미성년자", 3)
    assert vec[0][0] == regs[1].id and 0 < vec[0][1] <= 1.0001
    assert len(idx.vector_search("관세", 2)) == 2


def _crowded_index(home):
    """50 regulations that match the query better than 3 findings: findings rank below k unfiltered."""
    idx = make_index(home)
    regs = [Record("regulation", "규정.txt", f"제{i}조", f"여행자 휴대품 면세 제{i}조",
                   "여행자 휴대품 면세 여행자 휴대품 면세 한도", {"law": "규정", "article": f"제{i}조"}, ordinal=i)
            for i in range(50)]
    idx.replace_source(row("/d/규정.txt"), regs)
    idx.replace_source(row("/d/감사사례.csv", "finding"), finding_records())
    idx.sync()
    return idx


def test_filters_apply_inside_both_channels(home):
    idx = _crowded_index(home)
    kinds = {r.id: r.kind for r in idx.get([h[0] for h in idx.keyword_search(["여행자", "면세"], 60)])}
    top5 = idx.keyword_search(["여행자", "휴대품", "면세"], 5)
    assert all(kinds.get(i, "regulation") == "regulation" for i, _ in top5)
    only = Filters(kinds=["finding"])
    for hits in (idx.keyword_search(["여행자", "휴대품", "면세"], 5, only), idx.vector_search("여행자 휴대품 면세", 5, only)):
        recs = idx.get([h[0] for h in hits])
        assert len(recs) == 3 and {r.kind for r in recs} == {"finding"}
    # metadata filters (year range, disposition) and role exclusion
    f = Filters(kinds=["finding"], year_from=2020, disposition="주의")
    for hits in (idx.keyword_search(["면세"], 5, f), idx.vector_search("면세", 5, f)):
        recs = idx.get([h[0] for h in hits])
        assert [(r.metadata["year"], r.metadata["disposition"]) for r in recs] == [(2020, "주의")]
    officer = Filters.for_role("officer")
    for hits in (idx.keyword_search(["면세", "사례"], 60, officer), idx.vector_search("면세 처리 사례", 60, officer)):
        assert hits and all(r.kind != "finding" for r in idx.get([h[0] for h in hits]))
    src = Filters(source="감사사례.csv")
    assert {r.source for r in idx.get([h[0] for h in idx.keyword_search(["면세"], 10, src)])} == {"감사사례.csv"}


def test_results_only_for_records_in_sqlite_now(home):
    """A file removed after the last sync never shows up, even before the derived indexes catch up."""
    idx = make_index(home, auto_sync=False)
    idx.replace_source(row("/d/관세법_샘플.txt"), regulation_records())
    idx.replace_source(row("/d/감사사례.csv", "finding"), finding_records())
    idx.sync()
    idx.remove_source("/d/감사사례.csv")
    assert idx.is_stale()
    for hits in (idx.keyword_search(["면세", "사례"], 10), idx.vector_search("면세 처리 사례", 10)):
        assert hits and all(r.kind == "regulation" for r in idx.get([h[0] for h in hits]))


def test_auto_sync_and_reload_when_another_writer_moved_the_generation(home):
    reader = make_index(home)
    writer = make_index(home)
    writer.replace_source(row("/d/관세법_샘플.txt"), regulation_records())
    assert reader.keyword_search(["과태료"], 1)  # stale index: the reader syncs (lock was free)
    writer.replace_source(row("/d/감사사례.csv", "finding"), finding_records())
    writer.sync()
    hits = reader.keyword_search(["사례"], 5, Filters(kinds=["finding"]))
    assert len(hits) == 3
    assert len(reader.vector_search("면세 처리 부적정 사례", 5, Filters(kinds=["finding"]))) == 3


def test_metadata_is_stored_as_json_scalars(home):
    idx = make_index(home)
    idx.replace_source(row("/d/감사사례.csv", "finding"), finding_records(1))
    raw = sqlite3.connect(home / "index.sqlite").execute("SELECT metadata FROM records").fetchone()[0]
    assert json.loads(raw)["year"] == 2019


def test_same_record_ids_in_two_files_is_a_clear_error(home):
    import pytest

    from assistant.errors import BadInputFile

    idx = make_index(home)
    idx.replace_source(row("/d/a/관세법_샘플.txt"), regulation_records())  # no source_key: ids from file name
    with pytest.raises(BadInputFile, match="레코드 id"):
        idx.replace_source(row("/d/b/관세법_샘플.txt"), regulation_records())
    assert idx.counts()["regulation"] == 5 and idx.source("/d/b/관세법_샘플.txt") is None


def test_three_dense_filter_paths_agree(home, monkeypatch):
    """Oversampled HNSW + local filter, exact scoring of the allowed subset, and Chroma's `where` give one answer."""
    import assistant.store.dense as dense

    idx = _crowded_index(home)
    monkeypatch.setattr(dense, "EXACT_MAX", 0)  # this index is small enough to be scored exactly: the other paths
    f = Filters(kinds=["finding"], year_from=2020)
    q = "여행자 휴대품 면세 처리 사례"
    oversampled = idx.vector_search(q, 2, f)
    monkeypatch.setattr(dense, "OVERSAMPLE_CAP", 1)
    idx._dense.clear()
    exact = idx.vector_search(q, 2, f)
    monkeypatch.setattr(dense, "BRUTE_MAX", 0)
    where = idx.vector_search(q, 2, f)
    ids = lambda hits: [h[0] for h in hits]  # noqa: E731
    assert len(oversampled) == 2 and ids(oversampled) == ids(exact) == ids(where)
    for a, b in zip(exact, where, strict=True):
        assert abs(a[1] - b[1]) < 1e-4
    assert {r.metadata["year"] for r in idx.get(ids(exact))} == {2020, 2021}


def test_a_small_index_is_scored_exactly_without_the_ann_index(home, monkeypatch):
    """Up to EXACT_MAX allowed records the dense channel is exact cosine over every allowed record (HNSW is
    approximate, and its misses differ from one process to the next), for no filter, a role and a metadata filter."""
    import numpy as np

    from assistant.store.index import doc_text
    from assistant.store.vectors import VectorStore

    idx = _crowded_index(home)
    idx.replace_source(row("/d/관세법_샘플.txt"), regulation_records())
    idx.sync()

    def no_ann(*a, **k):
        raise AssertionError("the ANN index was asked")

    monkeypatch.setattr(VectorStore, "query", no_ann)
    q = "여행자 휴대품 면세 처리 사례"
    qv = np.asarray(idx.embedder.embed_query(q), dtype=np.float32)
    for f in (None, Filters.for_role("officer"), Filters(kinds=["finding"], year_from=2020)):
        hits = idx.vector_search(q, 6, f)
        allowed = [r for r in idx.get(idx.vectors().ids_by_kind().get("regulation", []) +
                                      idx.vectors().ids_by_kind().get("finding", []))
                   if f is None or f.matches(r.kind, r.source, r.metadata)]
        docs = np.asarray(idx.embedder.embed_documents([doc_text(r.title, r.text) for r in allowed]), dtype=np.float32)
        sims = docs @ qv
        want = sorted(sims, reverse=True)[: len(hits)]
        assert len(hits) == min(6, len(allowed))
        assert np.allclose([s for _, s in hits], want, atol=1e-4)  # the true top scores, none skipped


def test_exact_scoring_falls_back_to_the_ann_index_when_vectors_cannot_be_fetched(home, monkeypatch):
    """Chroma's get() raises ("Error finding id") when another process deletes a listed record mid-read (seen in CI
    during a re-ingest): the search then answers from the ANN index instead of failing, and caches nothing."""
    import assistant.store.dense as dense
    from assistant.store.vectors import VectorStore

    idx = _crowded_index(home)
    q = "여행자 휴대품 면세 처리 사례"
    monkeypatch.setattr(dense, "EXACT_MAX", 0)
    ann = [(f, idx.vector_search(q, 3, f)) for f in (None, Filters(kinds=["finding"], year_from=2020))]
    monkeypatch.setattr(dense, "EXACT_MAX", 5000)
    monkeypatch.setattr(dense, "BRUTE_MAX", 0)
    fetched: list[int] = []

    def deleted_mid_read(self, ids, kinds=None):
        fetched.append(len(ids))
        raise RuntimeError("Error executing plan: Internal error: Error finding id")

    monkeypatch.setattr(VectorStore, "embeddings", deleted_mid_read)
    idx._dense.clear()
    for f, want in ann:
        assert idx.vector_search(q, 3, f) == want and want
    assert len(fetched) == 4  # asked, then asked once more on a reopened store, per filter
    assert not idx._dense._subsets


def test_vectors_are_partitioned_by_kind(home):
    idx = make_index(home)
    idx.replace_source(row("/d/관세법_샘플.txt"), regulation_records())
    idx.replace_source(row("/d/감사사례.csv", "finding"), finding_records())
    idx.sync()
    by_kind = idx.vectors().ids_by_kind()
    assert sorted(by_kind) == ["finding", "regulation"]
    assert len(by_kind["finding"]) == 3 and len(by_kind["regulation"]) == 5
    # a query that matches findings best still fills k with allowed kinds for an officer
    hits = idx.vector_search("여행자 휴대품 면세 처리 부적정 사례", 4, Filters.for_role("officer"))
    assert len(hits) == 4 and {r.kind for r in idx.get([h[0] for h in hits])} == {"regulation"}
