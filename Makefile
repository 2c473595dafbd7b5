# Everyday commands. `make ingest` on a fresh Debian machine does all set-up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOME_DIR ?= data
TESSERACT_PKGS := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-chi-sim \
                  tesseract-ocr-chi-tra tesseract-ocr-jpn tesseract-ocr-kor tesseract-ocr-fra
FONT_PKGS := fonts-dejavu-core
TEST_PKGS := chromium fonts-wqy-microhei

.PHONY: install system-deps test-deps ingest serve test bench relevance clean screenshots portal-load i18n

install: system-deps $(BIN)/ttdn

$(BIN)/ttdn: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# Tesseract, its language data and the catalogue font from Debian, installed only when missing.
system-deps:
	@bash scripts/system-deps.sh $(TESSERACT_PKGS) $(FONT_PKGS)

test-deps: install
	@test -z "$(TEST_PKGS)" || bash scripts/system-deps.sh $(TEST_PKGS)
	$(BIN)/pip install --quiet -e '.[test]'

ingest: install
	TTDN_HOME=$(HOME_DIR) $(BIN)/ttdn ingest corpus/

serve: install
	TTDN_HOME=$(HOME_DIR) $(BIN)/ttdn serve

test: test-deps
	$(BIN)/python -m pytest -q

bench: test-deps
	$(BIN)/python bench/run.py

relevance: test-deps
	$(BIN)/python bench/relevance.py

screenshots: test-deps
	$(BIN)/python -m tests.browser.screenshots --home $(HOME_DIR)
	TTDN_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -m browser tests/browser/test_exhibits_e2e.py

portal-load: install
	$(BIN)/python bench/portal_load.py --home $(HOME_DIR)

i18n: install
	$(BIN)/pybabel extract -F web/babel.cfg -k _l --no-location --sort-output --project=ttdn-archive -o web/translations/messages.pot web
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --width 100 --ignore-obsolete
	$(BIN)/pybabel compile -d web/translations

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
