"""How long the everyday → administrative vocabulary takes to load in a fresh process (어휘 로딩 시간).

Measures, each in its own new Python process (what a CLI call pays): `load_vocabulary()` read from the
compiled file (everyday_admin.compiled.json), and the same vocabulary tokenised afresh from the YAML (what a
stale or missing compiled file costs; Kiwi's own start-up is measured apart, since queries pay it anyway).
Prints wall and CPU milliseconds (median of the runs) and the load average, since wall time on a shared
machine says little without it.

    .venv/bin/python bench/vocabulary_load.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_COMPILED = """
import json, time
from assistant.retrieval.vocabulary import load_vocabulary
t, c = time.perf_counter(), time.process_time()
v = load_vocabulary()
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "n": len(v.expansions)}))
"""

_FRESH = """
import json, time, yaml
from assistant.retrieval.vocabulary import VOCABULARY, parse
from assistant.text.korean import get_kiwi
t = time.perf_counter(); get_kiwi(); kiwi = time.perf_counter() - t
t, c = time.perf_counter(), time.process_time()
v = parse(yaml.safe_load(VOCABULARY.read_text(encoding="utf-8")), VOCABULARY)
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "kiwi": kiwi,
                  "n": len(v.expansions)}))
"""


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="fresh processes for the compiled load")
    ap.add_argument("--fresh-runs", type=int, default=1, help="fresh processes for the YAML tokenisation")
    args = ap.parse_args(argv)
    load_before = os.getloadavg()[0]
    compiled = [_run(_COMPILED) for _ in range(args.runs)]
    fresh = [_run(_FRESH) for _ in range(args.fresh_runs)]
    ms = lambda rows, key: round(statistics.median(r[key] for r in rows) * 1000, 1)  # noqa: E731
    result = {
        "expansions": compiled[0]["n"],
        "compiled_wall_ms": ms(compiled, "wall"), "compiled_cpu_ms": ms(compiled, "cpu"),
        "fresh_wall_ms": ms(fresh, "wall"), "fresh_cpu_ms": ms(fresh, "cpu"), "kiwi_start_ms": ms(fresh, "kiwi"),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    print(f"어휘 {result['expansions']}개 형태: 컴파일 파일 {result['compiled_wall_ms']} ms "
          f"(CPU {result['compiled_cpu_ms']} ms), 새로 토큰화 {result['fresh_wall_ms']} ms "
          f"(CPU {result['fresh_cpu_ms']} ms; Kiwi 시작 {result['kiwi_start_ms']} ms 별도), "
          f"load average {result['load_average'][0]} → {result['load_average'][1]}")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
