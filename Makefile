# The two commands of the README: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run test lint

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: setup
	$(BIN)/python -m mach.launch run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# mypy's Django plugin imports the settings, which need a database URL (never connected).
	DEBUG=1 DATABASE_URL=postgres://localhost/typecheck $(BIN)/mypy mach triage strategy_meetings safety_plans

test: lint
	$(BIN)/python -m mach.launch test
