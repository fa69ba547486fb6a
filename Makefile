# Two commands on a fresh machine with Python >= 3.11 and make:  `make run`  and  `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist processes (each with its own test database, Celery queue and cache keys); 0 runs in one.
PYTEST_WORKERS ?= auto

ifeq ($(CI),true)
# A password works both with trust auth (ignored) and with Debian's default scram (ensure_services sets it).
export DATABASE_URL ?= postgres://postgres:postgres@127.0.0.1:5432/gemba
# Redis DB 1: tests purge their queue, which must not be a developer's `make run` queue (DB 0).
export REDIS_URL ?= redis://127.0.0.1:6379/1
endif

.PHONY: run test lint check-layers services clean help catalogs messages

help:
	@echo "make run   - install, migrate, seed the demo and serve the site with a Celery worker and beat"
	@echo "make test  - run the whole test suite (CI=true: PostgreSQL, Redis and Chromium are required)"
	@echo "make messages - update the translation catalogs from the sources (then translate what is new)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Gemba needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

var:
	mkdir -p var/broker/processed

# The .mo files Django reads, compiled from the committed .po catalogs with Babel (no GNU gettext needed).
catalogs: $(VENV)/.installed
	$(PY) manage.py catalogs compile

# After changing translatable text: bring every catalog up to date with the sources, then translate the new entries.
messages: $(VENV)/.installed
	$(PY) manage.py catalogs extract

run: $(VENV)/.installed var catalogs
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	@bash scripts/run.sh $(HOST) $(PORT)

services:
ifeq ($(CI),true)
	bash scripts/ensure_services.sh
endif

test: $(VENV)/.installed var services catalogs
	$(PY) -m ruff check .
	@if [ -f ../shared/tools/check_layers.py ]; then $(PY) ../shared/tools/check_layers.py .; else echo "layer check skipped: ../shared/tools/check_layers.py not present"; fi
	DATABASE_URL=sqlite:// $(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(PY) -m pytest --ds=config.settings.test -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check . || true

clean:
	rm -rf var staticfiles .pytest_cache
