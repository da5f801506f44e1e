"""Barcode fast path beside running OCR, in one process (issue 12): is a slow barcode hit the checker's fault?

Usage:
    .venv/bin/python -m ingest --home /tmp/loadhome --quiet corpora bench/labels/lists
    .venv/bin/python bench/label_contention.py --home /tmp/loadhome [--ocr-threads 4]

Checks the first photos of `bench/labels/manifest.json` once to sort them into barcode hits and OCR photos, then
keeps `--ocr-threads` threads checking OCR photos back to back while the main thread checks every barcode photo
twice (verdict cache cleared before each check). Prints the barcode checks' wall p50 / p95 / max. Compare with
`bench/load.py`'s `label_barcode` row: the difference is the web app's own work (uploads, chat) and transport.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.services import Services  # noqa: E402
from assistant.settings import load_settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--ocr-threads", type=int, default=4)
    ap.add_argument("--photos", type=int, default=60)
    args = ap.parse_args(argv)
    checker = Services(load_settings(args.home)).label_checker
    root = ROOT / "bench" / "labels"
    rows = json.loads((root / "manifest.json").read_text(encoding="utf-8"))["images"][: args.photos]
    paths = {}
    for r in rows:
        checker.cache.clear()
        paths[r["file"]] = checker.check([root / r["file"]]).path
    barcode = [f for f, how in paths.items() if how == "barcode"]
    ocr = [f for f, how in paths.items() if how == "ocr"]
    if not barcode or not ocr:
        print("바코드 사진과 OCR 사진이 모두 있어야 합니다 (need both barcode and OCR photos)", file=sys.stderr)
        return 1
    stop = threading.Event()

    def ocr_loop(offset: int) -> None:
        i = offset
        while not stop.is_set():
            checker.cache.clear()
            checker.check([root / ocr[i % len(ocr)]])
            i += 1

    threads = [threading.Thread(target=ocr_loop, args=(k,), daemon=True) for k in range(args.ocr_threads)]
    for th in threads:
        th.start()
    time.sleep(2)
    took = []
    for f in barcode * 2:
        checker.cache.clear()
        t0 = time.perf_counter()
        how = checker.check([root / f]).path
        took.append(time.perf_counter() - t0)
        if how != "barcode":
            print(f"  {f}: settled by {how}, not the barcode")
        time.sleep(0.2)
    stop.set()
    took.sort()
    p95 = took[min(len(took) - 1, round(0.95 * (len(took) - 1)))]
    print(f"barcode checks {len(took)} beside {args.ocr_threads} OCR threads: p50 {statistics.median(took):.3f} s, "
          f"p95 {p95:.3f} s, max {took[-1]:.3f} s")
    for th in threads:
        th.join(timeout=60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
