"""Derived indexes drift from SQLite (crash between steps, lost files, orphans); sync/doctor repair them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from store_helpers import finding_records, make_index, regulation_records, row

from assistant.embed import HashedEmbedder
from assistant.store.keyword import KeywordIndex

ROOT = Path(__file__).resolve().parents[3]


def _codes(report):
    return {p["code"] for p in report["problems"]}


@pytest.fixture
def synced(home):
    idx = make_index(home)
    idx.replace_source(row("/d/관세법_샘플.txt"), regulation_records())
    idx.replace_source(row("/d/감사사례.csv", "finding"), finding_records())
    idx.sync()
    assert idx.check()["consistent"]
    return idx


def test_chroma_missing_ids_and_orphans_are_repaired(synced):
    vs = synced.vectors()
    ids = sorted(vs.ids())
    vs.delete(ids[:2])
    vs.add(["orphan-1"], np.full((1, 512), 1 / np.sqrt(512), dtype=np.float32), [{"kind": "regulation", "source": "x"}])
    report = synced.check()
    assert {"chroma_missing_ids", "chroma_orphans"} <= _codes(report)
    rep = synced.repair()
    assert rep["after"]["consistent"], rep["after"]["problems"]
    assert sorted(synced.vectors().ids()) == sorted(synced.db.record_ids())


def test_stale_bm25_after_a_killed_ingest_is_rebuilt(synced):
    # a run that wrote SQLite and died before its final sync
    synced.replace_source(row("/d/관세법_샘플.txt", sha="sha-2"), regulation_records(suffix=" 개정")[:2])
    report = synced.check()
    assert {"bm25_missing_ids", "bm25_orphans", "chroma_missing_ids", "chroma_orphans"} <= _codes(report)
    out = synced.sync()
    assert out["bm25_rebuilt"] and out["embedded"] == 2 and out["vectors_deleted"] == 5
    assert synced.check()["consistent"]


def test_lost_or_garbage_bm25_snapshot(synced, home):
    (home / "bm25" / "CURRENT").write_text("g999-nothing", encoding="utf-8")
    assert "bm25_missing" in _codes(synced.check())
    assert synced.repair()["after"]["consistent"]
    current = KeywordIndex.current_dir(home / "bm25")
    (current / "docs.json").write_text("{not json", encoding="utf-8")
    assert "bm25_unreadable" in _codes(synced.check())
    assert synced.repair()["after"]["consistent"]
    # a half-written snapshot (killed before the rename) is ignored and swept by the next build
    (home / "bm25" / ".tmp-g5-dead").mkdir()
    synced.sync(force=True)
    assert not (home / "bm25" / ".tmp-g5-dead").exists()


def test_sqlite_orphans_and_manifest_mismatch(synced, home):
    db = sqlite3.connect(home / "index.sqlite")
    db.execute("INSERT INTO records(id, source_key, kind, source, locator, title, text, metadata, ordinal) "
               "VALUES ('orphan', '/gone.txt', 'regulation', 'gone.txt', '제1조', 't', '본문', '{}', 0)")
    db.execute("UPDATE sources SET records = 99 WHERE key = '/d/감사사례.csv'")
    db.commit()
    db.close()
    report = synced.check()
    assert {"sqlite_orphans", "manifest_count"} <= _codes(report)
    rep = synced.repair()
    assert rep["after"]["consistent"], rep["after"]["problems"]
    assert synced.get(["orphan"]) == []
    src = synced.source("/d/감사사례.csv")
    assert src.records == 3 and src.sha256 == ""  # marked for re-ingest


def test_embedder_change_reembeds_into_a_new_collection(home):
    idx = make_index(home, embedder=HashedEmbedder(dim=64))
    idx.replace_source(row("/d/관세법_샘플.txt"), regulation_records())
    idx.sync()
    old_name = idx.vectors().name
    idx2 = make_index(home, embedder=HashedEmbedder(dim=128))
    assert idx2.is_stale()
    out = idx2.sync()
    assert out["embedded"] == 5 and out["collections_dropped"] == [f"{old_name}.regulation"]
    assert idx2.vectors().name != old_name and idx2.vectors().count() == 5
    assert idx2.vector_search("과태료 신고 기한", 1)[0][0] == regulation_records()[4].id
    assert idx2.check()["consistent"]
    # the manifest remembers which embedder indexed the file, so the pipeline re-reads it
    assert idx2.replace_source(row("/d/관세법_샘플.txt"), regulation_records()) == 5


def test_corrupt_local_chroma_is_moved_aside_and_rebuilt(home):
    idx = make_index(home)
    idx.replace_source(row("/d/관세법_샘플.txt"), regulation_records())
    idx.sync()
    idx.close()
    del idx
    import chromadb

    chromadb.api.client.SharedSystemClient.clear_system_cache()
    (home / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    idx = make_index(home)
    rep = idx.repair()
    assert rep["after"]["consistent"], rep["after"]["problems"]
    assert list(home.glob("chroma.broken-*"))
    assert idx.vector_search("과태료", 1)


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {helpers!r})
    from store_helpers import make_index, regulation_records, finding_records, row
    from assistant.records import Record
    from pathlib import Path
    import assistant.store.syncer as syncer
    syncer.EMBED_BATCH = 16
    syncer.TOKEN_BATCH = 16
    idx = make_index(Path({home!r}))
    recs = [Record("regulation", "큰규정.txt", f"제{{i}}조", f"큰규정 제{{i}}조", f"조문 본문 {{i}} 면세 신고", ordinal=i)
            for i in range(300)]
    with idx.lock(5):
        idx.replace_source(row("/d/큰규정.txt", sha="s{step}"), recs[{step}:])
        def progress(done, total):
            if done >= min({kill_at}, total):
                os.kill(os.getpid(), signal.SIGKILL)
        idx.sync(progress=progress)
    """
)


@pytest.mark.parametrize("kill_at", [16, 200, 320, 480])
def test_sigkill_during_sync_then_doctor_repairs(home, kill_at):
    helpers = str(Path(__file__).parent)
    for step in (0, 7):  # second round: a changed file on top of a half-synced state
        code = KILLER.format(helpers=helpers, home=str(home), kill_at=kill_at, step=step)
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    idx = make_index(home)
    assert idx.counts()["regulation"] == 293  # SQLite holds the last committed state
    rep = idx.repair()
    assert rep["after"]["consistent"], rep["after"]["problems"]
    assert len(idx.keyword_search(["면세"], 400)) == 293


def test_doctor_cli_repairs_and_exits_zero(home):
    env = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    idx = make_index(home, tokenizer=None)  # the production tokenizer, as the CLI uses
    idx.replace_source(row("/d/관세법_샘플.txt"), regulation_records())
    idx.sync()
    idx.vectors().delete(sorted(idx.vectors().ids())[:1])
    cmd = [sys.executable, "-m", "assistant", "--home", str(home), "doctor"]
    check_only = subprocess.run([*cmd, "--check-only", "--json"], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=120)
    assert check_only.returncode == 1, check_only.stderr
    assert "chroma_missing_ids" in {p["code"] for p in json.loads(check_only.stdout)["before"]["problems"]}
    fixed = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "복구한 내용" in fixed.stdout and "벡터 1개 추가" in fixed.stdout
    again = subprocess.run([*cmd, "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and json.loads(again.stdout)["consistent"] is True


def test_unreadable_sqlite_is_a_clear_error(home):
    from assistant.errors import AssistantError

    (home / "index.sqlite").write_bytes(b"not a database at all " * 200)
    with pytest.raises(AssistantError, match="색인 데이터베이스를 열 수 없습니다"):
        make_index(home)


def test_stale_pointer_temp_files_are_swept(synced, home):
    (home / "bm25" / ".CURRENT-dead").write_text("g1-x", encoding="utf-8")
    synced.sync(force=True)
    assert sorted(p.name for p in (home / "bm25").iterdir() if not p.is_dir()) == ["CURRENT"]


def test_vector_in_the_wrong_kind_collection_is_moved(synced):
    reg = regulation_records()[0]
    vs = synced.vectors()
    vec = synced.embedder.embed_documents([reg.text])
    vs.add([reg.id], vec, [{"kind": "finding", "source": reg.source}])  # lands in the finding collection
    report = synced.check()
    assert {"chroma_wrong_kind", "chroma_duplicates"} <= _codes(report)
    assert synced.repair()["after"]["consistent"]
    assert reg.id not in synced.vectors().ids_by_kind()["finding"]
