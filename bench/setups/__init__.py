"""Requirement setups for the conformance runner: one module per family, each with ``register(runner)``."""
