# The two commands a newcomer needs: `make run` and `make test`. Everything else is what they call.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install assets migrate demo lint format clean

run: demo
	@$(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(STAMP) assets

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || \
		{ echo "bvgov needs Python 3.12 or newer; $(PYTHON) is older. Set PYTHON=/path/to/python3.13."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Front-end assets: GOV.UK Frontend and MOJ Frontend compiled from Sass into static/build/ (not committed).
# MOJ Frontend loads GOV.UK Frontend as "node_modules/govuk-frontend/...", hence the project root as a load path too.
NPM ?= npm
VENDOR := build/vendor
VENDOR_STAMP := $(VENDOR)/.stamp
NODE_STAMP := node_modules/.bvgov-installed-stamp
SASS := npx --no-install sass --no-source-map --load-path=node_modules --load-path=. --style=compressed

assets: static/build/bvgov.css static/build/print.css $(VENDOR_STAMP)

# Only the files pages use are served from node_modules: the scripts and images, never the GOV.UK fonts
# (licensed to GOV.UK services only) or the Sass sources.
$(VENDOR_STAMP): $(NODE_STAMP)
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/govuk/assets $(VENDOR)/moj/assets $(VENDOR)/htmx
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets/images $(VENDOR)/govuk/assets/
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js $(VENDOR)/moj/
	cp -r node_modules/@ministryofjustice/frontend/moj/assets/images $(VENDOR)/moj/assets/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v $(NPM) >/dev/null || { echo "bvgov needs Node.js and npm to build its stylesheets."; exit 1; }
	$(NPM) ci --ignore-scripts --no-audit --no-fund
	@touch $(NODE_STAMP)

static/build/bvgov.css: $(filter-out static/scss/print.scss,$(wildcard static/scss/*.scss)) $(NODE_STAMP)
	$(SASS) static/scss/bvgov.scss $@

static/build/print.css: static/scss/print.scss $(NODE_STAMP)
	$(SASS) static/scss/print.scss $@

migrate: install
	$(BIN)/python manage.py migrate --noinput

# The demo's trail is sealed with a signed checkpoint (the development key, made in data/ on first use).
demo: migrate
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py seal_audit_trail

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 build static/build node_modules
