# Set-up is two commands on a fresh machine: `make demo` and `make test`. Both create .venv and install into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= out/demo

.PHONY: demo test install bench lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench,ray]'  # ray: the Ray engine's equality test (tests/test_engines.py)
	touch $@

install: $(VENV)/.installed

# Debian's Chromium for the browser test of the HTML report. Installed as root with apt where it is missing;
# elsewhere the test says it is skipped and why. Playwright never downloads a browser of its own.
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	-@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian chromium for the browser test"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq chromium >/dev/null 2>&1 || \
		{ apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; }; \
	else echo "note: no $(CHROMIUM) (installing it needs root and apt): the browser test will be skipped"; fi

demo: install
	rm -f $(OUT)/storyline.db
	$(VENV)/bin/storyline --db $(OUT)/storyline.db run examples/demo --out $(OUT)

test: install $(CHROMIUM)
	STORYLINE_CHROMIUM=$(CHROMIUM) $(PY) -m pytest src tests

bench: install
	$(PY) bench/ingest.py
	$(PY) bench/dedupe.py
	$(PY) bench/stories.py bench/data/labeled.jsonl
	$(PY) bench/extract.py
	$(PY) bench/brief.py bench/data/labeled.jsonl

$(VENV)/.dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check src tests bench examples
	$(VENV)/bin/mypy src

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info
