"""Label-photo benchmark (라벨 판정 벤치마크): run the checker warm over bench/labels and score it.

    .venv/bin/python bench/make_labels.py            # once: render the set (fixed seed)
    .venv/bin/python bench/labels.py [--limit N] [--json out.json] [--variant NAME]

Prints, side by side: hazard recall with the right entry named, false `hazard` on clean products,
false `review` on clean products, p50/p95 elapsed_ms, peak RSS. The lists are the sample lists the
set was rendered from (bench/labels/lists), given to the checker as a ListSnapshot; `--home H`
uses an ingested home's Index instead. Importable: `run(...) -> dict`.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

TARGETS = {"recall": 0.95, "clean_hazard": 0, "clean_review_rate": 0.05, "p50_ms": 1000, "p95_ms": 2000, "rss_mb": 1536}

VARIANTS = {  # preprocessing ablations: PreprocessOptions overrides
    "default": {},
    "no_deskew": {"deskew": False},
    "no_invert": {"invert_dark": False},
    "clahe": {"clahe": True},
    "no_upscale": {"min_side": 1},
    "small": {"max_side": 1200, "min_side": 1000},
    "parallel": {},  # both OCR passes on the whole image, in parallel (TesseractOCR mode="parallel")
}


def cpu_s() -> float:
    """CPU seconds of this process and its finished children (Tesseract): robust to a busy machine."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def build_checker(variant: str = "default", home: str | None = None):
    from make_labels import load_lists

    from assistant.label.checker import LabelChecker, build_label_checker
    from assistant.label.ocr import TesseractOCR
    from assistant.label.preprocess import PreprocessOptions
    from assistant.label.snapshot import ListSnapshot

    opts = PreprocessOptions(**VARIANTS[variant])
    mode = "parallel" if variant == "parallel" else "adaptive"
    if home:
        from assistant.settings import load_settings

        checker = build_label_checker(load_settings(home))
        checker.preprocess_options = opts
        return checker
    products, ingredients = load_lists()
    return LabelChecker(ListSnapshot.from_rows(products, ingredients), TesseractOCR(mode=mode), preprocess_options=opts)


def right_entry(result: dict, item: dict) -> bool:
    want = item["expect_entry"]
    for m in result["matches"]:
        if m.get("strength") != "strong":
            continue
        if m["kind"] == "product" and m["locator"] == want:
            return True
        if m["kind"] == "ingredient" and m["canonical"] == want:
            return True
    return False


def run(set_dir: Path = ROOT / "labels", variant: str = "default", limit: int | None = None, home: str | None = None,
        verbose: bool = False, categories: list[str] | None = None) -> dict:
    manifest = json.loads((set_dir / "manifest.json").read_text(encoding="utf-8"))["images"]
    if categories:
        manifest = [m for m in manifest if m["category"] in categories]
    if limit:
        manifest = manifest[:limit]
    checker = build_checker(variant, home)
    checker.check([set_dir / manifest[0]["file"]])  # warm-up: imports, list index, Tesseract page cache
    rows = []
    for item in manifest:
        t0, c0 = time.perf_counter(), cpu_s()
        res = checker.check([set_dir / item["file"]]).to_json()
        wall = (time.perf_counter() - t0) * 1000
        cpu_ms = round((cpu_s() - c0) * 1000)
        ok = right_entry(res, item) if item["expect"] == "hazard" else None
        rows.append({"file": item["file"], "category": item["category"], "expect": item["expect"], "verdict": res["verdict"],
                     "right_entry": ok, "elapsed_ms": res["elapsed_ms"], "wall_ms": round(wall), "cpu_ms": cpu_ms,
                     "distortions": item["distortions"], "top": [f"{m['kind']}:{m['canonical']}:{m['strength']}:{m['score']}"
                                                                 for m in res["matches"][:3]]})
        if verbose:
            r = rows[-1]
            flag = "" if (r["right_entry"] or (r["expect"] == "no_match" and r["verdict"] == "no_match")) else "  <-- MISS"
            print(f"{r['file']:32} {r['expect']:8} {r['verdict']:8} {r['elapsed_ms']:5d}ms cpu {r['cpu_ms']:5d}ms {r['top'][:2]}{flag}",
                  flush=True)
    hazards = [r for r in rows if r["expect"] == "hazard"]
    clean = [r for r in rows if r["expect"] == "no_match"]
    times = sorted(r["elapsed_ms"] for r in rows)
    cpus = sorted(r["cpu_ms"] for r in rows)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = {
        "variant": variant, "images": len(rows), "hazard_images": len(hazards), "clean_images": len(clean),
        "recall": sum(1 for r in hazards if r["verdict"] == "hazard" and r["right_entry"]) / max(1, len(hazards)),
        "recall_any_hazard": sum(1 for r in hazards if r["verdict"] == "hazard") / max(1, len(hazards)),
        "clean_hazard": sum(1 for r in clean if r["verdict"] == "hazard"),
        "clean_review": sum(1 for r in clean if r["verdict"] == "review"),
        "clean_review_rate": sum(1 for r in clean if r["verdict"] == "review") / max(1, len(clean)),
        "p50_ms": statistics.median(times) if times else 0,
        "p95_ms": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))] if times else 0,
        "cpu_p50_ms": statistics.median(cpus) if cpus else 0,
        "cpu_p95_ms": cpus[min(len(cpus) - 1, int(round(0.95 * (len(cpus) - 1))))] if cpus else 0,
        "load_avg": __import__("os").getloadavg()[0],
        "rss_mb": round(rss_mb), "tesseract_rss_mb": round(rss_children_mb),
        "by_category": {}, "misses": [r for r in rows if (r["expect"] == "hazard" and not (r["verdict"] == "hazard" and r["right_entry"]))
                                      or (r["expect"] == "no_match" and r["verdict"] != "no_match")],
    }
    for cat in sorted({r["category"] for r in rows}):
        sub = [r for r in rows if r["category"] == cat]
        good = [r for r in sub if (r["verdict"] == "hazard" and r["right_entry"]) or (r["expect"] == "no_match" and r["verdict"] == "no_match")]
        summary["by_category"][cat] = f"{len(good)}/{len(sub)}"
    summary["rows"] = rows
    return summary


def print_summary(s: dict) -> None:
    def mark(ok: bool) -> str:
        return "ok" if ok else "MISS"

    print(f"\nvariant {s['variant']}: {s['images']} images ({s['hazard_images']} hazard, {s['clean_images']} clean)")
    print(f"{'metric':34} {'value':>10} {'target':>10}")
    print(f"{'hazard recall (right entry)':34} {s['recall']:>10.3f} {'>= 0.95':>10} {mark(s['recall'] >= 0.95)}")
    print(f"{'hazard recall (any hazard)':34} {s['recall_any_hazard']:>10.3f}")
    print(f"{'clean -> hazard':34} {s['clean_hazard']:>10d} {'0':>10} {mark(s['clean_hazard'] == 0)}")
    print(f"{'clean -> review':34} {s['clean_review_rate']:>10.3f} {'<= 0.05':>10} {mark(s['clean_review_rate'] <= 0.05)}")
    print(f"{'p50 elapsed_ms':34} {s['p50_ms']:>10.0f} {'<= 1000':>10} {mark(s['p50_ms'] <= 1000)}")
    print(f"{'p95 elapsed_ms':34} {s['p95_ms']:>10.0f} {'<= 2000':>10} {mark(s['p95_ms'] <= 2000)}")
    print(f"{'p50 / p95 CPU ms (self+tesseract)':34} {s['cpu_p50_ms']:>5.0f}/{s['cpu_p95_ms']:<5.0f}")
    print(f"{'load average at end (2 cores)':34} {s['load_avg']:>10.1f}")
    print(f"{'peak RSS MB (python)':34} {s['rss_mb']:>10d} {'<= 1536':>10} {mark(s['rss_mb'] <= 1536)}")
    print(f"{'peak RSS MB (one tesseract)':34} {s['tesseract_rss_mb']:>10d}")
    print("by category:", s["by_category"])
    for r in s["misses"]:
        print(f"  miss {r['file']:30} expect {r['expect']:8} got {r['verdict']:8} {r['distortions']} {r['top'][:2]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="label-photo benchmark")
    ap.add_argument("--set", default=str(ROOT / "labels"))
    ap.add_argument("--variant", default="default", choices=sorted(VARIANTS))
    ap.add_argument("--limit", type=int)
    ap.add_argument("--home")
    ap.add_argument("--category", help="comma-separated: listed,ingredient,near_miss,clean")
    ap.add_argument("--json")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    cats = args.category.split(",") if args.category else None
    s = run(Path(args.set), args.variant, args.limit, args.home, args.verbose, cats)
    print_summary(s)
    if args.json:
        Path(args.json).write_text(json.dumps(s, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
