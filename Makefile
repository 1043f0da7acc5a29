# `make run`: the registry on the local stack.  `make test`: every test.
# Both create .venv and install what is missing into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint unit functional e2e bench clean chromium deploy
# The console tests drive Debian's Chromium (never a browser Playwright downloads).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m infra.local.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy chalicelib

unit: $(STAMP)
	$(BIN)/pytest tests/unit

functional: $(STAMP)
	$(BIN)/pytest tests/functional

e2e: $(STAMP) chromium
	$(BIN)/pytest tests/e2e

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the console tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

test: lint chromium
	$(BIN)/pytest tests

# Stand Pantry up in AWS (credentials and region from the environment).
deploy: $(STAMP)
	@test -n "$(STAGE)" || { echo "usage: make deploy STAGE=prod"; exit 2; }
	$(BIN)/python -m infra.deploy --stage $(STAGE)

bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
