# Everyday commands. `make ingest` on a fresh Debian machine does all set-up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOME_DIR ?= data
TESSERACT_PKGS := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-chi-sim \
                  tesseract-ocr-chi-tra tesseract-ocr-jpn tesseract-ocr-kor tesseract-ocr-fra
FONT_PKGS := fonts-dejavu-core
MEDIA_PKGS := ffmpeg
TEST_PKGS := chromium fonts-wqy-microhei dvdauthor genisoimage openjdk-17-jdk-headless maven

.PHONY: install system-deps test-deps mirador axe solr-build solr-cluster solr-cluster-stop ingest serve test test-solr bench bench-scale relevance clean screenshots portal-load i18n

install: system-deps $(BIN)/ttdn

# setuptools warns on every editable install of a flat layout that folders named as the
# packages "may take precedence": here they are the packages.
PIP := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip

$(BIN)/ttdn: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

# Tesseract, its language data, the catalogue font and ffmpeg (audio-visual items) from Debian,
# installed only when missing.
system-deps:
	@bash scripts/system-deps.sh $(TESSERACT_PKGS) $(FONT_PKGS) $(MEDIA_PKGS)

test-deps: install $(VENV)/.test-deps mirador axe
	@test -z "$(TEST_PKGS)" || bash scripts/system-deps.sh $(TEST_PKGS)
	@bash scripts/solr-cluster.sh build

# The test extras, installed again only when the packaging files change (a stamp, as $(BIN)/ttdn).
$(VENV)/.test-deps: $(BIN)/ttdn setup.cfg pyproject.toml
	$(PIP) install --quiet -e '.[test]'
	touch $@

# Mirador 4 from the npm registry for the IIIF browser test (tests/browser/test_iiif_mirador.py),
# into a git-ignored node_modules, again only when its lock file changes.
MIRADOR_DIR := tests/browser/mirador
mirador: $(MIRADOR_DIR)/node_modules/.package-lock.json
$(MIRADOR_DIR)/node_modules/.package-lock.json: $(MIRADOR_DIR)/package.json $(MIRADOR_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install -y npm" >&2; exit 1; }
	cd $(MIRADOR_DIR) && npm ci --no-audit --no-fund --ignore-scripts --omit=peer --loglevel=error
	touch $@

# axe-core from the npm registry for the accessibility browser tests (tests/browser/test_a11y_e2e.py),
# the same way: a git-ignored node_modules, installed again only when its lock file changes.
AXE_DIR := tests/browser/axe
axe: $(AXE_DIR)/node_modules/.package-lock.json
$(AXE_DIR)/node_modules/.package-lock.json: $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install -y npm" >&2; exit 1; }
	cd $(AXE_DIR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# The loopback SolrCloud (issue 14): a Maven module in solr/, built from Maven Central into ~/.m2
# only when its sources change; `make solr-cluster` prints the TTDN_SEARCH value to use.
solr-build:
	@bash scripts/solr-cluster.sh build

solr-cluster:
	@bash scripts/solr-cluster.sh start

solr-cluster-stop:
	@bash scripts/solr-cluster.sh stop

ingest: install
	TTDN_HOME=$(HOME_DIR) $(BIN)/ttdn ingest corpus/

serve: install
	TTDN_HOME=$(HOME_DIR) $(BIN)/ttdn serve

# The suite on every core (pytest-xdist), a test file per worker: a file's fixtures stay together.
test: test-deps
	$(BIN)/python -m pytest -q -n auto --maxprocesses=4 --dist loadfile

# The search tests again on a loopback SolrCloud (issue 14): each test home gets a collection.
# (tests/test_solr_engine.py, the cluster's own tests, already run in `make test`.)
SOLR_TESTS = tests/test_search_query.py tests/test_search_questions.py \
	tests/test_search_forgiving.py tests/test_related.py tests/test_search_cli.py \
	tests/test_web_access.py tests/test_web_api.py tests/test_web_forgiving.py
test-solr: test-deps
	$(BIN)/python -m pytest -q --engine solr $(SOLR_TESTS)

# The bench needs the project and its test extras (bench/ reuses the tests' fixtures), not the
# browser, the npm packages or the Solr module of `test-deps`.
bench: install $(VENV)/.test-deps
	$(BIN)/python bench/run.py

# Issue 14, point 5: 1,000,000 pages into a loopback SolrCloud (its own, bigger cluster), query
# p50/p95 beside SQLite FTS5 at 1M and Whoosh at 100k. The first run builds for an hour or more
# on 2 cores and keeps the collection as a backup under bench/work/; later runs only query.
bench-scale: test-deps
	$(BIN)/python bench/solr_scale.py

relevance: test-deps
	$(BIN)/python bench/relevance.py

screenshots: test-deps
	$(BIN)/python -m tests.browser.screenshots --home $(HOME_DIR)
	TTDN_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -m browser \
	  tests/browser/test_exhibits_e2e.py tests/browser/test_media_e2e.py \
	  tests/browser/test_staff_e2e.py

portal-load: install
	$(BIN)/python bench/portal_load.py --home $(HOME_DIR)

# Where visitor-visible text lives: the web, and the search's and archive's messages (N_).
I18N_SOURCES = web search archive

i18n: install
	$(BIN)/pybabel extract -F web/babel.cfg -k _l --no-location --sort-output --project=ttdn-archive -o web/translations/messages.pot $(I18N_SOURCES)
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --width 100 --ignore-obsolete
	$(BIN)/pybabel compile -d web/translations

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
