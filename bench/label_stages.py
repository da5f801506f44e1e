"""Where a label check's CPU goes (판독 단계별 CPU): thread CPU of every Tesseract run, by checker stage and model.

    .venv/bin/python bench/label_stages.py --split tune --variant crowded
    .venv/bin/python bench/label_stages.py --set /tmp/cpu_dev21 --variant crowded --limit 60

Checks the photos one at a time like `bench/labels.py` (same checker, lists and variants) and wraps the in-process
engine's `_recognize` to add up the CPU of its thread (`time.thread_time`) under the stage the checker is in:
`names` (name lines), `first` (first page passes, turned photos included), `late` (Thai re-reads of name lines),
`small` (enlarged small print), `retry` (second round), each split by model and by whole page / rows / line. Prints
ms per photo (over all photos) and the share of all Tesseract CPU, then the process CPU per check for comparison.
Needs the in-process engine (tesserocr).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from labels import SETS, VARIANTS, build_checker, cpu_s, item_files  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="tune", choices=sorted(SETS))
    ap.add_argument("--set", help="a photo set folder (manifest.json + images) instead of --split")
    ap.add_argument("--variant", default="crowded", choices=sorted(VARIANTS))
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)
    folder = Path(args.set) if args.set else SETS[args.split]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["images"][: args.limit]
    checker = build_checker(args.variant)
    ocr = checker.ocr
    stage = ["other"]
    spent: dict[tuple[str, str, str], float] = defaultdict(float)
    runs: dict[tuple[str, str, str], int] = defaultdict(int)
    recognize = ocr._recognize

    def timed(img, langs, handle=None, psm=None, invert=True):  # type: ignore[no-untyped-def]
        t0 = time.thread_time()
        try:
            return recognize(img, langs, handle, psm, invert)
        finally:
            kind = "line" if psm is not None else ("page" if img.size == current[0] else "rows")
            key = (stage[0], langs, kind)
            spent[key] += time.thread_time() - t0
            runs[key] += 1

    current = [(0, 0)]
    ocr._recognize = timed

    def staged(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            before, stage[0] = stage[0], name
            if a and hasattr(a[0], "size"):
                current[0] = a[0].size
            try:
                return fn(*a, **k)
            finally:
                stage[0] = before
        return wrapper

    checker._read_names = staged("names", checker._read_names)
    checker._late_name_reads = staged("late", checker._late_name_reads)
    checker._small_print = staged("small", checker._small_print)
    ocr.read = staged("first", ocr.read)
    ocr.read_if_better = staged("first", ocr.read_if_better)
    ocr.read_best = staged("retry", ocr.read_best)
    read_best = ocr.read_best

    def read_best_sized(images, *a, **k):  # type: ignore[no-untyped-def]
        current[0] = images[0].size if images else (0, 0)
        return read_best(images, *a, **k)

    ocr.read_best = read_best_sized
    warm = folder / item_files(manifest[-1])[0]
    checker.check([warm.read_bytes()])
    spent.clear()
    runs.clear()
    cpus = []
    for item in manifest:
        files = [folder / f for f in item_files(item)]
        c0 = cpu_s()
        checker.check(files)
        cpus.append((cpu_s() - c0) * 1000)
    n = len(manifest)
    total = sum(spent.values())
    print(f"{n} photos, variant {args.variant}; process CPU per check mean {statistics.mean(cpus):.0f} ms, "
          f"Tesseract {1000 * total / n:.0f} ms")
    by_stage: dict[str, float] = defaultdict(float)
    for (st, _, _), v in spent.items():
        by_stage[st] += v
    for st, v in sorted(by_stage.items(), key=lambda kv: -kv[1]):
        print(f"{st:8} {1000 * v / n:7.1f} ms/photo {100 * v / total:5.1f} %")
        for (s2, langs, kind), v2 in sorted(spent.items(), key=lambda kv: -kv[1]):
            if s2 == st:
                print(f"    {langs:8} {kind:5} {1000 * v2 / n:7.1f} ms/photo {100 * v2 / total:5.1f} %  "
                      f"({runs[(s2, langs, kind)]} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
