# The two commands the README names. Both set up what they need first (a virtualenv in
# .venv with dbadmin, and for the tests their dependencies too), so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
SUM := $(shell cksum pyproject.toml | cut -d' ' -f1)
STAMP := $(VENV)/.installed-test-$(SUM)
SERVE_STAMP := $(VENV)/.installed-serve-$(SUM)
# A worker per core (at most 4), each with its own embedded PostgreSQL, browser and ports; a
# file's tests stay on one worker, so its module fixtures (a served console) start once.
XDIST := -n auto --maxprocesses=4 --dist loadfile

.PHONY: run test compat lint screenshots setup setup-serve clean

run: setup-serve  ## the console on the embedded default: http://127.0.0.1:8080/admin
	$(VENV)/bin/dbadmin serve

test: setup  ## the whole test suite (services, CLI, browser)
	scripts/ensure-chromium
	scripts/ensure-oidc-provider
	$(VENV)/bin/python -m pytest $(XDIST) -m "not compat" --durations=25 $(PYTEST_ARGS)  # the slowest, for keeping CI short

compat: setup  ## real applications' migration projects (tests/compat/): each in its own virtualenv, kept between runs
	$(VENV)/bin/python -m pytest -n auto --maxprocesses=4 --dist load -m compat tests/compat --durations=0 $(PYTEST_ARGS)
	$(VENV)/bin/python tests/compat/table.py

lint: setup  ## the layer contracts (import-linter), ruff's checks and format, and a type check of app/ (mypy)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check app tests bench scripts
	$(VENV)/bin/ruff format --check app tests bench scripts
	$(VENV)/bin/mypy app

screenshots: setup  ## refresh docs/screenshots/ from the browser tests
	scripts/ensure-chromium
	scripts/ensure-oidc-provider
	DBADMIN_SCREENSHOTS=$(CURDIR)/docs/screenshots $(VENV)/bin/python -m pytest tests/ui \
		tests/services/checkpoints/test_neon.py::test_the_console_restores_prod_to_a_time_with_the_phrase

setup: $(STAMP)  ## dbadmin and everything the tests and lint need

setup-serve: $(SERVE_STAMP)  ## dbadmin and only what serving it needs

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-test-* && touch $(STAMP) $(SERVE_STAMP)

$(SERVE_STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-serve-* && touch $(SERVE_STAMP)

clean:
	rm -rf $(VENV) .pytest_cache test-results
