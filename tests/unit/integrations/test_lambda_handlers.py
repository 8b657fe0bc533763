"""Real worker subprocesses (a few milliseconds each); no sleeps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.integrations.lambda_handlers import LocalHandlers
from emulator.settings import parse_handler_mapping

CODE = """
import os


def echo(event, context):
    print("printed output must not reach the protocol")
    return {"event": event, "name": context.function_name}


def raw(event, context):
    return b'"raw"'


def boom(event, context):
    raise KeyError("missing")


def die(event, context):
    os._exit(7)


def hang(event, context):
    import time
    time.sleep(30)
"""


@pytest.fixture
def handlers(tmp_path: Path) -> LocalHandlers:
    source = tmp_path / "code.py"
    source.write_text(CODE)
    mapping = {name: f"{source}:{name}" for name in ("echo", "raw", "boom", "die", "hang")}
    mapping["many-*"] = f"{source}:echo"
    return LocalHandlers(mapping, timeout_seconds=0.3)


def test_mapping_text_accepts_commas_and_newlines() -> None:
    assert parse_handler_mapping("a=m:f, b=dir/x.py:g\nc=n:h") == {"a": "m:f", "b": "dir/x.py:g", "c": "n:h"}
    with pytest.raises(ValueError):
        parse_handler_mapping("just-a-name")


def test_a_prefix_name_matches_every_function_it_prefixes(handlers: LocalHandlers) -> None:
    assert "many-1" in handlers
    assert "echo" in handlers
    assert "other" not in handlers


async def test_the_handler_result_is_json_and_prints_go_elsewhere(handlers: LocalHandlers) -> None:
    try:
        reply = await handlers.invoke("many-x", '{"k":1}', "rid", "arn")
        assert not reply.function_error
        assert json.loads(reply.body) == {"event": {"k": 1}, "name": "many-x"}
        assert (await handlers.invoke("raw", "", "rid", "arn")).body == '"raw"'
    finally:
        await handlers.close()


async def test_an_exception_is_lambdas_error_document_with_the_real_path(
    handlers: LocalHandlers, tmp_path: Path
) -> None:
    try:
        reply = await handlers.invoke("boom", "{}", "req-1", "arn")
    finally:
        await handlers.close()
    assert reply.function_error
    document = json.loads(reply.body)
    assert list(document) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (document["errorMessage"], document["errorType"], document["requestId"]) == (
        "'missing'",
        "KeyError",
        "req-1",
    )
    assert document["stackTrace"] == [
        f'  File "{tmp_path / "code.py"}", line 15, in boom\n    raise KeyError("missing")\n'
    ]


async def test_a_crash_or_timeout_costs_only_that_worker(handlers: LocalHandlers) -> None:
    try:
        crashed = await handlers.invoke("die", "{}", "r1", "arn")
        assert crashed.function_error
        assert json.loads(crashed.body)["errorType"] == "Runtime.ExitError"
        timed_out = await handlers.invoke("hang", "{}", "r2", "arn")
        assert timed_out.function_error
        assert json.loads(timed_out.body)["errorType"] == "Sandbox.Timedout"
        assert not (await handlers.invoke("echo", "{}", "r3", "arn")).function_error
    finally:
        await handlers.close()


async def test_a_function_replaced_while_running_answers_with_its_new_code(tmp_path: Path) -> None:
    from emulator.integrations.lambda_functions import FunctionConfig, LocalFunctions

    (tmp_path / "one.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "two.py").write_text("def handler(event, context):\n    return 2\n")
    functions = LocalFunctions([FunctionConfig("f", f"{tmp_path / 'one.py'}:handler")])
    handlers = LocalHandlers(functions)
    try:
        assert (await handlers.invoke("f", "{}", "r1", "arn")).body == "1"
        functions.put(FunctionConfig("f", f"{tmp_path / 'two.py'}:handler", source="api"))
        assert (await handlers.invoke("f", "{}", "r2", "arn")).body == "2"
        functions.remove("f")
        assert "f" not in handlers
    finally:
        await handlers.close()
