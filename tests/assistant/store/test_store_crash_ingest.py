"""SIGKILL `python -m ingest` at random points, 20 times, then re-run it: SQLite, manifest, BM25 and
Chroma agree exactly with a clean ingest of the same files (same ids, no duplicates, no orphans)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.store.index import Index
from assistant.store.keyword import KeywordIndex

ROOT = Path(__file__).resolve().parents[3]
KILLS = 20


def _corpus(folder: Path) -> Path:
    rnd = random.Random(4)
    folder.mkdir()
    for f in range(8):
        with (folder / f"위해식품_{f}.csv").open("w", encoding="utf-8") as fh:
            fh.write("SELF_IMPORT_SEQ,PRDT_NM,MUFC_NM,MUFC_CNTRY_NM,INGR_NM_LST,BARCD_CTN\n")
            for i in range(120):
                fh.write(f"{f * 10000 + i},합성제품 {f}-{i},제조사 {i % 7},{rnd.choice(['미국', '중국', '태국'])},"
                         f"\"시부트라민, 페놀프탈레인\",8800{f:03d}{i:06d}\n")
        body = "\n".join(f"제{i}조(목적 {i}) 이 법은 관세 {i}에 관하여 필요한 사항을 규정한다. 세관장은 {i}일 이내에 통지한다."
                         for i in range(1, 60))
        (folder / f"관세법_{f}.txt").write_text(f"관세법(샘플 {f})\n{body}\n", encoding="utf-8")
    return folder


def _ingest(home: Path, corpus: Path) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    return subprocess.Popen([sys.executable, "-m", "ingest", "--home", str(home), str(corpus)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _state(home: Path) -> dict:
    idx = Index(Settings(home=home), auto_sync=False)
    kw = KeywordIndex.load(home / "bm25")
    vids = idx.vectors().ids()
    state = {
        "sqlite": sorted(idx.db.record_ids()),
        "bm25": sorted(kw.ids) if kw else [],
        "chroma": sorted(vids),
        "manifest": sorted((s.key, s.sha256, s.records, s.kind) for s in idx.sources()),
        "check": idx.check(),
    }
    idx.close()
    return state


@pytest.mark.slow
def test_sigkill_ingest_twenty_times_then_rerun(tmp_path):
    corpus = _corpus(tmp_path / "corpus")
    ref_home, home = tmp_path / "reference", tmp_path / "home"
    start = time.monotonic()
    ref = _ingest(ref_home, corpus)
    assert ref.wait(300) == 0, ref.stderr.read()[-2000:]
    duration = time.monotonic() - start
    expected = _state(ref_home)
    assert expected["check"]["consistent"] and len(expected["sqlite"]) == 8 * 120 + 8 * 59

    rnd = random.Random(20)
    killed = 0
    for _ in range(KILLS):
        proc = _ingest(home, corpus)
        time.sleep(rnd.uniform(0.2, duration))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(60)
        if proc.returncode == 0:  # finished before the kill: drop every file so the next run has all the work
            idx = Index(Settings(home=home), auto_sync=False)
            for src in idx.sources():
                idx.remove_source(src.key)
            idx.close()
    assert killed >= KILLS // 2

    final = _ingest(home, corpus)
    assert final.wait(300) == 0, final.stderr.read()[-2000:]
    got = _state(home)
    assert got["check"]["consistent"], got["check"]["problems"]
    assert got["sqlite"] == expected["sqlite"]  # the same record ids as a clean run, each once
    assert got["bm25"] == got["sqlite"] and got["chroma"] == got["sqlite"]
    assert got["manifest"] == expected["manifest"]  # every file once, same hash and record count
