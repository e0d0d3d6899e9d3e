# pacewise: the two commands are `make run` and `make test`; both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
STAMP := $(VENV)/.installed
# The browser tests' tools: Debian's Chromium (never a downloaded build) and axe-core, pinned.
CHROMIUM := /usr/bin/chromium
AXE := tests/browser/node_modules/axe-core/axe.min.js
# The PDF report tests render pages with poppler's pdftoppm and read text with pdftotext.
PDFTOPPM := /usr/bin/pdftoppm

.PHONY: run test screenshots lint bench bench-api bench-importers bench-import-apple install lock format clean

# The web app on the default SQLite database, filled with the demo clinic on the first start.
run: $(STAMP)
	$(BIN)/pacewise demo

test: $(STAMP) $(CHROMIUM) $(AXE) $(PDFTOPPM)
	$(BIN)/python -m pytest

# Pictures of the main pages, desktop and phone, for README (run by hand, then commit docs/).
screenshots: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m tests.browser.screenshots docs/screenshots

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/api.py $(BENCH_API_ARGS)
	$(BIN)/python bench/importers.py $(BENCH_IMPORTERS_ARGS)
	$(BIN)/python bench/import_apple.py $(BENCH_IMPORT_APPLE_ARGS)

# The importers' parsers alone against a bare lxml parse (e.g. BENCH_IMPORTERS_ARGS=--quick).
bench-importers: $(STAMP)
	$(BIN)/python bench/importers.py $(BENCH_IMPORTERS_ARGS)

# `pacewise import` of a synthetic 1 GB Apple Health export against healthkit-to-sqlite.
bench-import-apple: $(STAMP)
	$(BIN)/python bench/import_apple.py $(BENCH_IMPORT_APPLE_ARGS)

# The JSON API under load on SQLite and PostgreSQL; e.g. `make bench-api BENCH_API_ARGS=--quick`.
bench-api: $(STAMP)
	$(BIN)/python bench/api.py $(BENCH_API_ARGS)

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

install: $(STAMP) $(CHROMIUM) $(AXE) $(PDFTOPPM)

$(CHROMIUM):
	@if [ "$$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi; \
	  $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

$(PDFTOPPM):
	@if [ "$$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi; \
	  $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y poppler-utils

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	@touch $@

# The virtual environment, rebuilt whenever the project or its pins change.
$(STAMP): pyproject.toml $(CONSTRAINTS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pacewise needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) pip hatchling editables
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) \
		--no-build-isolation -e ".[dev]"
	@touch $@

# Re-pin every dependency to the newest allowed versions (run by hand, then commit the file).
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip hatchling editables
	.lock-venv/bin/python -m pip install --quiet --no-build-isolation -e ".[dev]"
	{ echo "# Pinned versions of every dependency (runtime, dev and build). Regenerate with 'make lock'."; \
	  echo "pip==$$(.lock-venv/bin/python -m pip --version | cut -d' ' -f2)"; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^pacewise'; } > $(CONSTRAINTS)
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/browser/node_modules
