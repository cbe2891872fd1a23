# Waymark's everyday commands. `make help` lists them.

SHELL := /bin/bash
# A pipeline fails when any part fails: `seed_demo | tee` must stop `make run` if seeding fails.
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PYTHON := $(VENV)/bin/python
# The stamp records that the pinned requirements are installed; pip runs again only when
# a requirements file is newer than it.
INSTALLED := $(VENV)/.installed
# The languages with a catalogue in locale/: all ten but English, the language of the source.
TRANSLATED := ar fa ps ckb ti am ur fr uk
# Parallel test processes: one per core.
TEST_WORKERS ?= auto
# The database `make test-postgres` uses (its role needs CREATEDB: pytest creates test_* databases).
POSTGRES_URL ?= postgres://waymark:waymark@127.0.0.1:5432/waymark
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --no-header --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: help venv run test test-browser test-postgres lint format bench requirements messages clean

help: ## List the make targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(PYTHON):
	@python=$$(bin/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python ($$($$python --version))"; \
	"$$python" -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

$(INSTALLED): requirements.txt requirements-dev.txt | $(PYTHON)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(INSTALLED) ## Create .venv (Python 3.12+) and install the pinned requirements when they changed

run: export WAYMARK_DEMO = 1
run: venv ## Start Waymark with demo data at http://127.0.0.1:8000, with the task worker and the scheduler
	$(PYTHON) manage.py migrate --verbosity 0
	$(PYTHON) manage.py createcachetable
	$(PYTHON) manage.py seed_demo | tee $(VENV)/demo-logins.txt
	bin/run-dev $(VENV)/demo-logins.txt

test: venv ## Run every test except the browser ones, in parallel, on DATABASE_URL (SQLite by default)
	$(PYTHON) -m pytest -m "not browser" -n $(TEST_WORKERS) -q

test-postgres: ## Run `make test` on PostgreSQL at POSTGRES_URL (default postgres://waymark:waymark@127.0.0.1:5432/waymark)
	DATABASE_URL='$(POSTGRES_URL)' $(MAKE) --no-print-directory test

test-browser: venv ## Run the browser tests in Debian's chromium (installed first if missing)
	bin/install-chromium
	$(PYTHON) -m pytest -m browser -q

lint: venv ## ruff check, ruff format --check, manage.py check, makemigrations --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PYTHON) manage.py check
	$(PYTHON) manage.py makemigrations --check --dry-run

format: venv ## Reformat the code and apply ruff's safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: venv ## Run every benchmark in bench/ and print the figures (not part of CI)
	$(PYTHON) bench/run_all.py

requirements: venv ## Regenerate the pinned requirements.txt and requirements-dev.txt from the .in files
	$(PIP_COMPILE) requirements.in
	$(PIP_COMPILE) --allow-unsafe requirements-dev.in

messages: venv ## Update the translation catalogues in locale/ (every language but English, the source), compile them
	$(PYTHON) manage.py makemessages $(foreach language,$(TRANSLATED),--locale $(language)) \
		--ignore '$(VENV)/*' --ignore 'staticfiles/*' --ignore 'bench/*' --ignore '*/tests/*'
	$(PYTHON) manage.py compilemessages --ignore '$(VENV)/*'

clean: ## Delete .venv, caches, collected static files and test output (keeps db.sqlite3, your local data)
	rm -rf $(VENV) staticfiles test-results .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
