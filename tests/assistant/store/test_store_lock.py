"""Two ingests on one home: the second waits or refuses with a clear Korean message; a killed holder frees the lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from store_helpers import make_index, regulation_records, row

from assistant.errors import IndexBusy

ROOT = Path(__file__).resolve().parents[3]

HOLDER = textwrap.dedent(
    """
    import sys, time
    from assistant.store.lock import FileLock
    lock = FileLock(sys.argv[1])
    lock.acquire(0)
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    lock.release()
    """
)


def _start_holder(home: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(home / "ingest.lock"), str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_holder_refuses_with_korean_message(home):
    proc = _start_holder(home, 30)
    try:
        idx = make_index(home)
        with pytest.raises(IndexBusy) as err:
            with idx.lock(0):
                pass
        assert "다른 색인 작업이 진행 중입니다" in str(err.value) and str(proc.pid) in str(err.value)
        with pytest.raises(IndexBusy):
            idx.sync(wait_s=0.2)
    finally:
        proc.kill()
        proc.wait()


def test_second_holder_waits_until_the_first_finishes(home):
    proc = _start_holder(home, 0.5)
    try:
        idx = make_index(home)
        with idx.lock(wait_s=30):
            assert proc.poll() is not None or proc.wait(5) == 0  # got the lock only after the holder let go
    finally:
        proc.kill()
        proc.wait()


def test_sigkilled_holder_leaves_no_stale_lock(home):
    proc = _start_holder(home, 60)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    idx = make_index(home)
    with idx.lock(0):
        assert (home / "ingest.lock").read_text().strip() == str(os.getpid())


def test_lock_is_reentrant_within_one_index_and_exclusive_across_objects(home):
    a, b = make_index(home), make_index(home)
    with a.lock(0):
        with a.lock(0):  # sync() inside an ingest takes it again
            pass
        with pytest.raises(IndexBusy):
            b.lock(0)
    with b.lock(0):
        pass


def test_query_during_ingest_serves_last_snapshot(home):
    """While another process holds the lock, a stale reader does not block: it serves what it has."""

    idx = make_index(home)
    idx.replace_source(row("/d/관세법_샘플.txt"), regulation_records())
    idx.sync()
    proc = _start_holder(home, 30)
    try:
        reader = make_index(home)
        idx.replace_source(row("/d/관세법_샘플.txt", sha="s2"), regulation_records(suffix=" 개정"))
        old_ids = {r.id for r in regulation_records()}
        for hits in (reader.keyword_search(["과태료"], 3), reader.vector_search("과태료", 3)):
            # old ids are gone from SQLite, new ones are not in the derived indexes yet: never a mix
            assert not old_ids & {h[0] for h in hits}
            assert len(reader.get([h[0] for h in hits])) == len(hits)
    finally:
        proc.kill()
        proc.wait()


WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {helpers!r})
    from pathlib import Path
    from store_helpers import make_index, regulation_records, row
    idx = make_index(Path({home!r}))
    for i in range({rounds}):
        version = "AB"[i % 2]
        with idx.lock(30):
            idx.replace_source(row("/d/관세법_샘플.txt", sha=f"s{{i}}"), regulation_records(suffix=f" 판{{version}}"))
            idx.sync()
    print("done", flush=True)
    """
)


def test_queries_during_repeated_ingests_see_one_version_of_a_file(home):
    """A reader process keeps querying while a writer process re-ingests the same file 12 times."""
    idx = make_index(home)
    idx.replace_source(row("/d/관세법_샘플.txt"), regulation_records(suffix=" 판A"))
    idx.sync()
    code = WRITER.format(helpers=str(Path(__file__).parent), home=str(home), rounds=12)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    reader = make_index(home)
    seen_versions: set[str] = set()
    queries = 0
    try:
        while proc.poll() is None or queries < 5:
            for hits in (reader.keyword_search(["신고", "면세", "과태료"], 10), reader.vector_search("신고 면세 과태료", 10)):
                recs = reader.get([h[0] for h in hits])
                versions = {r.text.rsplit(" ", 1)[-1] for r in recs}
                assert len(versions) <= 1, versions  # never half of one version and half of another
                seen_versions |= versions
            queries += 1
    finally:
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and "done" in out, err[-2000:]
    assert queries >= 5
    final = reader.get([h[0] for h in reader.keyword_search(["과태료"], 5)])
    assert final and final[0].text.endswith("판B")  # round 11 wrote version B


def test_another_thread_is_another_holder(home):
    import threading

    idx = make_index(home)
    errors: list[Exception] = []

    def other():
        try:
            idx.lock(0)
        except IndexBusy as exc:
            errors.append(exc)

    with idx.lock(0):
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert len(errors) == 1 and "다른 색인 작업이 진행 중입니다" in str(errors[0])
    with idx.lock(0):  # released by its owner: free again
        pass


def test_processes_opening_a_new_home_at_once_all_succeed(tmp_path):
    """Two ingests (or an ingest and the app) starting on an empty home race to create index.sqlite."""
    import subprocess
    import sys

    code = "import sys; from assistant.store.db import Database; Database(sys.argv[1])"
    for round_ in range(5):
        path = tmp_path / f"home{round_}" / "index.sqlite"
        procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
        results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
        assert all(rc == 0 for rc, _ in results), results
