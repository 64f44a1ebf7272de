# signals-haarlem. Two commands on a fresh machine with Python 3.11+:
#   make run    the whole thing on its embedded defaults, on http://127.0.0.1:$(PORT)
#   make test   the whole suite: SQLite (with the browser), PostgreSQL, then inside upstream Signalen
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres test-upstream test-boundary bench load migrate fixtures clean

$(VENV)/.installed: setup.cfg pyproject.toml constraints/standalone.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -U pip
	$(VENV)/bin/pip install -q -c constraints/standalone.txt -e '.[standalone,test]'
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

test: test-sqlite test-postgres test-upstream test-boundary

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

# Inside real upstream Signalen 2.50.12 (../shared/upstream-signalen, or UPSTREAM_SRC=an upstream checkout),
# with its own pinned requirements on Python 3.12 and a throwaway PostGIS cluster: upstream's own suite
# with the Haarlem apps installed, then the Haarlem apps' tests (see scripts/upstream).
test-upstream: $(if $(shell command -v npm),$(AXE_JS))
	AXE_JS=$(AXE_JS) PYTEST_ARGS="$(PYTEST_ARGS)" scripts/upstream test

# The boundary (signals_haarlem/signalen.py) is run line by line: its tests in this mode, plus what the
# upstream stage measured inside upstream Signalen, must execute every line between them.
test-boundary: $(VENV)/.installed
	@mkdir -p var/coverage
	COVERAGE_FILE=var/coverage/.coverage.standalone $(PY) -m pytest -q -p no:cacheprovider tests/test_boundary.py \
	  --cov=signals_haarlem.signalen --cov-report= >/dev/null
	scripts/boundary-coverage

bench: $(VENV)/.installed
	$(PY) bench/run.py

# Five minutes of mixed traffic against gunicorn, then every answered 201 checked in the database.
load: $(VENV)/.installed
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) .venv-upstream var/
