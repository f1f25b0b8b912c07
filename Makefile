# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FRONTEND := frontend
FRONT_STAMP := $(FRONTEND)/node_modules/.installed

.PHONY: run test install lint test-unit test-integration dashboard test-frontend test-e2e api-types bench clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(STAMP)

$(FRONT_STAMP): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Build the dashboard when it is missing or older than its sources.
dashboard: $(FRONT_STAMP)
	@if [ ! -f $(FRONTEND)/dist/index.html ] || [ -n "$$(find $(FRONTEND)/src $(FRONTEND)/index.html $(FRONTEND)/vite.config.js $(FRONTEND)/tsconfig.json $(FRONTEND)/package.json -newer $(FRONTEND)/dist/index.html 2>/dev/null | head -1)" ]; then \
		echo "building the dashboard"; cd $(FRONTEND) && npm run build --silent; \
	fi

run: install dashboard
	$(BIN)/fva init
	$(BIN)/fva serve

lint: install
	$(BIN)/ruff check src tests migrations bench
	$(BIN)/ruff format --check src tests migrations bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The unit suite uses neither Hypothesis nor Schemathesis (the fuzz tests are integration tests):
# not loading their pytest plugins saves about a second of its run.
test-unit: install
	$(BIN)/pytest -q -p no:hypothesispytest -p no:schemathesis tests/unit

# The whole suite on MariaDB/MySQL (TEST_DATABASE_URL, else 127.0.0.1:3306), then the tests that
# use the database server once more on PostgreSQL (TEST_POSTGRES_URL, else 127.0.0.1:5432).
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432

test-integration: install dashboard
	$(BIN)/pytest -q tests/integration
	TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/pytest -q -m server_database tests/integration

# The dashboard's API types, generated from the backend's OpenAPI document (built by the app's
# own factory, not served). Commit the result; `test-frontend` fails when it drifts.
API_SCHEMA := $(FRONTEND)/src/api/schema.d.ts
api-types: install $(FRONT_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python $(FRONTEND)/scripts/openapi.py > "$$tmp/openapi.json" && \
	cd $(FRONTEND) && npx --no-install openapi-typescript "$$tmp/openapi.json" -o src/api/schema.d.ts --silent

test-frontend: install $(FRONT_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python $(FRONTEND)/scripts/openapi.py > "$$tmp/openapi.json" && \
	(cd $(FRONTEND) && npx --no-install openapi-typescript "$$tmp/openapi.json" -o "$$tmp/schema.d.ts" --silent) && \
	if ! diff -u $(API_SCHEMA) "$$tmp/schema.d.ts" > "$$tmp/drift"; then \
		head -40 "$$tmp/drift"; echo "$(API_SCHEMA) differs from the backend's OpenAPI document: run make api-types"; exit 1; \
	fi
	cd $(FRONTEND) && npx --no-install vue-tsc --noEmit -p tsconfig.json
	cd $(FRONTEND) && npm test --silent

# The dashboard in Debian's Chromium against the real backend on a fresh embedded database.
test-e2e: install dashboard
	cd $(FRONTEND) && npm run e2e --silent

test: lint test-unit test-frontend test-integration test-e2e

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache $(FRONTEND)/node_modules $(FRONTEND)/dist
