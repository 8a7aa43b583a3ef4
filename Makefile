# The two commands the README names. Both set up what they need first (a virtualenv in
# .venv with dbadmin and its test dependencies), so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint screenshots setup clean

run: setup  ## the console on the embedded default: http://127.0.0.1:8080/admin
	$(VENV)/bin/dbadmin serve

test: setup  ## the whole test suite (services, CLI, browser)
	scripts/ensure-chromium
	scripts/ensure-oidc-provider
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: setup  ## the layer contracts (import-linter), ruff's checks and format, and a type check of app/ (mypy)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check app tests bench scripts
	$(VENV)/bin/ruff format --check app tests bench scripts
	$(VENV)/bin/mypy app

screenshots: setup  ## refresh docs/screenshots/ from the browser tests
	scripts/ensure-chromium
	scripts/ensure-oidc-provider
	DBADMIN_SCREENSHOTS=$(CURDIR)/docs/screenshots $(VENV)/bin/python -m pytest tests/ui \
		tests/test_neon.py::test_the_console_restores_prod_to_a_time_with_the_phrase

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache test-results
