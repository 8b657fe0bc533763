# Two commands on a fresh machine: `make run` and `make test`. python3 is all they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test
RUN_STAMP := $(VENV)/.installed
SHARED ?= ../shared
PORT ?= 8083

.PHONY: run test lint compat ratchet bench bench-lambda format clean image-check

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

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

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

# Cold and warm invocation latency of a local Lambda handler importing boto3.
bench-lambda: $(STAMP)
	$(BIN)/python -m bench.lambda_latency

# Builds the Dockerfile with podman on a local Debian base and calls the image's entrypoint over
# loopback (root, podman, mmdebstrap). Not part of `make test`.
image-check: $(STAMP)
	$(BIN)/python .ci/image_check.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
