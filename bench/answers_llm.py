"""`bench/answers.py --llm`: cited answers per mode — extractive, llamacpp (in-process) and openai
(llama-cpp-python's own server on loopback) — on the same questions (issue 11).

Usage:
    .venv/bin/python bench/answers.py --llm                    # 50 held-out + 10 unanswerable, all modes
    .venv/bin/python bench/answers.py --llm --split tune --n 40 --modes llamacpp    # while tuning prompts

Questions: regulation questions of `--split` (bench/questions/regulations*.jsonl, split by whole document,
see bench/questions/SPLIT.md), a seeded sample of `--n`, plus `--n-unanswerable` of the same split's
unanswerable questions; asked as an officer over regulations, as the chat tab does. The home indexes
corpora/ and bench/corpora/ (the held-out documents live there). Each mode runs in its own process,
so its peak RSS is its own; the model is loaded once per mode and warmed before timing.

Per mode:
- valid citation: answerable questions whose answer carries ≥ 1 valid citation (whatever answered);
- LLM answered: answers written by the LLM itself that survived marker validation and the sentence
  check (the rest fell back to the extractive answer, with a warning);
- raw marker: LLM replies that contained a valid [n] before the sentence check;
- right article: a citation names the expected document and article (all answers / the LLM's own);
- refused: unanswerable questions answered "근거를 찾지 못했습니다";
- grounded without a valid citation: must be 0;
- Korean: LLM answers whose letters are ≥ 60 % Hangul;
- first token p50/p95 (first text delta; for extractive the whole answer), tokens/s (deltas after the
  first over their time: one delta is one token in llama.cpp's stream), peak RSS (the mode's process;
  openai: client + server).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from answers import article_of, percentile  # noqa: E402

SEED = 20251202
MODES = ("extractive", "llamacpp", "openai")
MARKER = re.compile(r"\[(\d{1,3})\]")


def pick_questions(split: str, n: int, n_unanswerable: int) -> tuple[list[dict], list[dict]]:
    qdir = ROOT / "bench" / "questions"
    rows = [json.loads(line) for f in sorted(qdir.glob("regulations*.jsonl"))
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    unans = [json.loads(line) for f in sorted(qdir.glob("unanswerable*.jsonl"))
             for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("split", "tune") == split]
    unans = [r for r in unans if r.get("split", "tune") == split]
    rng = random.Random(SEED)
    return rng.sample(rows, min(n, len(rows))), rng.sample(unans, min(n_unanswerable, len(unans)))


def hangul_share(text: str) -> float:
    letters = [c for c in MARKER.sub("", text) if c.isalpha()]
    return sum("가" <= c <= "힣" for c in letters) / max(1, len(letters))


def peak_rss_mb(pid: int | None = None) -> float:
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker(mode: str, home: Path, questions: list[dict], unanswerable: list[dict], base_url: str | None,
           model: str, options: dict | None = None) -> dict:
    """Ask every question in this process with one answerer; per-question records."""
    from assistant.answer import Answer, build_answerer
    from assistant.answer.citations import validate_markers
    from assistant.retrieval.filters import Filters
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings

    llm = {"mode": "none"} if mode == "extractive" else {"mode": mode, "model": model, "n_ctx": 2048}
    if mode == "openai":
        llm["base_url"] = base_url
    settings = load_settings(home, llm=llm)
    t0 = time.perf_counter()
    answerer = build_answerer(settings, build_retriever(settings))
    if options:  # --prompt-option while tuning: the prompt file's limits overridden for this run
        from dataclasses import replace

        p = answerer.completion_prompt
        answerer.completion_prompt = replace(p, options=tuple(sorted({**dict(p.options), **options}.items())))
    threads = getattr(answerer.llm, "n_threads", 0)
    answerer.warm_up()
    flt = Filters.for_role("officer", Filters(kinds=["regulation"]))
    answerer.ask("여행자 휴대품 면세 한도", flt)  # warm: Kiwi, BM25, Chroma, the model's first call
    load_s = time.perf_counter() - t0
    # the reply's markers number the passages the model was shown
    n_shown = answerer.completion_prompt.option("max_passages", 3) if answerer.prompt_style == "completion" else 6
    records = []
    for row in [*questions, *unanswerable]:
        start = time.perf_counter()
        cpu0 = time.process_time()
        cpu_first = None
        stamps: list[float] = []
        raw = ""
        final = None
        for item in answerer.stream(row["question"], flt):
            if isinstance(item, Answer):
                final = item
            else:
                stamps.append(time.perf_counter() - start)
                cpu_first = time.process_time() - cpu0 if cpu_first is None else cpu_first
                raw += item
        assert final is not None
        want = (row.get("source"), article_of(row.get("locator", "")))
        cited = [(c.source, article_of(c.locator)) for c in final.citations]
        markers = {int(n) for n in MARKER.findall(final.answer)}
        records.append({
            "id": row["id"], "answerable": "source" in row, "mode": final.mode, "grounded": final.grounded,
            "valid_citation": bool(final.citations) and markers <= {c.n for c in final.citations} and bool(markers),
            "right": final.grounded and want in cited, "refused": not final.grounded,
            "raw_marker": mode != "extractive" and validate_markers(raw, n_shown).has_citation,
            "korean": hangul_share(final.answer) >= 0.6,
            "first_s": stamps[0] if stamps else time.perf_counter() - start,
            # CPU seconds to the first token over the threads: what the wall time would be with the cores
            # to itself (llama.cpp's threads spin while waiting, so this errs on the slow side)
            "first_cpu_s": (cpu_first or 0.0) / threads if threads else None,
            "tokens": len(stamps), "gen_s": (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0,
            "total_s": time.perf_counter() - start,
            "raw": raw, "answer": final.answer, "warnings": final.warnings,
        })
    return {"mode": mode, "load_s": load_s, "records": records, "peak_rss_mb": peak_rss_mb(),
            "describe": answerer.llm.describe() if answerer.llm else "extractive"}


def summarise(result: dict, llm_mode: str) -> dict:
    recs = result["records"]
    ans = [r for r in recs if r["answerable"]]
    una = [r for r in recs if not r["answerable"]]
    own = [r for r in ans if r["mode"] == llm_mode]
    firsts = [r["first_s"] for r in ans if not r["refused"]] or [r["first_s"] for r in ans]
    cpu_firsts = [r["first_cpu_s"] for r in ans if r.get("first_cpu_s") is not None and not r["refused"]]
    rates = [(r["tokens"] - 1) / r["gen_s"] for r in ans if r["gen_s"] > 0]
    share = lambda xs, key: sum(bool(x[key]) for x in xs) / len(xs) if xs else float("nan")  # noqa: E731
    return {
        "mode": result["mode"], "questions": len(ans), "unanswerable": len(una),
        "valid_citation": share(ans, "valid_citation"),
        "llm_answered": len(own) / len(ans) if ans and llm_mode != "none" else float("nan"),
        "raw_marker": share(ans, "raw_marker") if llm_mode != "none" else float("nan"),
        "right_article": share(ans, "right"),
        "right_article_llm": share(own, "right") if llm_mode != "none" else float("nan"),
        "refused_unanswerable": share(una, "refused"),
        "grounded_without_citation": sum(r["grounded"] and not r["valid_citation"] for r in recs),
        "korean_llm": share(own, "korean") if llm_mode != "none" else float("nan"),
        "first_token_p50_s": statistics.median(firsts), "first_token_p95_s": percentile(firsts, 0.95),
        "first_token_cpu_p50_s": statistics.median(cpu_firsts) if cpu_firsts else float("nan"),
        "tokens_per_s": statistics.median(rates) if rates else float("nan"),
        "peak_rss_mb": result["peak_rss_mb"] + result.get("server_rss_mb", 0.0),
        "load_s": result["load_s"], "describe": result["describe"],
    }


def _serve(model_path: Path) -> tuple[subprocess.Popen, str, object]:
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tempfile.TemporaryFile()
    threads = str(len(os.sched_getaffinity(0)))
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--model_alias",
                             "gemma3-270m", "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
                             "--n_threads", threads, "--n_threads_batch", threads],
                            stdout=subprocess.DEVNULL, stderr=log, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise SystemExit(f"llama_cpp.server exited: {log.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(base + "/models", timeout=1, trust_env=False).status_code == 200:
                return proc, base, log
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("llama_cpp.server did not start in 300 s")


def run_mode(mode: str, home: Path, qfile: Path, model: str, options: list[str]) -> dict:
    server = None
    base = None
    if mode == "openai":
        from assistant.llm.packaged import model_file, packaged

        pm = packaged(model)
        if pm is None:
            raise SystemExit(f"--model {model}: only packaged models can be served by this benchmark")
        server, base, log = _serve(model_file(pm))
    try:
        cmd = [sys.executable, __file__, "--worker", mode, "--home", str(home), "--qfile", str(qfile), "--model", model]
        if base:
            cmd += ["--base-url", base]
        for o in options:
            cmd += ["--prompt-option", o]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit(f"{mode} worker failed:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        if server is not None:
            result["server_rss_mb"] = peak_rss_mb(server.pid)
        return result
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


def fmt(v: float, pct: bool = True) -> str:
    if v != v:  # NaN
        return "—"
    return f"{v * 100:.0f} %" if pct else f"{v:.2f}"


def table(summaries: list[dict]) -> str:
    cols = [("valid citation", "valid_citation", True), ("LLM answered", "llm_answered", True),
            ("raw [n]", "raw_marker", True), ("right article", "right_article", True),
            ("right (LLM own)", "right_article_llm", True), ("refused unans.", "refused_unanswerable", True),
            ("grounded w/o cit.", "grounded_without_citation", None), ("Korean (LLM)", "korean_llm", True),
            ("1st token p50 s", "first_token_p50_s", False), ("p95 s", "first_token_p95_s", False),
            ("p50 CPU/threads s", "first_token_cpu_p50_s", False),
            ("tok/s", "tokens_per_s", False), ("peak RSS MB", "peak_rss_mb", None)]
    head = "| mode | n | " + " | ".join(c[0] for c in cols) + " |"
    lines = [head, "|" + "---|" * (len(cols) + 2)]
    for s in summaries:
        cells = []
        for _, key, pct in cols:
            v = s[key]
            cells.append(str(int(v)) if pct is None else fmt(v, pct))
        lines.append(f"| {s['mode']} | {s['questions']}+{s['unanswerable']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--llm", action="store_true")
    ap.add_argument("--home", type=Path)
    ap.add_argument("--split", choices=["heldout", "tune"], default="heldout")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--n-unanswerable", type=int, default=10)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--model", default="gemma3-270m", help="packaged model name (llm.model)")
    ap.add_argument("--json", type=Path, help="write per-question records and summaries here")
    ap.add_argument("--prompt-option", action="append", default=[], metavar="KEY=INT",
                    help="override a limit of prompts/answer_completion.yaml for this run (tuning only)")
    ap.add_argument("--worker", choices=MODES, help=argparse.SUPPRESS)
    ap.add_argument("--qfile", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--base-url", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        data = json.loads(args.qfile.read_text(encoding="utf-8"))
        options = {k: int(v) for k, v in (o.split("=", 1) for o in args.prompt_option)}
        print(json.dumps(worker(args.worker, args.home, data["questions"], data["unanswerable"], args.base_url,
                                args.model, options), ensure_ascii=False))
        return 0
    home = args.home
    if home is None or not (home / "index.sqlite").exists():
        home = home or Path(tempfile.mkdtemp(prefix="bench-answers-llm-"))
        for d in (ROOT / "corpora", ROOT / "bench" / "corpora"):
            subprocess.run([sys.executable, "-m", "ingest", "--home", str(home), "--quiet", str(d)], check=True, cwd=ROOT)
    questions, unanswerable = pick_questions(args.split, args.n, args.n_unanswerable)
    qfile = home / "bench-llm-questions.json"
    qfile.write_text(json.dumps({"questions": questions, "unanswerable": unanswerable}, ensure_ascii=False), encoding="utf-8")
    load = os.getloadavg()
    summaries, results = [], []
    for mode in args.modes.split(","):
        result = run_mode(mode, home, qfile, args.model, args.prompt_option)
        results.append(result)
        summaries.append(summarise(result, "none" if mode == "extractive" else mode))
        print(f"[{mode}] done: {summaries[-1]['describe']}", file=sys.stderr, flush=True)
    load_after = os.getloadavg()
    if args.prompt_option:
        print("prompt options:", " ".join(args.prompt_option))
    print(f"split={args.split} questions={len(questions)} unanswerable={len(unanswerable)} seed={SEED} "
          f"cores={len(os.sched_getaffinity(0))} load average before {load[0]:.2f} / after {load_after[0]:.2f}")
    print(table(summaries))
    if args.json:
        args.json.write_text(json.dumps({"summaries": summaries, "results": results, "load": [load, load_after]},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
