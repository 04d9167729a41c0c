# The two set-up commands: `make run` (install, migrate, load seeds/, serve) and `make test`;
# `make test-fast` leaves out the slow, browser and PostgreSQL tests (pyproject.toml's markers).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= db/pingan.sqlite
PORT ?= 8001

.PHONY: run test test-fast install lint bench clean

run: $(VENV)/.installed
	$(BIN)/pingan init --db $(DB)
	$(BIN)/pingan load --db $(DB) seeds/
	$(BIN)/pingan serve --db $(DB) --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow and not browser and not postgres"

install: $(VENV)/.installed

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.created
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts
