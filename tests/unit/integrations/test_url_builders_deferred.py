"""The in-process backend adds routes without AST work (CPython 3.11's AST converter keeps one
recursion counter per interpreter: two threads parsing at once can fail one with "AST constructor
recursion depth mismatch", https://github.com/python/cpython/issues/106905)."""

from __future__ import annotations

import ast
from typing import Any

import pytest
from werkzeug.routing import Map, Rule

from emulator.integrations.clients import defer_url_builders


def test_adding_routes_parses_nothing_and_urls_still_build(monkeypatch: pytest.MonkeyPatch) -> None:
    defer_url_builders()
    defer_url_builders()  # idempotent
    parsed: list[Any] = []
    original = ast.parse
    monkeypatch.setattr(ast, "parse", lambda *a, **k: parsed.append(a) or original(*a, **k))
    routes = Map([Rule("/queues/<name>/messages", endpoint="send"), Rule("/", endpoint="root")])
    adapter = routes.bind("sqs.us-east-1.amazonaws.com")
    assert parsed == []  # what moto does on its thread: add routes, match requests
    assert adapter.match("/queues/q1/messages") == ("send", {"name": "q1"})
    assert parsed == []
    assert adapter.build("send", {"name": "q1", "page": 2}) == "/queues/q1/messages?page=2"
    assert adapter.build("root") == "/"
    assert parsed  # a URL is built only when asked for, compiled then
