# OpenEPA. `make run` sets everything up and starts the app; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sweeps test-clock lint format check setup db clean css

# Python caches compiled modules (and pytest its assertion-rewritten tests) in __pycache__:
# with PYTHONDONTWRITEBYTECODE set, as on some machines, every test process and every
# process the tests start compiles the whole suite and app again (about 4 s of CPU each).
unexport PYTHONDONTWRITEBYTECODE

# The virtual environment is rebuilt whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

setup: $(VENV)/.installed

# Migrate, load the standard and policies, create the demo EPAO (all idempotent).
db: setup
	@mkdir -p var
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo

# The web server and the background worker that sends emails and reminders.
run: db
	HOST=$(HOST) PORT=$(PORT) scripts/run-dev

# The suite with a sample of its browser tests, without its sweeps; `make test SWEEPS=with`
# runs them too, in the same run (CI: one start-up, one demo, the two workers kept busy to
# the end).
# --dist loadgroup keeps the tests that share one demo (tests/demo, ONE_WORKER in
# tests/conftest.py) on one worker, so the demo is built once.
test: setup
	scripts/ensure-browser-tools
	$(BIN)/pytest -n auto --dist loadgroup $(if $(filter with,$(SWEEPS)),-m "sweep or not sweep")

# The sweeps (tests marked `sweep`): every page of every role with axe, every page at 320,
# 390, 820 and 1366 px, the whole journey role by role and each task (gateway, scheduling,
# marking evidence, bulk release, calendars, notices, returns, search) walked through in the
# browser, every page, PDF and CSV of the demo read for plain words. Slow by nature, so
# outside `make test`, which keeps a sample of the browser tests; CI runs both.
test-sweeps: setup
	scripts/ensure-browser-tools
	$(BIN)/pytest -n auto --dist loadgroup -m sweep

# The suite without its browser tests as if today were TODAY (tests/clock.py): a test that
# compares a fixed date with the real clock fails here before the calendar reaches it.
TODAY ?= 2028-02-29
test-clock: setup
	OPENEPA_TEST_TODAY=$(TODAY) $(BIN)/pytest -n auto --dist loadgroup -m "not browser"

# The stylesheet from GOV.UK Frontend's Sass under OpenEPA's brand (openepa/web/styles/).
# Its output is committed, so `make run` needs no Node; `make lint` checks it is current.
css:
	scripts/build-css

lint: setup
	scripts/build-css --check
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy openepa tests benchmarks
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: lint test

clean:
	rm -rf $(VENV) var build *.egg-info
