# Set-up is two commands on a fresh machine: `make demo` and `make test`. Both create .venv and install into it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= out/demo

.PHONY: demo test test-slow install bench lint clean

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
	@echo "browse it: $(VENV)/bin/storyline --db $(OUT)/storyline.db serve   (then open http://127.0.0.1:8000/)"

# The lint runs first: CI runs `make test`, so it checks the lint too.
test: lint $(CHROMIUM)
	STORYLINE_CHROMIUM=$(CHROMIUM) $(PY) -m pytest src tests

# Long fuzzing (hypothesis, profile "slow") and the crash and load trials; prints how many cases ran and
# each trial's figures: SIGKILL during ingest and during analysis, two concurrent ingests, and the web app
# (uvicorn on loopback) under 50 clients while an ingest runs (p50/p99 latency). STORYLINE_TRIALS sets the
# SIGKILL trials per phase (default 10). About 3.5 minutes on two shared cores.
test-slow: install
	STORYLINE_SLOW=1 HYPOTHESIS_PROFILE=slow $(PY) -m pytest tests/test_fuzz.py tests/test_reliability_slow.py \
		-s -p no:cacheprovider --hypothesis-show-statistics

bench: install
	$(PY) bench/ingest.py
	$(PY) bench/dedupe.py
	$(PY) bench/stories.py bench/data/labeled.jsonl
	$(PY) bench/extract.py
	$(PY) bench/brief.py bench/data/labeled.jsonl
	$(PY) bench/details.py
	$(PY) bench/check_data.py

$(VENV)/.dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check src tests bench examples scripts
	$(VENV)/bin/mypy src tests
	$(PY) scripts/import_graph.py

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info
