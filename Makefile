# `make test` and `make demo` work from a fresh clone with only Python installed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BASE_STAMP := $(VENV)/.installed-base
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: test lint unit demo bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(BASE_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(BASE_STAMP)

test: lint unit

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

unit: $(DEV_STAMP)
	$(PY) -m pytest -q

demo: $(BASE_STAMP)
	$(VENV)/bin/serendip demo

bench: $(DEV_STAMP)
	$(PY) bench/ingest.py
	$(PY) bench/fetch.py
	$(PY) bench/digest.py --scale 0.1
	$(PY) bench/digest.py --workspaces 50 --scale 0.1
	$(PY) bench/search.py --scale 0.05
	$(PY) bench/import.py --scale 0.05

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
