# Two commands do all the setup on a fresh machine with Python >= 3.11:
#   make demo   - create .venv, install presswatch, run the demo on the bundled sample
#   make test   - create .venv, install presswatch with its test tools, run every test
#   make test-postgres - the same tests on a throwaway PostgreSQL server (needs Debian's postgresql)
#   make lint   - ruff (style and format), mypy (strict on src/) and lint-imports (the layers)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test test-postgres lint install

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/presswatch demo

test: install
	$(BIN)/python -m pytest

# The store-touching tests on a throwaway PostgreSQL server that the tests start (Debian's `postgresql` package
# must be installed); tests marked sqlite_only are skipped, modules that would test nothing new are left out
# (NOT_RERUN_ON_POSTGRES in tests/conftest.py). .ci/run calls it after `make test`.
test-postgres: install
	PRESSWATCH_TEST_DB=postgres $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests eval bench
	$(BIN)/ruff format --check src tests eval bench
	$(BIN)/mypy src/presswatch
	$(BIN)/lint-imports
