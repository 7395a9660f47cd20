# OneStop kiosk — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
DEMO   ?= demo-data

.PHONY: run test lint bench screenshots clean venv

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(TSTAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP) $@

venv: $(STAMP)

## Start the demo station: kiosk role, SQLite in ./demo-data, sample content, PDF spool.
run: $(STAMP)
	$(VENV)/bin/kiosk demo --data-dir $(DEMO)

## Run the whole suite headless.
test: $(TSTAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: $(TSTAMP)
	$(VENV)/bin/ruff check kiosk ui offline_cache printing tests bench
	$(VENV)/bin/ruff format --check kiosk ui offline_cache printing tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(TSTAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

screenshots: $(TSTAMP)
	QT_QPA_PLATFORM=offscreen KIOSK_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest tests/ui/test_screenshots.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
