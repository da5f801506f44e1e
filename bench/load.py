"""Load test of the web app: N concurrent simulated officers through gradio_client, each logged in,
asking regulation questions and checking label photos (mixed), bounded in count and time.

    .venv/bin/python bench/load.py                      # temp home (corpora + label-bench lists), app on loopback
    .venv/bin/python bench/load.py --home H             # use an existing home (bench users are added to it)
    .venv/bin/python bench/load.py --url http://127.0.0.1:7860/ --user U --password P   # target a running app

Prints p50/p95/max latency per action and the error count. Label checks are also split by how the app
settled them (the badge's data-path): `barcode` (fast path, no OCR), `cache` (the same photo bytes seen
before, lists unchanged) and `ocr`. Targets (issue 12, 20 officers back to back on 2 cores): zero errors,
a barcode hit answered p95 <= 1 s, any label verdict p95 <= 6 s; chat p95 <= 2 s (issue 6).
`--no-repeat` draws every photo at most once (the verdict cache cannot help), a stricter run than the
default 30-photo pool. Loopback only; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_questions(limit: int = 200) -> list[str]:
    out = []
    for name in ("regulations.jsonl", "unanswerable.jsonl"):
        path = ROOT / "bench" / "questions" / name
        if path.exists():
            out += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out[:limit] or ["특송으로 들어온 건강기능식품 6병 초과면 어떻게 하나요?", "통관 보류 사유는 무엇인가요?"]


def badge_path(badge: object) -> str:
    """'barcode' | 'ocr' | 'cache' from the verdict badge's data-path attribute ('' when absent)."""
    import re

    m = re.search(r"data-path='([a-z]+)'", str(badge))
    return m.group(1) if m else ""


def server_seconds(summary: object) -> float | None:
    """The checker's own time from the verdict summary ("**처리 시간**: 1,234 ms"), in seconds."""
    import re

    m = re.search(r"([\d,]+) ms", str(summary))
    return int(m.group(1).replace(",", "")) / 1000 if m else None


def load_photos(limit: int = 30) -> list[Path]:
    manifest = ROOT / "bench" / "labels" / "manifest.json"
    if manifest.exists():
        items = json.loads(manifest.read_text(encoding="utf-8"))["images"]
        photos = [ROOT / "bench" / "labels" / i["file"] for i in items if i["file"].endswith((".jpg", ".png", ".webp"))]
        random.Random(7).shuffle(photos)
        return [p for p in photos if p.exists()][:limit]
    raise SystemExit("bench/labels/manifest.json 가 없습니다: python bench/make_labels.py 를 먼저 실행하세요")


def prepare_home(home: Path) -> None:
    if (home / "index.sqlite").exists():
        return
    paths = [str(ROOT / "corpora")]
    lists = ROOT / "bench" / "labels" / "lists"
    if lists.exists():
        paths.append(str(lists))
    print(f"색인 중: {' '.join(paths)} -> {home}", flush=True)
    subprocess.run([sys.executable, "-m", "ingest", "--home", str(home), "--quiet", *paths], check=True, cwd=ROOT)


def start_app(home: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "app.py", "--home", str(home), "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    import httpx

    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"app exited: {proc.stderr.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(1)
    proc.kill()
    raise SystemExit("app did not start within 180 s")


def share_ssl_context() -> None:
    """gradio_client makes a new httpx client for many of its calls (status polls, uploads), and each new
    client loads the CA bundle into a new SSL context: ≈ 40 % of this load generator's CPU in a profile,
    on the same two cores as the app, for loopback http:// that never uses it. Officers' browsers run on
    their own machines, so the simulated ones share one default context (built the same way)."""
    import functools

    import httpx._transports.default as transports

    make = transports.create_ssl_context
    shared = functools.lru_cache(maxsize=1)(make)

    def create(verify=True, cert=None, trust_env=True):  # type: ignore[no-untyped-def]
        if verify is True and cert is None and trust_env:
            return shared()
        return make(verify=verify, cert=cert, trust_env=trust_env)

    transports.create_ssl_context = create


def cpu_seconds(pid: int | None) -> dict[str, float]:
    """CPU seconds (user + system) so far of this load generator, the app process and the app's children (the
    OCR worker processes): where the two cores go during a run. The generator's share is not the app's cost:
    real officers' browsers run on their own machines."""
    import psutil

    def used(p: psutil.Process) -> float:
        t = p.cpu_times()
        return t.user + t.system

    out = {"generator": used(psutil.Process())}
    if pid is not None:
        try:
            app = psutil.Process(pid)
            out["app"] = used(app)
            workers = 0.0
            for child in app.children(recursive=True):
                try:
                    workers += used(child)
                except psutil.Error:  # a worker that ended on the way
                    pass
            out["workers"] = workers
        except psutil.Error:
            pass
    return out


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, help="home to serve (default: a temporary one built from corpora/)")
    ap.add_argument("--url", help="target an already running app instead of starting one")
    ap.add_argument("--user", help="with --url: an existing account (all simulated officers share it)")
    ap.add_argument("--password")
    ap.add_argument("--officers", type=int, default=20)
    ap.add_argument("--per-officer", type=int, default=8, help="actions per officer")
    ap.add_argument("--label-share", type=float, default=0.3, help="share of actions that are label checks")
    ap.add_argument("--time-limit", type=float, default=600, help="stop starting new actions after this many s")
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean pause between an officer's actions in s (uniform 0.5x-1.5x; 0 = back-to-back)")
    ap.add_argument("--warm", type=int, default=2, help="untimed warm-up actions of each kind before the run")
    ap.add_argument("--photos", type=int, default=30, help="size of the photo pool drawn from (with replacement)")
    ap.add_argument("--no-repeat", action="store_true", help="every label check gets a photo not checked before")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--new-ssl-contexts", action="store_true",
                    help="let gradio_client build a new SSL context per call, as before (costs the generator CPU)")
    args = ap.parse_args(argv)

    from gradio_client import Client, handle_file

    if not args.new_ssl_contexts:
        share_ssl_context()

    proc = None
    accounts: list[tuple[str, str]]
    if args.url:
        if not (args.user and args.password):
            ap.error("--url needs --user and --password")
        url, accounts = args.url, [(args.user, args.password)] * args.officers
    else:
        home = args.home or Path(tempfile.mkdtemp(prefix="load-home-"))
        prepare_home(home)
        from assistant.auth.users import UserStore

        store, accounts = UserStore(home), []
        for i in range(args.officers):
            name, pw = f"bench-{secrets.token_hex(3)}-{i}", secrets.token_urlsafe(12)
            store.add(name, "officer", pw)
            accounts.append((name, pw))
        port = free_port()
        print(f"앱 시작: {home} (127.0.0.1:{port})", flush=True)
        proc = start_app(home, port)
        url = f"http://127.0.0.1:{port}/"

    questions = load_questions()
    photos = load_photos(10_000 if args.no_repeat else args.photos)
    unused = list(photos)
    results: list[tuple[str, float, str | None, float]] = []  # (action, seconds, error, start since the run began)
    origin = time.perf_counter()  # reset when the timed run starts; the officers read it then
    server: list[tuple[str, float]] = []  # (label path, the checker's own seconds): the rest is transport and queueing
    lock = threading.Lock()
    deadline = time.time() + args.time_limit

    def pick_photo(rnd: random.Random) -> Path:
        if not args.no_repeat:
            return rnd.choice(photos)
        with lock:
            if not unused:
                raise RuntimeError("--no-repeat: not enough photos for the label checks asked for")
            return unused.pop()

    def act(client: Client, kind: str, rnd: random.Random) -> str:
        if kind == "label":
            out = client.predict([handle_file(str(pick_photo(rnd)))], None, api_name="/check_label")
            parts = out if isinstance(out, (list, tuple)) else [out]
            how = "label_" + (badge_path(parts[0]) or "unknown")
            took = server_seconds(parts[1]) if len(parts) > 1 else None
            if took is not None:
                with lock:
                    server.append((how, took))
            return how
        client.predict(rnd.choice(questions), api_name="/ask")
        return kind

    def connect(account: tuple[str, str]) -> Client:
        return Client(url, auth=account, verbose=False, analytics_enabled=False, download_files=False,
                      httpx_kwargs={"timeout": 120})

    def officer(i: int) -> None:
        rnd = random.Random(i)
        t0 = time.perf_counter()
        try:
            client = connect(accounts[i])
        except Exception as exc:
            with lock:
                results.append(("login", time.perf_counter() - t0, f"{type(exc).__name__}: {exc}"[:200], t0 - origin))
            return
        with lock:
            results.append(("login", time.perf_counter() - t0, None, t0 - origin))
        for _ in range(args.per_officer):
            if time.time() > deadline:
                break
            if args.think:
                time.sleep(rnd.uniform(0.5, 1.5) * args.think)
            kind = "label" if rnd.random() < args.label_share else "chat"
            t0 = time.perf_counter()
            error = None
            try:
                how = act(client, kind, rnd)
            except Exception as exc:  # every failure is counted, none hidden
                error, how = f"{type(exc).__name__}: {exc}"[:200], kind
            with lock:
                results.append((kind, time.perf_counter() - t0, error, t0 - origin))
                if how != kind:
                    results.append((how, time.perf_counter() - t0, error, t0 - origin))

    try:
        warm = connect(accounts[0])
        for j in range(args.warm):
            act(warm, "chat", random.Random(100 + j))
            act(warm, "label", random.Random(200 + j))
        cpu_before = cpu_seconds(proc.pid if proc is not None else None)
        started = origin = time.perf_counter()
        with ThreadPoolExecutor(args.officers) as pool:
            list(pool.map(officer, range(args.officers)))
        wall = time.perf_counter() - started
        cpu_after = cpu_seconds(proc.pid if proc is not None else None)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)

    primary = [r for r in results if not r[0].startswith("label_")]
    summary = {"officers": args.officers, "think_s": args.think, "label_share": args.label_share,
               "photo_pool": "no repeat" if args.no_repeat else len(photos), "actions": len(primary),
               "wall_s": round(wall, 1), "errors": sum(1 for r in primary if r[2]), "load_avg": os.getloadavg(),
               "by_action": {},
               "cpu_s": {k: round(cpu_after[k] - cpu_before.get(k, 0.0), 1) for k in cpu_after}}
    print(f"\n{args.officers} officers, think {args.think:g} s, label share {args.label_share:g}, photos "
          f"{summary['photo_pool']}: {len(primary)} actions in {wall:.1f} s (load average {os.getloadavg()[0]:.1f})")
    print("CPU seconds in the run: " + ", ".join(f"{k} {v:.1f}" for k, v in summary["cpu_s"].items())
          + f" (cores busy {sum(summary['cpu_s'].values()) / max(wall, 1e-9):.2f} of {os.cpu_count()})")
    print(f"{'action':14} {'n':>5} {'p50 s':>8} {'p95 s':>8} {'max s':>8} {'errors':>7}")
    kinds = ["login", "chat", "label"] + sorted({r[0] for r in results if r[0].startswith("label_")})
    for kind in kinds:
        ok = [d for k, d, e, _ in results if k == kind and not e]
        errs = [e for k, _, e, _ in results if k == kind and e]
        row = {"n": len(ok) + len(errs), "p50_s": round(pct(ok, 0.5), 3), "p95_s": round(pct(ok, 0.95), 3),
               "max_s": round(max(ok), 3) if ok else None, "errors": len(errs),
               # every action: [start s since the run began, seconds] (when the slow ones happened)
               "samples": [[round(at, 2), round(d, 3)] for k, d, _, at in results if k == kind]}
        summary["by_action"][kind] = row
        inside = [d for k, d in server if k == kind]
        if inside:
            row["checker_p50_s"], row["checker_p95_s"] = round(pct(inside, 0.5), 3), round(pct(inside, 0.95), 3)
        extra = f"   checker {row['checker_p50_s']:.2f} / {row['checker_p95_s']:.2f}" if inside else ""
        print(f"{kind:14} {row['n']:>5} {row['p50_s']:>8.2f} {row['p95_s']:>8.2f} {row['max_s'] or 0:>8.2f} {len(errs):>7}{extra}")
        for e in errs[:3]:
            print(f"   error: {e}")
    # the same figures without the opening burst (all officers logging in at the same instant): only actions
    # started after the last login had finished
    logins = [at + d for k, d, _, at in results if k == "login"]
    settled = max(logins) if logins else 0.0
    summary["after_logins"] = {"from_s": round(settled, 2), "by_action": {}}
    print(f"after the last login finished ({settled:.1f} s into the run):")
    for kind in kinds[1:]:
        late = [d for k, d, e, at in results if k == kind and not e and at >= settled]
        if late:
            summary["after_logins"]["by_action"][kind] = {"n": len(late), "p50_s": round(pct(late, 0.5), 3),
                                                          "p95_s": round(pct(late, 0.95), 3), "max_s": round(max(late), 3)}
            print(f"{kind:14} {len(late):>5} {pct(late, 0.5):>8.2f} {pct(late, 0.95):>8.2f} {max(late):>8.2f}")
    slow = sorted(summary["by_action"].get("label_barcode", {}).get("samples", []), key=lambda x: -x[1])[:5]
    if slow:
        print("slowest barcode hits (started at s → took s): " + ", ".join(f"{a:.1f} → {d:.2f}" for a, d in slow))
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
