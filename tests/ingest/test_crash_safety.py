"""Crash safety: SIGKILL `python -m ingest` at random points, re-run, and prove nothing is half-done.

After every kill, SQLite (the source of truth) must hold whole files only: each manifest row's record
count equals its records, and no record lacks a manifest row. BM25 and Chroma may lag behind a
killed run; the next run's sync repairs them. At checkpoints and at the end, `Index.check()` must
report SQLite, BM25 and Chroma in exact agreement, and the final record ids must equal those of a
clean ingest of the same files into a fresh home (every file once, no duplicates, no leftovers).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20
ENV = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(ROOT))

pytestmark = pytest.mark.slow


def write_corpus(root: Path, rev: int, rng: random.Random) -> None:
    """~600 records over 30 files; `rev` changes every file's content so each run re-indexes all."""
    regs, finds, lists = root / "regulations", root / "audit_findings", root / "hazard_lists"
    for d in (regs, finds, lists):
        d.mkdir(parents=True, exist_ok=True)
    for f in range(25):
        articles = "\n".join(
            f"제{a}조(조문{a}) ① 세관장은 제{f}호 고시에 따라 물품 {rng.randint(1, 999)}건을 확인한다(개정 {rev}).\n"
            f"② 확인 결과는 {a}일 안에 통보한다."
            for a in range(1, 11)
        )
        (regs / f"고시_{f:02d}.txt").write_text(f"시험 고시 {f}(샘플)\n제1장 총칙\n{articles}\n", encoding="utf-8")
    for f in range(3):
        rows = "".join(f"2023{f:02d}{i:04d},제품 {f}-{i} r{rev},제조사{i},미국,\"시부트라민, 1,3-디메틸아밀아민\",88012345{i:05d}\n"
                       for i in range(100))
        (lists / f"목록_{f}.csv").write_bytes(("일련번호,제품명,제조사,제조국,검출성분,바코드\n" + rows).encode("cp949"))
    for f in range(2):
        rows = "".join(f"2023,감사관실,세관{i},종합감사,지적 {f}-{i} r{rev},내용 {i},주의요구,관세법 제157조,보세\n"
                       for i in range(60))
        (finds / f"지적_{f}.csv").write_bytes(
            ("감사연도,감사기관,감사대상,감사종류,지적사항,내용,처분,관련규정,분야\n" + rows).encode("cp949"))


def ingest(home: Path, corpus: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ingest", "--home", str(home), "--quiet", "--prune", "--wait", "30",
                             str(corpus)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=ROOT)


def run_to_end(home: Path, corpus: Path) -> tuple[float, str]:
    started = time.monotonic()
    proc = ingest(home, corpus)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    return time.monotonic() - started, out.decode()


def sqlite_state(home: Path) -> tuple[int, list[str]]:
    """(generation, problems) of the source of truth, read with plain sqlite3."""
    db = home / "index.sqlite"
    if not db.exists():
        return 0, []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "sources" not in tables:
            return 0, []
        problems = [f"manifest {key}: {want} != {got}" for key, want, got in con.execute(
            "SELECT s.key, s.records, (SELECT COUNT(*) FROM records r WHERE r.source_key = s.key) FROM sources s")
            if want != got]
        orphans = con.execute("SELECT COUNT(*) FROM records WHERE source_key NOT IN (SELECT key FROM sources)").fetchone()[0]
        if orphans:
            problems.append(f"{orphans} records without a manifest row")
        gen = con.execute("SELECT value FROM meta WHERE key='generation'").fetchone() if "meta" in tables else None
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity: {integrity}")
        return int(gen[0]) if gen else 0, problems
    finally:
        con.close()


def record_ids(home: Path) -> list[str]:
    con = sqlite3.connect(f"file:{home / 'index.sqlite'}?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in con.execute("SELECT id FROM records"))
    finally:
        con.close()


CHECK = """
import json, sys
from assistant.settings import load_settings
from assistant.store.index import Index
idx = Index(load_settings(sys.argv[1]), auto_sync=False)
report = idx.check()
report["source_keys"] = [s.key for s in idx.sources()]
print(json.dumps(report, ensure_ascii=False))
"""


def doctor_check(home: Path) -> dict:
    res = subprocess.run([sys.executable, "-c", CHECK, str(home)], capture_output=True, text=True, env=ENV, cwd=ROOT,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def assert_consistent(home: Path, corpus: Path) -> None:
    report = doctor_check(home)
    assert report["consistent"], report["problems"]
    files = sorted(str(p.resolve()) for p in corpus.rglob("*") if p.is_file())
    assert sorted(report["source_keys"]) == files  # every file once, nothing else
    assert report["bm25"]["count"] == report["chroma"]["count"] == report["records"] == report["manifest_records"]


def test_sigkill_at_random_points_then_rerun_is_consistent(tmp_path: Path):
    rng = random.Random(int(os.environ.get("CRASH_SEED", "7")))
    corpus, home = tmp_path / "corpora", tmp_path / "home"
    write_corpus(corpus, 0, rng)
    duration, _ = run_to_end(home, corpus)  # calibrates the kill window on this machine, under this load
    killed_mid_run = killed_after_commit = 0
    for rep in range(1, KILLS + 1):
        write_corpus(corpus, rep, rng)
        if rep % 4 == 0:  # files vanish and appear between runs, so --prune runs get killed too
            victims = sorted(corpus.rglob("고시_*.txt"))
            rng.choice(victims).unlink()
            (corpus / "regulations" / f"신규_{rep}.txt").write_text(
                f"신규 고시 {rep}\n제1조(목적) 신규 고시 {rep}의 목적을 정한다.\n", encoding="utf-8")
        gen_before, _ = sqlite_state(home)
        proc = ingest(home, corpus)
        time.sleep(rng.uniform(0.1, 0.85) * duration)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_run += 1
        proc.communicate(timeout=120)
        gen_after, problems = sqlite_state(home)
        assert not problems, f"kill {rep}: SQLite holds a half-written file: {problems}"
        killed_after_commit += gen_after != gen_before and proc.returncode == -signal.SIGKILL
        if rep % 10 == 0:  # checkpoint: a plain re-run repairs whatever the kills left
            run_to_end(home, corpus)
            assert_consistent(home, corpus)
    _, out = run_to_end(home, corpus)
    assert "실패 0" in out
    assert_consistent(home, corpus)
    # the crashed-and-resumed home equals a clean ingest of the same files
    clean = tmp_path / "clean"
    run_to_end(clean, corpus)
    assert record_ids(home) == record_ids(clean)
    print(f"crash test: {KILLS} runs, {killed_mid_run} killed mid-run, {killed_after_commit} after a commit, "
          f"full run {duration:.1f}s")
    assert killed_mid_run >= KILLS // 2, f"only {killed_mid_run} of {KILLS} runs were still running when killed"
    assert killed_after_commit >= 3, f"only {killed_after_commit} kills landed after a commit"
