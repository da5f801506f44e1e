"""Barcode reader benchmark (바코드 판독): `read_barcodes` alone over the photos of a set that carry a barcode.

    .venv/bin/python bench/make_labels_dev.py --seed 31 --out /tmp/labels_dev31
    .venv/bin/python bench/barcodes.py /tmp/labels_dev31 [/tmp/labels_dev32 ...] [-v]

For each manifest item with a `barcode`: was it read from the bars (any of its files), was any other number
read (a misread whose check digit holds), and the reader's CPU ms; by case (`barcode_curved`,
`barcode_glare`, `curved`, else `plain`). Faster than `bench/labels.py` (no OCR) and says what the checker's
verdict hides: a listed product whose bars are missed is often still found by its name or printed digits,
only slower. Photos without a barcode are counted too (anything read there is a wrong number).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))


def case_of(item: dict) -> str:
    for case in ("barcode_curved", "barcode_glare", "curved"):
        if case in item.get("cases", []):
            return case
    return "plain"


def run(set_dir: Path, verbose: bool = False) -> dict:
    import pillow_heif
    from PIL import Image, ImageOps

    from assistant.label.barcode import barcode_keys, read_barcodes

    pillow_heif.register_heif_opener()
    read_barcodes(Image.new("RGB", (300, 200), "white"))  # warm-up: imports
    by_case: dict[str, list[int]] = {}
    cpu: list[float] = []
    wrong = 0
    for item in json.loads((set_dir / "manifest.json").read_text(encoding="utf-8"))["images"]:
        got: list[str] = []
        for f in item.get("files") or [item["file"]]:
            img = ImageOps.exif_transpose(Image.open(set_dir / f))
            img.load()
            t0 = time.process_time()
            got += [b.text for b in read_barcodes(img)]
            cpu.append((time.process_time() - t0) * 1000)
        want = item.get("barcode")
        others = [g for g in got if not want or want not in barcode_keys(g)]
        wrong += bool(others)
        if want:
            hit = len(others) < len(got)
            row = by_case.setdefault(case_of(item), [0, 0])
            row[0] += hit
            row[1] += 1
            if verbose and not hit:
                print(f"  missed {item['file']} {item.get('cases')} {item['distortions']}")
        if verbose and others:
            print(f"  WRONG {item['file']} read {others}, printed {want}")
    return {"set": set_dir.name, "by_case": {k: f"{a}/{n}" for k, (a, n) in sorted(by_case.items())},
            "read": sum(a for a, _ in by_case.values()), "with_barcode": sum(n for _, n in by_case.values()),
            "wrong": wrong, "files": len(cpu), "cpu_p50_ms": round(statistics.median(cpu), 1),
            "cpu_mean_ms": round(statistics.mean(cpu), 1), "cpu_max_ms": round(max(cpu))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="+", help="photo set folders (manifest.json + images)")
    ap.add_argument("-v", action="store_true", help="list the misses and wrong numbers")
    args = ap.parse_args(argv)
    for s in args.sets:
        print(json.dumps(run(Path(s), args.v), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
