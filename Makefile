# Talent Visa Navigator: `make run` serves the site, `make test` checks everything.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

# The test suite runs with production-like settings (DEBUG off) over plain HTTP, on the
# embedded PostgreSQL unless DATABASE_URL is set (DEBUG off refuses it without the opt-in).
TEST_ENV := DEBUG=false SECRET_KEY=test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz \
	ALLOWED_HOSTS=localhost,127.0.0.1,testserver SECURE_SSL_REDIRECT=false SECURE_COOKIES=false \
	SECURE_HSTS_SECONDS=0 EMBEDDED_DATABASE=true
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: help install install-dev run test lint typecheck migrations-check pytest browser bench \
	bench-soak lock load-content adviser stop-db clean ci messages

help:
	@echo "make run    serve the site on http://$(HOST):$(PORT)"
	@echo "make test   lint, type-check, migrations check and the whole test suite"
	@echo "make bench  load benchmark (production settings, gunicorn)"
	@echo "make bench-soak  the whole journey under load for 5 minutes (ARGS=\"--seconds 60\")"
	@echo "make adviser  create an immigration adviser login"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed, found " + sys.version.split()[0]' \
		|| { echo "Install Python 3.11 (e.g. 'apt-get install python3.11 python3.11-venv') and run again, or set PYTHON=/path/to/python3.11."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: requirements/base.txt requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	@$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	@$(RUN_ENV) $(BIN)/python manage.py createcachetable
	@$(RUN_ENV) $(BIN)/python manage.py load_visa_content
	@echo ""
	@echo "  Talent Visa Navigator: http://$(HOST):$(PORT)/"
	@echo "  Advisers' admin:       http://$(HOST):$(PORT)/admin/  (make an adviser login with 'make adviser')"
	@echo ""
	@$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

load-content: install
	@$(RUN_ENV) $(BIN)/python manage.py load_visa_content

adviser: install
	@$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	@$(RUN_ENV) $(BIN)/python manage.py createadviser

stop-db: install
	@$(RUN_ENV) DJANGO_SETTINGS_MODULE=config.settings $(BIN)/python -c 'from django.conf import settings; from config.database import embedded_server_stop; print("Embedded PostgreSQL stopped; its data stays in", settings.EMBEDDED_DATABASE_DIR) if embedded_server_stop(settings.EMBEDDED_DATABASE_DIR) else print("The embedded PostgreSQL was not running.")'

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(TEST_ENV) $(BIN)/mypy visas profiles config

migrations-check: install-dev
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

browser: install-dev
	@$(BIN)/python -m tests.browser_path >/dev/null 2>&1 || $(BIN)/python -m playwright install chromium >/dev/null 2>&1 || true
	@$(BIN)/python -m tests.browser_path

pytest: install-dev browser
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

ci: test

# ARGS passes options on, e.g. make bench ARGS=--quick, make bench-soak ARGS="--seconds 60".
bench: install-dev
	$(BIN)/python -m bench.run $(ARGS)

bench-soak: install-dev
	$(BIN)/python -m bench.soak $(ARGS)

# Translation catalogues (see "Adding a translation" in the README). Needs GNU gettext
# (Debian: apt-get install gettext). `make messages LOCALE=fr` starts or updates French;
# `make messages` updates every language in locale/. The database is not needed: a dummy
# DATABASE_URL keeps the settings from starting the embedded PostgreSQL.
LOCALE ?=
messages: install
	@command -v xgettext >/dev/null || { echo "makemessages needs GNU gettext: install it (Debian: apt-get install gettext)."; exit 1; }
	@mkdir -p locale
	DATABASE_URL=$${DATABASE_URL:-postgres://unused@localhost/unused} $(RUN_ENV) $(BIN)/python manage.py \
		makemessages $(if $(LOCALE),-l $(LOCALE),--all) \
		--ignore=.venv --ignore=staticfiles --ignore=.pgdata --ignore=tests

lock: install-dev
	$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links \
		--annotation-style=line -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links \
		--annotation-style=line --extra dev -c requirements/base.txt -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
