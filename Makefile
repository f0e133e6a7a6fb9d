# Antrag — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
WORKERS ?= 4

.PHONY: run serve test test-postgres lint format venv migrate demo clean bench translations

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Antrag needs Python 3.11 or newer"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# axe-core for the accessibility tests, from npm; without npm those tests skip (fail in CI).
NODE_STAMP := node_modules/.installed-stamp
$(NODE_STAMP): package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund && touch $(NODE_STAMP); \
	else echo "npm not found: the accessibility tests (axe-core) will be skipped"; fi

## make run: set everything up and serve the demo on http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) demo logins --url http://127.0.0.1:$(PORT)
	PORT=$(PORT) DEV_WORKER=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

## make serve: migrate, then serve with gunicorn ($(WORKERS) workers) on 127.0.0.1:$(PORT)
## against DATABASE_URL (default: the SQLite file in the instance folder)
serve: $(STAMP)
	$(FLASK) db upgrade
	WORKERS=$(WORKERS) $(BIN)/gunicorn --config gunicorn.conf.py --workers $(WORKERS) \
		--bind 127.0.0.1:$(PORT) wsgi:app

## make test: set up and run the whole suite (lint included), on all CPUs (pytest-xdist)
PYTEST := $(BIN)/python -m pytest -n auto
test: $(STAMP) $(NODE_STAMP) lint
	$(PYTEST)

## make test-postgres: the same suite on PostgreSQL (starts a throwaway server unless
## TEST_DATABASE_URL names one)
test-postgres: $(STAMP) $(NODE_STAMP)
	@url="$${TEST_DATABASE_URL:-$$(tools/pgserver.sh start)}" && \
	echo "Running the suite on $$url" && \
	TEST_DATABASE_URL="$$url" $(PYTEST)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(STAMP)
	$(FLASK) db upgrade

## make bench: run the benchmarks by hand (figures in bench/README.md; not part of `make test`)
bench: $(STAMP)
	$(BIN)/python bench/transition_throughput.py
	$(BIN)/python bench/queue_scaling.py
	$(BIN)/python bench/inbox_scaling.py
	$(BIN)/python bench/memory.py --fast
	$(BIN)/python bench/cpu_per_transition.py

## make translations: extract the German msgids (templates, Python, workflow labels), update
## the English catalog and compile it; then translate the new entries in
## antrag/translations/en/LC_MESSAGES/messages.po and run it again. The compiled .mo is kept
## in the tree, so `make run` and `make test` need no build step.
TRANSLATIONS := antrag/translations
translations: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k N_ \
		--add-location=file --sort-output --project=Antrag --no-wrap \
		-o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel -q update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l en \
		--no-fuzzy-matching --ignore-obsolete --no-wrap
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -l en --statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
