# Two commands on a fresh machine: `make run` and `make test`. python3 is all they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test
RUN_STAMP := $(VENV)/.installed
SHARED ?= ../shared
PORT ?= 8083

.PHONY: run test test-browser bench-console lint compat ratchet bench format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/python -m emulator --port $(PORT)

# The browser tests run after the rest, on their own: Chromium's CPU would otherwise starve the
# timing-bound tests running beside it on a 2-core machine. They skip when /usr/bin/chromium is absent.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider -m "not browser"
	$(BIN)/python -m pytest -p no:cacheprovider -m browser

# The web console's browser tests (part of `make test` when /usr/bin/chromium is present): installs
# Debian's chromium (as root) and playwright, then runs them. No browser is downloaded.
test-browser: $(STAMP)
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || { echo "install Debian's chromium package (apt-get install chromium)"; exit 1; }
	$(BIN)/python -c "import playwright" 2>/dev/null || $(BIN)/python -m pip install --quiet 'playwright>=1.40,<2'
	$(BIN)/python -m pytest -p no:cacheprovider -m browser

# The console's page weight and render times in Chromium (the numbers the README quotes).
bench-console: $(STAMP)
	$(BIN)/python -m bench.console

lint: $(STAMP)
	$(BIN)/ruff check emulator tests compat_tests bench
	$(BIN)/ruff format --check emulator tests compat_tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format emulator tests compat_tests bench
	$(BIN)/ruff check --fix emulator tests compat_tests bench

compat: $(STAMP)
	$(BIN)/python -m bench.compat --shared $(SHARED)

ratchet: $(STAMP)
	$(BIN)/python -m bench.ratchet

# make bench [PEER=moto] [BENCH_ARGS="--rounds 5 --express-executions 100000 | --profile | --quick"]
bench: $(STAMP)
	$(BIN)/python -m bench.perf --shared $(SHARED) $(if $(PEER),--peer $(PEER)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
