"""`python app.py [--home H] [--host ADDR] [--port P]` — serve the officer's web app.

Only wiring: settings -> Services -> build_app -> launch. Binds 127.0.0.1 unless --host says
otherwise; no share link, no analytics, nothing fetched from the internet.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported anywhere
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python app.py", description="세관 업무 도우미 웹 앱 (officer's web app)")
    parser.add_argument("--home", help="데이터 폴더 (기본: $ASSISTANT_HOME 또는 ./data)")
    parser.add_argument("--host", help="바인딩 주소 (기본 127.0.0.1; 사무실 망에 열려면 0.0.0.0)")
    parser.add_argument("--port", type=int, help="포트 (기본 7860)")
    args = parser.parse_args(argv)

    from assistant.errors import AssistantError
    from assistant.settings import load_settings

    try:
        settings = load_settings(args.home)
    except AssistantError as exc:
        print(f"오류: {exc}", file=sys.stderr)
        return exc.exit_code
    # uploads in flight stay inside the home, not in a shared /tmp
    os.environ.setdefault("GRADIO_TEMP_DIR", str(settings.home / "tmp"))

    from assistant.services import Services
    from assistant.ui import build_app, launch_app

    services = Services(settings, label_processes=True)
    if not services.users.has_admin():
        print("관리자 계정이 없습니다: `python -m assistant --home ... users ensure-admin` 를 먼저 실행하세요.",
              file=sys.stderr)
    threading.Thread(target=services.warm_up, name="warm-up", daemon=True).start()
    demo = build_app(services, settings)
    host, port = args.host or settings.app.host, args.port or settings.app.port
    print(f"세관 업무 도우미: http://{host}:{port}/  (로그인 필요, Ctrl+C 로 종료)", flush=True)
    launch_app(demo, services, host, port, quiet=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
