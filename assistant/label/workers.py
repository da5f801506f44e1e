"""OCR in worker processes (판독 작업 프로세스), for the web app.

In one process, the OCR threads' Python work (decoding, preprocessing, finding lines, matching) shares the
GIL with the app's own threads. A barcode hit or a chat answer then waits behind OCR it never needed, and a
thread's nice value cannot decide who gets the GIL (docs/BENCHMARKS.md: barcode hits p95 2–5.5 s with 20
officers, 0.27 s for the checker alone). `OcrProcesses` runs the OCR rounds (`LabelChecker.read`) in
`workers` spawned processes instead. Each has its own GIL and runs `nice` steps nicer than the app, so the
kernel serves the app first:

- the app's process still loads the photos, reads the barcodes, answers barcode and cache hits, keeps the
  queue (slots.py, one slot per worker) and decides the verdict with its legal basis; a worker only sends
  back the `Evidence` (matches, OCR passes, notes per photo);
- a worker holds the lists' NameIndex for one snapshot: when the lists are ingested again, a new pool
  starts with the new snapshot and the old one finishes the checks it has;
- a worker that dies (killed, out of memory) costs that check time, not an error: `read` returns None, the
  checker reads the photos in its own process, and the next check starts a new pool.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from assistant.label.barcode import Barcode
from assistant.label.image import ImageLimits, LoadedImage, load_image
from assistant.label.preprocess import PreprocessOptions
from assistant.label.snapshot import ListSnapshot

_WORKER: dict[str, Any] = {}  # this worker process's LabelChecker (set by _start_worker)
MAX_RESTARTS = 3  # pools that died before this checker stops using worker processes (reads in-process)


def _exit_with_parent(parent: int, every_s: float = 1.0) -> None:
    """A worker outlives an app stopped by a signal (SIGTERM skips the pool's shutdown): each one leaves as
    soon as its parent is gone, so no idle Tesseract process (≈ 400 MB) stays behind."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start_worker(settings: Any, snapshot: ListSnapshot, nice: int, limits: ImageLimits,
                  options: PreprocessOptions, read_names: bool, parent: int) -> None:
    """In the new process: leave with the parent, lower its priority, build the OCR engine and the lists'
    NameIndex, and load every model a check may run, so the first photos do not pay for the loads."""
    _exit_with_parent(parent)

    from PIL import Image

    from assistant.label.checker import LabelChecker
    from assistant.label.slots import CheckQueue
    from assistant.label.tesseract import build_ocr

    if nice > 0:
        try:
            os.nice(nice)
        except OSError:
            pass
    single_threaded_opencv()
    # the whole process is already nicer: its OCR threads need no further step
    settings = settings.model_copy(update={"ocr": settings.ocr.model_copy(update={"nice": 0})})
    ocr = build_ocr(settings)
    checker = LabelChecker(snapshot, ocr, limits=limits, preprocess_options=options, queue=CheckQueue(1),
                           read_names=read_names)
    checker.name_index()
    ocr.preload()
    ocr.read(Image.new("RGB", (160, 48), "white"))
    _WORKER["checker"] = checker


def _read_in_worker(photos: list[LoadedImage | tuple[str, bytes]], barcodes: list[Barcode], crowded: bool) -> Any:
    checker = _WORKER["checker"]
    loaded = [p if isinstance(p, LoadedImage) else load_image(p[1], p[0], checker.limits) for p in photos]
    _, index = checker.name_index()
    evidence = checker.read(loaded, index, barcodes, crowded=crowded)
    for info in evidence.infos:
        info["worker_pid"] = os.getpid()  # which process read it (the verdict's per-photo notes)
    return evidence


def _pid() -> int:
    return os.getpid()


def single_threaded_opencv() -> None:
    """OpenCV splits each call over the cores; with one OCR worker per core (and the app reading barcodes beside
    them) the split only adds thread hand-offs: 9-10 % more CPU for the same barcodes, preprocessing and line
    finding on dev photos (docs/BENCHMARKS.md, sixth session)."""
    import cv2

    cv2.setNumThreads(1)


class OcrProcesses:
    def __init__(self, settings: Any, workers: int, nice: int = 5, limits: ImageLimits | None = None,
                 options: PreprocessOptions | None = None, read_names: bool = True):
        self.settings, self.workers, self.nice = settings, max(1, int(workers)), max(0, int(nice))
        self.limits, self.options = limits or ImageLimits(), options or PreprocessOptions()
        self.read_names = read_names
        self._context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        single_threaded_opencv()  # the app's own barcode reads share the cores with the workers
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._snapshot: ListSnapshot | None = None
        self.restarts = 0  # pools started after a worker died

    def _pool_for(self, snapshot: ListSnapshot) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None or self._snapshot is not snapshot:
                old = self._pool
                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=self._context, initializer=_start_worker,
                    initargs=(self.settings, snapshot, self.nice, self.limits, self.options, self.read_names,
                              os.getpid()))
                self._snapshot = snapshot
                if old is not None:
                    old.shutdown(wait=False)  # its running checks finish; their results still arrive
            return self._pool

    def read(self, loaded: list[LoadedImage], barcodes: list[Barcode], snapshot: ListSnapshot,
             crowded: bool = False) -> Any:
        """The Evidence for these photos, read in a worker; None when the worker died on the way (or the
        workers keep dying, e.g. cannot start: then the checker reads in its own process from now on)."""
        if self.restarts >= MAX_RESTARTS:
            return None
        photos = [(li.name, li.data) if li.data else li for li in loaded]
        pool = self._pool_for(snapshot)
        try:
            return pool.submit(_read_in_worker, photos, barcodes, crowded).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool, self._snapshot = None, None
                    self.restarts += 1
                    if self.restarts == MAX_RESTARTS:
                        print(f"[label] OCR 작업 프로세스가 {MAX_RESTARTS}번 멈춰 이제부터 앱 프로세스 안에서 판독합니다 "
                              f"(OCR worker processes died {MAX_RESTARTS} times: reading in-process from now on)",
                              file=sys.stderr)
            pool.shutdown(wait=False)
            return None

    def warm_up(self, snapshot: ListSnapshot) -> list[int]:
        """Start every worker now (the app's warm-up), so the first officer does not wait; their process ids."""
        pool = self._pool_for(snapshot)
        return sorted({f.result() for f in [pool.submit(_pid) for _ in range(self.workers)]})

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool, self._snapshot = None, None


__all__ = ["OcrProcesses"]
