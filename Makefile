# Knooppunt: `make run` to try it, `make test` to prove it. See README.md.
# Debian's python3.11 when the machine has it with venv support (package python3.11-venv): a build
# with PGO and LTO, on which Django's work costs 15-20% less CPU than on an unoptimised build such
# as pyenv's default (docs/decisions.md). Otherwise the first python3.11 on the PATH.
PYTHON ?= $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' >/dev/null 2>&1 \
            && echo /usr/bin/python3.11 || echo python3.11)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_ENV := DEBUG=1 EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
           EMAIL_FILE_PATH=var/mail KNOOPPUNT_SMS_BACKEND=file KNOOPPUNT_SMS_FILE_PATH=var/sms

.PHONY: run test lint format bench lock clean install browser-deps chromium css screens

$(STAMP): requirements/base.txt requirements/dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

testpeers/broker/node_modules/.installed: testpeers/broker/package.json testpeers/broker/package-lock.json
	cd testpeers/broker && npm ci --silent --no-audit --no-fund
	touch $@

# Debian's chromium for the browser tests: installed when absent and this machine allows it
# (root, or sudo without a password), else a stop with the command to run.
chromium:
	@scripts/ensure-chromium

browser-deps: chromium node_modules/.installed testpeers/broker/node_modules/.installed

# The web server and, beside it, one job worker (mail, housekeeping, the audit seal), as in
# production; Ctrl-C stops both.
run: $(STAMP)
	mkdir -p var/mail var/sms
	$(DEV_ENV) $(BIN)/knooppunt migrate --no-input
	$(DEV_ENV) $(BIN)/knooppunt seed_demo
	@echo "Knooppunt draait op http://127.0.0.1:8000  (e-mail: var/mail/, sms: var/sms/)"
	$(DEV_ENV) sh -c '$(BIN)/knooppunt worker & worker=$$!; \
	  trap "kill $$worker 2>/dev/null; wait $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/knooppunt runserver 127.0.0.1:8000'

# The apps type-checked with mypy (django-stubs); every new app joins the list.
TYPED := access audit accounts usermanagement core jobs products api aanmelding exchange aanvragen registertoets scim

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(addprefix src/knooppunt/,$(TYPED))
	$(BIN)/knooppunt makemigrations --check --dry-run --settings=knooppunt.conf.test

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: chromium $(STAMP) browser-deps lint
	$(BIN)/pytest -n 2 --dist loadfile -q $(PYTEST_ARGS)

# The NL Design System stylesheet (static/nlds/), built from the npm packages and committed, so
# that `make run` needs no Node.js; the test suite checks that it is current.
css: node_modules/.installed
	node frontend/build-css.mjs

# Full-page screenshots of the main screens (Dutch, 1280 and 390 wide) into docs/screens/.
screens: $(STAMP) browser-deps
	$(BIN)/pytest -p no:xdist -q src/knooppunt/testing/screens.py

bench: $(STAMP)
	$(BIN)/python -m bench

lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile -q requirements/base.in -o requirements/base.txt --python-version 3.11
	$(BIN)/uv pip compile -q requirements/dev.in -o requirements/dev.txt --python-version 3.11

clean:
	rm -rf $(VENV) var node_modules testpeers/broker/node_modules
