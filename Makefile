# Ting: `make run` starts the demo, `make test` runs the whole suite (SQLite, then PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres bench lint translations screenshots browser node postgres clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

# The app and what it needs to run.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	touch $@

# Plus what tests, lint and benchmarks need.
$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/ting serve --demo --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (Playwright must not download its own).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; \
	fi

# Node.js runs the real OpenID provider of the sign-in tests (tests/oidc, pinned by its lockfile).
node:
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nodejs npm; \
	  else echo "The sign-in tests need Node.js: sudo apt-get install -y nodejs npm" >&2; exit 1; fi; \
	fi

tests/oidc/node_modules/.installed: tests/oidc/package.json tests/oidc/package-lock.json | node
	npm ci --prefix tests/oidc --no-audit --no-fund --silent
	touch $@

# PostgreSQL runs on this project's machines; start it if it has stopped.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || \
	  { command -v pg_ctlcluster >/dev/null && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | tail -n 1) main start; } || \
	  { echo "PostgreSQL is not running at 127.0.0.1:5432" >&2; exit 1; }

test-sqlite: $(VENV)/.installed-dev browser tests/oidc/node_modules/.installed
	$(BIN)/pytest

test-postgres: $(VENV)/.installed-dev browser postgres tests/oidc/node_modules/.installed
	TING_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest

# Both databases side by side (their output one after the other): half the wall time. Either
# failing, or collecting no test at all (pytest's exit 5), fails the target.
test: $(VENV)/.installed-dev browser postgres tests/oidc/node_modules/.installed
	@TING_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -p no:cacheprovider \
	  > test-results-postgres.log 2>&1 & postgres=$$!; \
	echo "== SQLite (PostgreSQL runs beside it; its output follows) =="; \
	$(BIN)/pytest; sqlite=$$?; \
	wait $$postgres; pg=$$?; \
	echo "== PostgreSQL =="; cat test-results-postgres.log; \
	echo "SQLite: exit $$sqlite; PostgreSQL: exit $$pg"; \
	test $$sqlite -eq 0 && test $$pg -eq 0

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy app
	$(BIN)/lint-imports
	$(BIN)/python scripts/translations.py check

# Current screenshots of the main pages, desktop and phone, for docs/ and the README.
screenshots: $(VENV)/.installed-dev browser
	$(BIN)/python scripts/screenshots.py

# After changing a UI string: extract, merge into every catalogue, compile. Then translate
# what `make lint` reports as untranslated.
translations: $(VENV)/.installed-dev
	$(BIN)/python scripts/translations.py update

bench: $(VENV)/.installed-dev postgres
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
	  else echo "make bench needs wrk: sudo apt-get install -y wrk" >&2; exit 1; fi; }
	$(BIN)/python -m bench.my_things
	BENCH_POSTGRES_URL=$(PG_TEST_URL) $(BIN)/python -m bench.dashboard
	BENCH_POSTGRES_URL=$(PG_TEST_URL) $(BIN)/python -m bench.forum_search
	BENCH_POSTGRES_URL=$(PG_TEST_URL) $(BIN)/python -m bench.final_session
	BENCH_POSTGRES_URL=$(PG_TEST_URL) $(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) tests/oidc/node_modules ting.db ting.db-wal ting.db-shm .pytest_cache .mypy_cache .ruff_cache
