# signals-haarlem. Two commands on a fresh machine with Python 3.11+:
#   make run    the whole thing on its embedded defaults, on http://127.0.0.1:$(PORT)
#   make test   the whole suite (SQLite, PostgreSQL, browser; then the Haarlem apps on upstream's stack)
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
UPSTREAM_VENV := .venv-upstream
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# The Haarlem apps' tests, run once more on upstream Signalen's versions (Django 4.2, DRF 3.15, ...).
HAARLEM_TESTS := tests/test_workdays.py tests/test_boundary.py tests/core tests/werkplek tests/triage \
                 tests/complaints tests/partners tests/monitoring tests/search \
                 tests/platform/test_retention.py tests/platform/test_beat.py

.PHONY: run test test-sqlite test-postgres test-upstream bench load migrate fixtures clean

$(VENV)/.installed: setup.cfg pyproject.toml constraints/standalone.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -U pip
	$(VENV)/bin/pip install -q -c constraints/standalone.txt -e '.[standalone,test]'
	touch $@

$(UPSTREAM_VENV)/.installed: setup.cfg pyproject.toml constraints/upstream.txt
	$(PYTHON) -m venv $(UPSTREAM_VENV)
	$(UPSTREAM_VENV)/bin/pip install -q -U pip
	$(UPSTREAM_VENV)/bin/pip install -q -c constraints/upstream.txt -e '.[standalone,test]'
	touch $@

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

fixtures: migrate
	$(PY) manage.py load_haarlem_fixtures

run: fixtures
	$(PY) manage.py seed_demo 400 --if-empty
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py ensure_local_oidc_client
	$(PY) manage.py ensure_local_admin --port $(PORT)
	$(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile -

test: test-sqlite test-postgres test-upstream

# axe-core, the accessibility engine the werkplek browser tests run in Chromium, from the npm registry
# (without npm those tests are skipped with a message, like the browser tests without Chromium).
AXE_VERSION := 4.14.1
AXE_JS := var/axe-core-$(AXE_VERSION)/axe.min.js
$(AXE_JS):
	mkdir -p $(dir $@)
	cd $(dir $@) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
	  && tar xzf axe-core-$(AXE_VERSION).tgz --strip-components=1 package/axe.min.js package/LICENSE \
	  && rm axe-core-$(AXE_VERSION).tgz

test-sqlite: $(VENV)/.installed $(if $(shell command -v npm),$(AXE_JS))
	AXE_JS=$(AXE_JS) $(PY) -m pytest -q $(PYTEST_ARGS)

# The core, the API and the apps once more on a throwaway PostgreSQL cluster from the local binaries.
test-postgres: $(VENV)/.installed
	scripts/with-postgres $(PY) -m pytest -q -m "not browser and not slow" $(PYTEST_ARGS) \
	  tests/standalone tests/test_boundary.py $(wildcard tests/api tests/triage tests/complaints tests/partners tests/monitoring)

test-upstream: $(UPSTREAM_VENV)/.installed
	$(UPSTREAM_VENV)/bin/python -m pytest -q -m "not browser and not slow" $(PYTEST_ARGS) $(wildcard $(HAARLEM_TESTS))

bench: $(VENV)/.installed
	$(PY) bench/run.py

# Five minutes of mixed traffic against gunicorn, then every answered 201 checked in the database.
load: $(VENV)/.installed
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) $(UPSTREAM_VENV) var/
