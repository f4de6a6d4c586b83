# Daifuku — the two commands a new user needs are `make demo` and `make test`.
# Everything is installed into .venv from PyPI; only Python 3.11+ is required.

PY ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SCALE ?= small
PYTEST_ARGS ?=

.PHONY: install demo test test-postgres bench serve worker lint messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PY)" || (echo "Python 3.11 or newer is required (python3.11, python3.12 …)"; exit 1)
	@test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

demo: install
	$(BIN)/daifuku migrate --noinput -v 0
	$(BIN)/daifuku demo
	$(BIN)/daifuku serve --host 127.0.0.1 --port 8000

test: install
	@echo "make test: the suite on SQLite, leaving out the tests marked postgres_only;"
	@echo "  run those (and the whole suite on PostgreSQL) with: make test-postgres"
	@echo "  (DAIFUKU_DATABASE_URL=postgres://user@host:5432/name, default postgres://postgres@127.0.0.1:5432/test)"
	$(BIN)/python -m pytest -q -n 2 -m "not postgres_only" $(PYTEST_ARGS)

# The same suite against PostgreSQL (CI runs this after `make test`).
test-postgres: install
	DAIFUKU_DATABASE_URL=$${DAIFUKU_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest -q -n 2 $(PYTEST_ARGS)

bench: install
	$(BIN)/daifuku bench --scale $(SCALE)

serve: install
	$(BIN)/daifuku serve

worker: install
	$(BIN)/daifuku worker

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	PYTHONPATH=src $(BIN)/mypy
	PYTHONPATH=src $(BIN)/lint-imports

# Recompile the translation catalogues after editing a .po file.
messages: install
	$(BIN)/python -m daifuku.core.i18n_tools compile

clean:
	rm -rf $(VENV) var build *.egg-info
