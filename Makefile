# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint bench screenshots install install-dev migrate sdk node-deps clean messages makemessages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when the requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

# The translations (locale/<lang>/LC_MESSAGES/django.po and djangojs.po, docs/i18n.md):
# compiled to the git-ignored .mo files Django reads. compilemessages needs GNU gettext's msgfmt.
messages: install
	@command -v msgfmt >/dev/null 2>&1 || { echo "messages: msgfmt not found: install GNU gettext (apt-get install -y gettext)"; exit 1; }
	$(BIN)/python manage.py compilemessages -l fr -l pt -l sw --ignore '.venv' --ignore 'var' --ignore 'node_modules' -v 0

# After changing marked strings: refresh the .po files (then translate the new entries;
# tests/i18n fails while any is missing). Two catalogues per language: django.po (Python
# and templates) and djangojs.po (the scripts, static/js/*.js; portal/jsi18n.py serves it).
MAKEMESSAGES_IGNORE := tests/* var/* sdk/* bench/* staticfiles/* static/* docs/* deploy/* test-artifacts/*
MAKEMESSAGES_JS_IGNORE := tests/* var/* sdk/* bench/* staticfiles/* static/vendor/* docs/* deploy/* test-artifacts/*
makemessages: install
	$(BIN)/python manage.py makemessages -l fr -l pt -l sw --add-location file \
	  $(foreach pattern,$(MAKEMESSAGES_IGNORE),--ignore '$(pattern)')
	$(BIN)/python manage.py makemessages -d djangojs -l fr -l pt -l sw --add-location file \
	  $(foreach pattern,$(MAKEMESSAGES_JS_IGNORE),--ignore '$(pattern)')

# Web server, Celery worker and beat together; Ctrl-C stops all of them.
run: migrate sdk messages
	$(BIN)/python manage.py run_portal --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/mypy

# The suite runs on three pytest-xdist workers, one test file at a time per worker (much
# of it waits on browsers, servers and workers; each xdist worker has its own var/
# folder, queue and test database). tests/fuzz (its request total is counted in one
# process) and the fault + scale-out tests (they start their own processes, one test at
# a time) are each one unit of work, started first (tests/conftest.py). The slowest
# tests are listed at the end.
# PYTHONDONTWRITEBYTECODE= (empty: unset for Python): where the environment forbids .pyc
# files, every xdist worker and every process a test starts (gunicorn, Celery, manage.py)
# would compile the project and re-do pytest's assertion rewriting of ~300 test modules
# from source, each time (about 10 s of CPU per process). __pycache__/ is git-ignored.
PYTEST_ARGS := -q -n 3 --dist loadfile --durations=15
test: install-dev lint sdk node-deps messages
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest $(PYTEST_ARGS)

# The pictures of the pages the browser tests visit (test-artifacts/), for review at
# desktop and phone width in each language; make test skips them (tests/screens.py).
screenshots: install-dev sdk node-deps messages
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n 3 --dist loadfile --screenshots -m browser tests/e2e tests/i18n

bench: install-dev sdk messages
	$(BIN)/python bench/run_all.py

# The library files (issue: SDKs). A no-op until sdk/ has something to build.
sdk:
	@if [ -x sdk/build.sh ]; then sdk/build.sh; fi

# npm packages the tests use (pinned), under the git-ignored var/node: the official
# Standard Webhooks library runs the Node verification sample of docs/callbacks.md;
# axe-core runs the accessibility sweep (tests/e2e/test_page_sweeps.py);
# plotly.js-basic-dist-min is the source `manage.py vendor_plotly` copies (its test compares).
NODE_PACKAGES := standardwebhooks@1.1.1 axe-core@4.14.1 plotly.js-basic-dist-min@4.1.1
node-deps:
	@if command -v npm >/dev/null 2>&1; then \
	  mkdir -p var/node && cd var/node && \
	  npm install --silent --no-audit --no-fund --no-save $(NODE_PACKAGES) >/dev/null; \
	else echo "node-deps: npm not found (the Node samples' tests will say so)"; fi

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
