# Two commands on a fresh machine: `make run` and `make test`. python3 is all they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test
RUN_STAMP := $(VENV)/.installed
SHARED ?= ../shared
PORT ?= 8083

.PHONY: crash run test jsonata-diff test-browser browser-if-possible bench-console lint fuzz compat ratchet bench bench-lambda bench-hostile format clean image-check

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

# The browser tests run on their own, before the rest: Chromium's CPU would otherwise starve the
# timing-bound tests running beside it on a 2-core machine. They skip when /usr/bin/chromium is absent
# (the main suite runs last, so its summary line closes the output).
test: $(STAMP) browser-if-possible
	$(BIN)/python -m pytest -p no:cacheprovider -m browser
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider -m "not browser"

# The web console's browser tests (part of `make test` when /usr/bin/chromium is present): installs
# Debian's chromium (as root) and playwright, then runs them. No browser is downloaded.
test-browser: $(STAMP)
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || { echo "install Debian's chromium package (apt-get install chromium)"; exit 1; }
	$(BIN)/python -c "import playwright" 2>/dev/null || $(BIN)/python -m pip install --quiet 'playwright>=1.40,<2'
	$(BIN)/python -m pytest -p no:cacheprovider -m browser

# `make test` installs Debian's chromium when it can (root, apt-get, within 5 minutes) so the browser tests
# run; without it they skip and the rest still runs.
browser-if-possible:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive timeout 300 sh -c 'apt-get update -qq && apt-get install -y -qq chromium' \
		>/dev/null 2>&1; } || echo "chromium not installed: the browser tests skip (make test-browser says why)"

# Each hostile evaluation of issue 10 (runaway JSONata, backtracking regexes and globs, $pad('', 1e9))
# against a fresh emulator: seconds to end, peak RSS growth, a concurrent client's latencies.
bench-hostile: $(STAMP)
	$(BIN)/python -m bench.hostile $(BENCH_ARGS)

# The console's page weight and render times in Chromium (the numbers the README quotes).
bench-console: $(STAMP)
	$(BIN)/python -m bench.console

lint: $(STAMP)
	$(BIN)/ruff check emulator tests compat_tests bench
	$(BIN)/ruff format --check emulator tests compat_tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The seeded request fuzzer and the random-request robustness test at 10,000 inputs each (make test
# runs a few hundred): no 5xx, no logged traceback, the server still answers.
FUZZ_EXAMPLES ?= 10000
fuzz: $(STAMP)
	SFN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -p no:cacheprovider -s \
		compat_tests/test_fuzz_requests.py \
		"compat_tests/test_robustness.py::test_random_requests_to_every_operation_get_aws_errors_never_a_500"

format: $(STAMP)
	$(BIN)/ruff format emulator tests compat_tests bench
	$(BIN)/ruff check --fix emulator tests compat_tests bench

compat: $(STAMP)
	$(BIN)/python -m bench.compat --shared $(SHARED)

ratchet: $(STAMP)
	$(BIN)/python -m bench.ratchet

# make bench [PEER=moto] [BENCH_ARGS="--rounds 5 --express-executions 100000 | --profile | --quick"]
# The soak (100,000 STANDARD executions under the default retention) is opt-in:
#   make bench BENCH_ARGS="--rounds 1 --no-echo --only soak --soak-executions 100000"
# kill -9 during 200 executions, restart on the same --data-dir: every outcome as without the crash
# (make test runs 2 seeds; CRASH_SEEDS more).
CRASH_SEEDS ?= 10
crash: $(STAMP)
	SFN_CRASH_SEEDS=$(CRASH_SEEDS) $(BIN)/python -m pytest -p no:cacheprovider -q compat_tests/test_crash_recovery.py

bench: $(STAMP)
	$(BIN)/python -m bench.perf --shared $(SHARED) $(if $(PEER),--peer $(PEER)) $(BENCH_ARGS)

# Cold and warm invocation latency of a local Lambda handler importing boto3.
bench-lambda: $(STAMP)
	$(BIN)/python -m bench.lambda_latency

# Builds the Dockerfile with podman on a local Debian base and calls the image's entrypoint over
# loopback (root, podman, mmdebstrap). Not part of `make test`.
image-check: $(STAMP)
	$(BIN)/python .ci/image_check.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Our JSONata evaluation against jsonata-js 2.0.6 (the version AWS documents), case by case: installs the
# npm package into $(VENV)/jsonata-js-2.0.6 (needs node and npm; skips with a message without them).
jsonata-diff: $(STAMP)
	$(BIN)/python -m bench.jsonata_diff $(JSONATA_DIFF_ARGS)
