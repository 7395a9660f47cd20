# OneStop kiosk — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
DEMO   ?= demo-data

.PHONY: run run-counter run-board test lint bench soak screenshots clean venv system-libs

# Debian packages Qt needs to open a window on X11 (its xcb plugin) and to draw text.
QT_DEBS := libegl1 libgl1 libfontconfig1 libglib2.0-0 libdbus-1-3 libxkbcommon0 \
	libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 fonts-dejavu-core \
	fonts-wqy-zenhei

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

## Qt's system libraries: installed when we may (root + apt), else the command is printed.
system-libs:
	@command -v dpkg-query >/dev/null 2>&1 || exit 0; \
	missing=""; for p in $(QT_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Qt's system libraries:$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing \
	    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; }; \
	else \
	  echo "OneStop's screens need these system libraries: sudo apt install$$missing"; exit 1; \
	fi

## Start the demo station: kiosk role, SQLite in ./demo-data, sample content, PDF spool,
## and beside it the reference agencies (127.0.0.1:8765-8767) its forms are sent to.
run: $(STAMP) system-libs
	$(VENV)/bin/kiosk agency-sim & sim=$$!; trap 'kill $$sim 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/kiosk demo --data-dir $(DEMO)

## The demo center's other stations, beside `make run` (same store): a counter
## console (sign in as demo / PIN 1234) and the waiting-room board.
run-counter: $(STAMP) system-libs
	$(VENV)/bin/kiosk demo --data-dir $(DEMO) --role counter

run-board: $(STAMP) system-libs
	$(VENV)/bin/kiosk demo --data-dir $(DEMO) --role display

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

## 2,000 submissions through a faulty agency while the worker is SIGKILLed (bench/soak.py).
soak: $(TSTAMP)
	$(PY) -m bench.soak --count 2000 --kills 8

screenshots: $(TSTAMP)
	QT_QPA_PLATFORM=offscreen KIOSK_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest tests/ui/test_screenshots.py \
		tests/ui/test_form_screenshots.py tests/ui/test_keyboard.py tests/kiosk/test_receipts.py \
		tests/ui/test_counter_screenshots.py tests/ui/test_board_screenshots.py \
		tests/kiosk/test_reports.py tests/ui/test_technician_report.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
