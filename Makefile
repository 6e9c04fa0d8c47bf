# One command per job; each creates .venv and installs smmkit on first use.
SHELL := /bin/bash
# The interpreter .venv is made from (python3 on PATH; `make PYTHON=...` chooses another).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.smmkit-installed
PYTEST_WORKERS ?= 2

.PHONY: handouts lab lab-trainer lab-authors app room test check lint format sysdeps clean

# --clear: a .venv made by another interpreter (an older rule used Debian's) must not be mixed.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

## The main job: participant and trainer handouts (HTML + PDF), exercises/ and solutions/
handouts: $(STAMP) sysdeps
	$(BIN)/smmkit build

## JupyterLab (German) for participants, on their working copy arbeitsordner/ (git-ignored):
## the exercise edition, copied in only where a notebook is missing (their work is never overwritten)
lab: $(STAMP)
	$(BIN)/smmkit lab

## The same for trainers: the solution edition (with trainer notes) in arbeitsordner-trainer/
lab-trainer: $(STAMP)
	$(BIN)/smmkit lab --edition solution

## For authors: JupyterLab on the sources in notebooks/ (commit them without outputs)
lab-authors: $(STAMP)
	$(BIN)/smmkit lab --sources

## The modules as apps (Voilà): no code visible, widgets only, no trainer notes
app: $(STAMP)
	$(BIN)/smmkit build --edition app --no-pdf --quiet
	$(BIN)/smmkit app build/de/app

## The workshop room: participants join from their own devices (see docs/workshop-raum.md)
room: $(STAMP)
	$(BIN)/smmkit room

## Validate the content bank and the notebooks' references
check: $(STAMP)
	$(BIN)/smmkit check --strict

## System packages the tests need (Debian chromium, poppler-utils, fonts)
sysdeps:
	bash scripts/ensure-system-deps.sh

## Everything CI runs: lint, content check, the whole test suite
test: $(STAMP) sysdeps
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/smmkit check --strict
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks tools
	$(BIN)/ruff check --fix src tests benchmarks tools

clean:
	rm -rf $(VENV) build .pytest_cache  # never arbeitsordner*/: participants' work
