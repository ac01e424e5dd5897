# One entry point per habit. Needs only Python 3.11+ (and git): `make venv` installs the rest.
#
#   make demo    run the pipeline on the demo dataset in data/raw/ and show what it made
#   make test    run the test suite
#   make lint    ruff check, ruff format --check, mypy
#   make bench   end-to-end benchmark of every stage (SIZES="1000000 10000000"; bench-stages: per stage)
#   make clean   remove caches and build output (keeps .venv and the DVC outputs)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: help venv demo test lint bench bench-stages clean

help:
	@sed -n '3,7s/^#//p' $(firstword $(MAKEFILE_LIST))

# --- environment -----------------------------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "labelrelease needs Python 3.11 or newer; run: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(STAMP)

# --- demo --------------------------------------------------------------------------------------

define PULL_SUMMARY
import json
with open("reports/pull.json", encoding="utf-8") as f:
    counts = json.load(f)
print("\npull counts (reports/pull.json): in = taken + quarantined")
reasons = {}
for kind, c in counts.items():
    if isinstance(c, dict) and "in" in c:
        print(f"  {kind:<12} in {c['in']:>6}   taken {c['taken']:>6}   quarantined {c['quarantined']:>5}")
        for reason, n in (c.get("reasons") or {}).items():
            reasons[reason] = reasons.get(reason, 0) + n
if reasons:
    print("quarantine reasons: " + ", ".join(f"{r} {n}" for r, n in sorted(reasons.items())))
endef
export PULL_SUMMARY

demo: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro
	@$(BIN)/python -c "$$PULL_SUMMARY"
	@echo
	@echo "what each stage made (labelrelease status):"
	@$(BIN)/labelrelease status
	@echo
	@echo "releases (data/releases/, DVC-tracked) and the change log's newest entry:"
	@ls data/releases
	@sed -n '/^## /,/^### Changes/p' CHANGELOG.md | head -n 14

# --- habits ------------------------------------------------------------------------------------

test: venv
	$(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

SIZES ?= 1000000
REPEAT ?= 3

# Every stage of dvc.yaml on a generated project of each size (labels), beside the baseline.
bench: venv
	nice $(BIN)/python benchmarks/e2e/run.py --labels $(SIZES) --repeat $(REPEAT)

# The per-stage benchmarks (pull on Label Studio, COCO and WebVTT exports).
bench-stages: venv
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/run_coco.py
	$(BIN)/python benchmarks/run_vtt.py

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build dist benchmarks/out src/*.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf
