# The two commands a new user needs: `make run` (start the whole suite) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Every installable package of the repo: the shared libraries, the tools, each service that exists.
PACKAGES := contracts kit tools $(patsubst %/pyproject.toml,%,$(wildcard services/*/pyproject.toml))
STAMP := $(VENV)/.installed
# Test processes `make test` runs side by side (pytest-xdist, one test file at a time each): each
# starts its own embedded broker and PostgreSQL. One when KAFKA_BOOTSTRAP_SERVERS names a shared broker:
# the suite tests' services join their usual consumer groups, which two sessions must not share.
TEST_WORKERS ?= $(if $(KAFKA_BOOTSTRAP_SERVERS),1,2)
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: install run test test-replicas test-fast bench lint typecheck schemas clean

install: $(STAMP)

$(STAMP): requirements-dev.txt $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install $(foreach p,$(PACKAGES),-e ./$(p)) -r requirements-dev.txt
	touch $(STAMP)

## Start the embedded broker and database, the sandboxes and every service; Ctrl-C stops all.
run: install
	$(BIN)/python -m petcare_tools.launcher run

## The type checker first (fails fast), then every test: unit, service (real PostgreSQL) and suite
## (real broker, real processes).
test: install
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

## The replica tests (R-SCALE-1: three replicas per service, kill -9 mid-stream) with 2,000 triggers
## instead of `make test`'s 120 (about six minutes on a 2-core machine).
test-replicas: install
	REPLICAS_TEST_TRIGGERS=$${REPLICAS_TEST_TRIGGERS:-2000} $(BIN)/python -m pytest tests/suite/test_replicas.py tests/suite/test_replicas_periodic.py

## Unit tests only (no broker, no database).
test-fast: install
	$(BIN)/python -m pytest -m "not infra"

## Benchmarks: JSON figures beside same-run baselines.
bench: install
	@$(BIN)/python -m bench.run

## Ruff, then the type checker.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

## mypy over every package's source, strict on each service's domain/ and service_layer/ (settings:
## [tool.mypy] in pyproject.toml).
typecheck: install
	$(BIN)/mypy

## Re-export contracts/schemas/*.json from the pydantic models (review the diff: it is the contract).
schemas: install
	$(BIN)/python -m petcare_contracts.schema_export

clean:
	rm -rf $(VENV) .pytest_cache
