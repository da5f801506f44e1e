"""workers.py: the OCR rounds in spawned worker processes (the web app's default), with the real Tesseract on a
label drawn in the test. The verdict is the same as in-process; the worker runs nicer than the app; new lists
start a new pool; a killed worker costs time, not an error."""

from __future__ import annotations

import os
import signal
import time

import pytest
from test_label_lines import BOLD, FONT, MODELS, PRODUCTS, draw, needs_fonts, png

from assistant.label.checker import LabelChecker, build_label_checker
from assistant.label.legal import LegalBasis
from assistant.label.snapshot import ListSnapshot
from assistant.label.workers import MAX_RESTARTS, OcrProcesses
from assistant.settings import load_settings

pytestmark = [needs_fonts, pytest.mark.skipif(not MODELS, reason="Tesseract models not installed"),
              pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs Linux /proc")]


def _engine():
    pytest.importorskip("tesserocr")
    from assistant.label.tesseract_api import TesserocrOCR

    return TesserocrOCR(["kor", "eng"])


def _label() -> bytes:
    img, _ = draw([("Premium Health", FONT, 30, (60, 40)), ("Black Mamba Energy", BOLD, 80, (60, 110)),
                   ("Ingredients: caffeine, taurine, green tea", FONT, 30, (60, 260)),
                   ("Net 60 capsules", FONT, 30, (60, 320))])
    return png(img)


@pytest.fixture
def pool(tmp_path):
    settings = load_settings(tmp_path, ocr={"languages": ["kor", "eng"]})
    workers = OcrProcesses(settings, workers=1, nice=3)
    yield workers
    workers.close()


def test_worker_reads_the_same_verdict_as_this_process_and_runs_nicer(pool):
    snapshot = ListSnapshot.from_rows(PRODUCTS, [])
    here = LabelChecker(snapshot, _engine(), LegalBasis(None)).check([_label()])
    checker = LabelChecker(snapshot, _engine(), LegalBasis(None), processes=pool)
    [pid] = pool.warm_up(snapshot)
    assert pid != os.getpid()
    # 3 steps nicer than this process, capped at 19 (pytest itself may run niced)
    assert os.getpriority(os.PRIO_PROCESS, pid) >= min(19, os.getpriority(os.PRIO_PROCESS, 0) + 3)
    there = checker.check([_label()])
    assert there.images[0]["worker_pid"] == pid and "worker_pid" not in here.images[0]
    assert there.verdict == here.verdict == "hazard"
    assert [m.canonical for m in there.matches] == [m.canonical for m in here.matches]
    assert there.matches[0].canonical == "Black Mamba Energy" and there.grounds["entry"]["name"] == "Black Mamba Energy"
    assert there.ocr_text == here.ocr_text


def test_new_lists_start_a_new_pool_with_the_new_entries(pool):
    without = ListSnapshot.from_rows([p for p in PRODUCTS if p["product"] != "Black Mamba Energy"], [])
    checker = LabelChecker(without, _engine(), LegalBasis(None), processes=pool)
    first = checker.check([_label()])
    assert first.verdict != "hazard"
    checker.lists = ListSnapshot.from_rows(PRODUCTS, [])  # the lists ingested again
    again = checker.check([_label()])
    assert again.verdict == "hazard" and again.matches[0].canonical == "Black Mamba Energy"
    assert again.images[0]["worker_pid"] != first.images[0]["worker_pid"]


def test_a_killed_worker_costs_that_check_time_not_an_error(pool):
    snapshot = ListSnapshot.from_rows(PRODUCTS, [])
    checker = LabelChecker(snapshot, _engine(), LegalBasis(None), processes=pool)
    [pid] = pool.warm_up(snapshot)
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    res = checker.check([_label()])
    assert res.verdict == "hazard" and "worker_pid" not in res.images[0]  # read in this process instead
    assert pool.restarts == 1
    after = checker.check([_label()])
    assert after.verdict == "hazard" and after.images[0]["worker_pid"] not in (pid, os.getpid())


def test_workers_that_cannot_start_leave_the_checks_to_this_process():
    broken = OcrProcesses(object(), workers=1)  # a worker cannot build its OCR engine from these settings
    checker = LabelChecker(ListSnapshot.from_rows(PRODUCTS, []), _engine(), LegalBasis(None), processes=broken)
    for _ in range(MAX_RESTARTS + 1):
        res = checker.check([_label()])
        assert res.verdict == "hazard" and "worker_pid" not in res.images[0]
    assert broken.restarts == MAX_RESTARTS and broken._pool is None  # no new pool after the third


def test_the_web_app_asks_for_processes_and_the_setting_overrides(tmp_path):
    class Lists:  # an Index with no lists and no regulations, as far as the checker asks
        def counts(self):
            return {}

        def generation(self):
            return 1

    settings = load_settings(tmp_path)
    assert build_label_checker(settings, Lists()).processes is None  # a one-off CLI check
    app = build_label_checker(settings, Lists(), processes=True)
    assert isinstance(app.processes, OcrProcesses) and app.processes.workers == app.queue.slots
    off = load_settings(tmp_path, ocr={"processes": False})
    assert build_label_checker(off, Lists(), processes=True).processes is None


def test_workers_leave_when_the_app_is_killed(tmp_path):
    """SIGTERM/SIGKILL skip the pool's shutdown; the workers notice their parent is gone and exit."""
    import subprocess
    import sys

    code = (
        "import sys, time\n"
        "from assistant.label.snapshot import ListSnapshot\n"
        "from assistant.label.workers import MAX_RESTARTS, OcrProcesses\n"
        "from assistant.settings import load_settings\n"
        f"pool = OcrProcesses(load_settings({str(tmp_path)!r}, ocr={{'languages': ['eng']}}), workers=1)\n"
        "print(*pool.warm_up(ListSnapshot()), flush=True)\n"
        "time.sleep(120)\n"
    )
    app = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(app.stdout.readline())
        assert _running(worker)  # alive while the app runs
        app.kill()
        app.wait(10)
        deadline = time.time() + 15
        while _running(worker) and time.time() < deadline:
            time.sleep(0.2)
        assert not _running(worker)
    finally:
        app.kill()


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped (/proc/PID/stat's state field)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
