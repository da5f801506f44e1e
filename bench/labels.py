"""Label-photo benchmark (라벨 판정 벤치마크): run the checker warm over the photo sets and score each split.

    .venv/bin/python bench/labels.py                          # both splits, tune and heldout, side by side
    .venv/bin/python bench/labels.py --split heldout -v --json /tmp/labels_heldout.json
    .venv/bin/python bench/labels.py --split tune --engine cli  # the tesseract-command engine instead
    .venv/bin/python bench/make_labels_dev.py --out /tmp/labels_dev && .venv/bin/python bench/labels.py --set /tmp/labels_dev
    .venv/bin/python bench/labels.py --split tune --variant crowded   # the path the web app takes when others wait

Splits: `tune` = bench/labels (159 photos the checker was developed on; `bench/make_labels.py`),
`heldout` = bench/labels_heldout (`bench/make_labels_heldout.py`: templates, fonts, colours and products the
tuning set never used; generated once, never tuned on). **Only the held-out figure counts.** For tuning beyond the
tune split, `--set DIR` measures any manifest folder, e.g. the dev split of the tuning products rendered with
held-out-like difficulty by `bench/make_labels_dev.py` (not committed).

Prints per split: hazard recall with the right entry named, false `hazard` and `review` on clean products,
p50/p95 elapsed_ms (wall, one check at a time, warm) and CPU ms per check (this process's threads plus any
Tesseract child processes: the figure that does not depend on other load), peak RSS, load average.
A manifest item with `files` (front + back) is checked as one product, like `check-label --group`.
The lists are every sample list in bench/labels/lists (both splits' entries), given to the checker as a
ListSnapshot; `--home H` uses an ingested home's Index instead. The verdict cache is off (every photo is
really read). One check at a time means nobody waits for OCR, so the default measures the idle path; `--variant
crowded` reads every photo as if others waited (`LabelChecker(crowded=True)`: the cheaper follow-up order and second
round of a loaded web app), `--variant idle` forces the idle path. Importable: `run(...) -> dict`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

SETS = {"tune": ROOT / "labels", "heldout": ROOT / "labels_heldout"}
TARGETS = {"recall": 0.97, "clean_hazard": 0, "clean_review_rate": 0.05, "p50_ms": 700, "p95_ms": 1500, "rss_mb": 1536}

VARIANTS = {  # preprocessing ablations: PreprocessOptions overrides
    "default": {},
    "no_deskew": {"deskew": False},
    "no_invert": {"invert_dark": False},
    "clahe": {"clahe": True},
    "no_upscale": {"min_side": 1},
    "small": {"max_side": 1200, "min_side": 1000},
    "no_retry": {"retry_flattened": False},
    "parallel": {},  # every OCR model on the whole image, in parallel (engine mode="parallel")
    "no_name_lines": {},  # without the name reader (tallest lines first, name_lines.py)
    "crowded": {},  # every check read as if others waited for OCR (the web app under load: the cheaper path)
    "idle": {},  # every check read as if none waited (what one check at a time gets anyway)
}


def cpu_s() -> float:
    """CPU seconds of this process (all threads) and its finished children (Tesseract processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def build_checker(variant: str = "default", home: str | None = None, engine: str = "auto"):
    from make_labels import load_all_lists

    from assistant.label.checker import LabelChecker, build_label_checker
    from assistant.label.preprocess import PreprocessOptions
    from assistant.label.snapshot import ListSnapshot
    from assistant.label.tesseract import build_ocr
    from assistant.settings import load_settings

    opts = PreprocessOptions(**VARIANTS[variant])
    settings = load_settings(home) if home else load_settings("/nonexistent-bench-home")
    settings.ocr.engine = engine  # type: ignore[assignment]
    settings.ocr.nice = 0
    settings.ocr.cache_size = 0
    if home:
        checker = build_label_checker(settings)
        checker.preprocess_options = opts
    else:
        products, ingredients = load_all_lists()
        checker = LabelChecker(ListSnapshot.from_rows(products, ingredients), build_ocr(settings), preprocess_options=opts)
    if variant == "parallel":
        checker.ocr.mode = "parallel"
    if variant == "no_name_lines":
        checker.read_names = False
    if variant in ("crowded", "idle"):
        checker.crowded = variant == "crowded"
    return checker


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


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0


def item_files(item: dict) -> list[str]:
    return item.get("files") or [item["file"]]


def run(set_dir: Path = SETS["tune"], variant: str = "default", limit: int | None = None, home: str | None = None,
        verbose: bool = False, categories: list[str] | None = None, engine: str = "auto", checker=None,
        split: str = "") -> dict:
    manifest = json.loads((set_dir / "manifest.json").read_text(encoding="utf-8"))["images"]
    if categories:
        manifest = [m for m in manifest if m["category"] in categories]
    if limit:
        manifest = manifest[:limit]
    checker = checker or build_checker(variant, home, engine)
    warm = set_dir / item_files(manifest[-1])[0]
    checker.check([warm.read_bytes() + b""])  # warm-up: imports, list index, models (cache is off anyway)
    rows = []
    for item in manifest:
        files = [set_dir / f for f in item_files(item)]
        t0, c0 = time.perf_counter(), cpu_s()
        res = checker.check(files, [str(f.relative_to(set_dir)) for f in files]).to_json()
        wall = (time.perf_counter() - t0) * 1000
        cpu_ms = round((cpu_s() - c0) * 1000)
        ok = right_entry(res, item) if item["expect"] == "hazard" else None
        rows.append({"file": " + ".join(item_files(item)), "category": item["category"], "expect": item["expect"],
                     "verdict": res["verdict"], "right_entry": ok, "elapsed_ms": res["elapsed_ms"], "wall_ms": round(wall),
                     "cpu_ms": cpu_ms, "path": res.get("path"), "cases": item.get("cases", []),
                     "distortions": item["distortions"],
                     "top": [f"{m['kind']}:{m['canonical']}:{m['strength']}:{m['score']}" for m in res["matches"][:3]]})
        if verbose:
            r = rows[-1]
            flag = "" if (r["right_entry"] or (r["expect"] == "no_match" and r["verdict"] == "no_match")) else "  <-- MISS"
            print(f"{r['file'][:40]:40} {r['expect']:8} {r['verdict']:8} {r['elapsed_ms']:5d}ms cpu {r['cpu_ms']:5d}ms "
                  f"{r['top'][:2]}{flag}", flush=True)
    return summarize(rows, variant, split or set_dir.name)


def summarize(rows: list[dict], variant: str, split: str) -> dict:
    hazards = [r for r in rows if r["expect"] == "hazard"]
    clean = [r for r in rows if r["expect"] == "no_match"]
    times = [r["elapsed_ms"] for r in rows]
    cpus = [r["cpu_ms"] for r in rows]
    summary: dict = {
        "split": split, "variant": variant, "images": len(rows), "hazard_images": len(hazards), "clean_images": len(clean),
        "recall": sum(1 for r in hazards if r["verdict"] == "hazard" and r["right_entry"]) / max(1, len(hazards)),
        "recall_any_hazard": sum(1 for r in hazards if r["verdict"] == "hazard") / max(1, len(hazards)),
        "clean_hazard": sum(1 for r in clean if r["verdict"] == "hazard"),
        "clean_review": sum(1 for r in clean if r["verdict"] == "review"),
        "clean_review_rate": sum(1 for r in clean if r["verdict"] == "review") / max(1, len(clean)),
        "p50_ms": statistics.median(times) if times else 0, "p95_ms": pct(times, 0.95),
        "cpu_p50_ms": statistics.median(cpus) if cpus else 0, "cpu_p95_ms": pct(cpus, 0.95),
        "cpu_mean_ms": round(statistics.mean(cpus)) if cpus else 0,
        "load_avg": os.getloadavg(),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "tesseract_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "by_category": {}, "by_case": {},
        "misses": [r for r in rows if (r["expect"] == "hazard" and not (r["verdict"] == "hazard" and r["right_entry"]))
                   or (r["expect"] == "no_match" and r["verdict"] != "no_match")],
    }

    def good(r: dict) -> bool:
        return (r["verdict"] == "hazard" and bool(r["right_entry"])) or (r["expect"] == "no_match" and r["verdict"] == "no_match")

    for cat in sorted({r["category"] for r in rows}):
        sub = [r for r in rows if r["category"] == cat]
        summary["by_category"][cat] = f"{sum(map(good, sub))}/{len(sub)}"
    for case in sorted({c for r in rows for c in r["cases"]}):
        sub = [r for r in rows if case in r["cases"]]
        summary["by_case"][case] = f"{sum(map(good, sub))}/{len(sub)}"
    summary["rows"] = rows
    return summary


def print_summaries(summaries: list[dict]) -> None:
    def mark(ok: bool) -> str:
        return "ok" if ok else "MISS"

    t = TARGETS
    cols = [s["split"] for s in summaries]
    print(f"\n{'metric':36} " + " ".join(f"{c:>12}" for c in cols) + f" {'target':>10}")
    rows = [
        ("images (hazard / clean)", [f"{s['hazard_images']}/{s['clean_images']}" for s in summaries], ""),
        ("hazard recall (right entry)", [f"{s['recall']:.3f}" for s in summaries], f">= {t['recall']}"),
        ("hazard recall (any hazard)", [f"{s['recall_any_hazard']:.3f}" for s in summaries], ""),
        ("clean -> hazard", [str(s["clean_hazard"]) for s in summaries], "0"),
        ("clean -> review", [f"{s['clean_review_rate']:.3f}" for s in summaries], f"<= {t['clean_review_rate']}"),
        ("p50 elapsed_ms", [f"{s['p50_ms']:.0f}" for s in summaries], f"<= {t['p50_ms']}"),
        ("p95 elapsed_ms", [f"{s['p95_ms']:.0f}" for s in summaries], f"<= {t['p95_ms']}"),
        ("CPU ms per check p50 / p95", [f"{s['cpu_p50_ms']:.0f}/{s['cpu_p95_ms']:.0f}" for s in summaries], ""),
        ("CPU ms per check mean", [str(s["cpu_mean_ms"]) for s in summaries], ""),
        ("peak RSS MB", [str(s["rss_mb"]) for s in summaries], f"<= {t['rss_mb']}"),
        ("load average 1/5/15 min at end", ["/".join(f"{x:.1f}" for x in s["load_avg"]) for s in summaries], ""),
    ]
    for name, vals, target in rows:
        print(f"{name:36} " + " ".join(f"{v:>12}" for v in vals) + f" {target:>10}")
    for s in summaries:
        ok = (s["recall"] >= t["recall"], s["clean_hazard"] == 0, s["clean_review_rate"] <= t["clean_review_rate"],
              s["p50_ms"] <= t["p50_ms"], s["p95_ms"] <= t["p95_ms"])
        print(f"\n[{s['split']}] targets (recall, clean hazard, clean review, p50, p95): {' '.join(map(mark, ok))}")
        print("  by category:", s["by_category"])
        if s["by_case"]:
            print("  by case:", s["by_case"])
        for r in s["misses"]:
            print(f"  miss {r['file'][:44]:44} expect {r['expect']:8} got {r['verdict']:8} {r['cases'] or r['distortions']} "
                  f"{r['top'][:2]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="label-photo benchmark")
    ap.add_argument("--split", default="all", choices=["all", *SETS])
    ap.add_argument("--set", help="a photo set folder (manifest.json + images) instead of --split")
    ap.add_argument("--variant", default="default", choices=sorted(VARIANTS))
    ap.add_argument("--engine", default="auto", choices=["auto", "api", "cli"])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--home")
    ap.add_argument("--category", help="comma-separated: listed,ingredient,near_miss,clean")
    ap.add_argument("--json")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    cats = args.category.split(",") if args.category else None
    sets = {Path(args.set).name: Path(args.set)} if args.set else \
        {k: v for k, v in SETS.items() if args.split in ("all", k) and (v / "manifest.json").exists()}
    checker = build_checker(args.variant, args.home, args.engine)
    summaries = []
    for name, folder in sets.items():
        if args.verbose:
            print(f"== {name}: {folder}", flush=True)
        summaries.append(run(folder, args.variant, args.limit, args.home, args.verbose, cats, args.engine, checker, name))
    print_summaries(summaries)
    if args.json:
        Path(args.json).write_text(json.dumps(summaries if len(summaries) > 1 else summaries[0], ensure_ascii=False,
                                              indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
