# Groupement — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# The official CPV list, when the shared corpus sits beside the project; otherwise the built-in short list.
CPV_FILE ?= ../shared/corpus/cpv-2008/cpv_2008_fr_en.csv
# Local serving is plain HTTP: the session cookie cannot carry the Secure flag there.
RUN_ENV = GROUPEMENT_SESSION_COOKIE_SECURE=false GROUPEMENT_REMEMBER_COOKIE_SECURE=false

.PHONY: run test chromium lint format clean bench bench-register bench-notices bench-solver bench-consortium bench-documents bench-load bench-awards bench-impact

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

instance/secret_key:
	mkdir -p instance
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

run: $(VENV)/.runtime instance/secret_key
	$(RUN_ENV) $(FLASK) db upgrade
	$(RUN_ENV) $(FLASK) reference load --cpv "$(CPV_FILE)"
	$(RUN_ENV) $(FLASK) demo seed --companies 2000 --seed 1 --if-empty
	$(RUN_ENV) $(FLASK) impact demo --contracts 3000 --year 2025 --seed 1 --if-empty
	@echo "Groupement : http://$(HOST):$(PORT)"
	$(RUN_ENV) $(FLASK) run --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium: installed here when missing (CI runs as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium missing and not root: install it (apt-get install chromium) to run the browser tests"

test: $(VENV)/.dev chromium
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: bench-register bench-notices bench-solver bench-consortium bench-documents bench-load bench-awards bench-impact

# Demo register seeding and directory search, on SQLite then on PostgreSQL (GROUPEMENT_TEST_DATABASE_URL).
bench-register: $(VENV)/.dev
	$(BIN)/python -m benchmarks.register --backend sqlite
	@if [ -n "$$GROUPEMENT_TEST_DATABASE_URL" ]; then $(BIN)/python -m benchmarks.register --backend postgresql; \
	else echo "PostgreSQL skipped: set GROUPEMENT_TEST_DATABASE_URL"; fi

# Parsing the shared corpus against a bare lxml loop, and importing 1,000 notices.
bench-notices: $(VENV)/.dev
	$(BIN)/python -m benchmarks.notices

# The solver on realistic tenders against the 146,000-company demo register, with the greedy and naive baselines.
bench-solver: $(VENV)/.dev
	$(BIN)/python -m benchmarks.solver

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# First proposal on screen for 10-lot tenders against the 146,000-company register (SQLite), ours against naive.
bench-consortium: $(VENV)/.dev
	$(BIN)/python -m benchmarks.consortium

# The bid pack of a 6-member, 10-lot groupement against bare WeasyPrint.
bench-documents: $(VENV)/.dev
	$(BIN)/python -m benchmarks.documents

# 50 concurrent clients against gunicorn + PostgreSQL (GROUPEMENT_TEST_DATABASE_URL) with 146,000 companies and
# 1,000 tenders: tender list, a tender page, the company search.
bench-load: $(VENV)/.dev
	$(BIN)/python -m benchmarks.load

# Reading a generated 1,000,000-record DECP file (2022 format) against a bare ijson loop; then stored into SQLite.
bench-awards: $(VENV)/.dev
	$(BIN)/python -m benchmarks.awards

# The operator's « retombées » dashboard over 1,000,000 contracts and 146,000 companies against plain-SQL
# aggregations, on SQLite then on PostgreSQL (GROUPEMENT_TEST_DATABASE_URL).
bench-impact: $(VENV)/.dev
	$(BIN)/python -u -m benchmarks.impact --backend sqlite
	@if [ -n "$$GROUPEMENT_TEST_DATABASE_URL" ]; then $(BIN)/python -u -m benchmarks.impact --backend postgresql; \
	else echo "PostgreSQL skipped: set GROUPEMENT_TEST_DATABASE_URL"; fi
