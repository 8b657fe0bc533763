"""The local runtime behaves like Lambda: real worker subprocesses, real handler files."""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest

from emulator.integrations.lambda_functions import FunctionConfig, LocalFunctions
from emulator.integrations.lambda_handlers import LocalHandlers
from emulator.integrations.lambda_logs import FunctionLogs
from emulator.integrations.lambda_sandbox import HandlerError, Sandbox, resolve_code

ARN = "arn:aws:lambda:eu-west-1:210987654321:function:{}"


class RecordingClients:
    """The client seam, recording CloudWatch Logs calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], str, str]] = []

    async def call(self, service: str, operation: str, parameters: Any, *, account: str, region: str) -> Any:
        self.calls.append((operation, parameters, account, region))
        return None


def handlers_for(tmp_path: Path, code: str, **config: Any) -> LocalHandlers:
    (tmp_path / "app.py").write_text(code)
    functions = LocalFunctions([FunctionConfig("fn", "app.handler", code_dir=str(tmp_path), **config)])
    return LocalHandlers(functions, sandbox=Sandbox(endpoint_url="http://127.0.0.1:1"))


async def invoke(handlers: LocalHandlers, payload: str = "{}") -> tuple[Any, bool]:
    reply = await handlers.invoke("fn", payload, "req-1", ARN.format("fn"))
    return json.loads(reply.body) if reply.body else None, reply.function_error


async def test_a_handler_importing_http_clients_is_not_shadowed_by_the_emulator(tmp_path: Path) -> None:
    handlers = handlers_for(
        tmp_path,
        "import http.client, urllib.request, boto3, requests\n"
        "def handler(event, context):\n"
        "    return [http.client.__file__, boto3.__name__]\n",
    )
    try:
        body, error = await invoke(handlers)
    finally:
        await handlers.close()
    assert not error, body
    assert "emulator" not in body[0]


async def test_the_worker_has_lambdas_environment_context_and_the_functions_variables(tmp_path: Path) -> None:
    handlers = handlers_for(
        tmp_path,
        "import os, sys\n"
        "def handler(event, context):\n"
        "    names = ('AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_ENDPOINT_URL',\n"
        "             'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', '_HANDLER', 'LAMBDA_TASK_ROOT', 'TABLE',\n"
        "             'AWS_ACCESS_KEY_ID', 'AWS_LAMBDA_LOG_GROUP_NAME')\n"
        "    return {'env': {n: os.environ.get(n) for n in names}, 'path0': sys.path[0],\n"
        "            'context': [context.function_name, context.invoked_function_arn,\n"
        "                        context.memory_limit_in_mb, context.aws_request_id,\n"
        "                        context.get_remaining_time_in_millis()]}\n",
        environment={"TABLE": "orders"},
        timeout_seconds=3,
        memory_size_mb=256,
    )
    try:
        body, error = await invoke(handlers)
    finally:
        await handlers.close()
    assert not error, body
    assert body["env"] == {
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_LAMBDA_FUNCTION_NAME": "fn",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "_HANDLER": "app.handler",
        "LAMBDA_TASK_ROOT": str(tmp_path),
        "TABLE": "orders",
        "AWS_ACCESS_KEY_ID": "210987654321",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
    }
    assert body["path0"] == str(tmp_path)
    name, arn, memory, request_id, remaining = body["context"]
    assert (name, arn, memory, request_id) == ("fn", ARN.format("fn"), "256", "req-1")
    assert 2000 < remaining <= 3000


# A function that runs past its Timeout, per runtime generation: Amazon Linux 2023 runtimes
# (python3.12+) report Sandbox.Timedout ("Troubleshoot invocation issues in Lambda"); Amazon Linux 2
# ones answer the message alone, which Step Functions reports as Lambda.Unknown ("Handle Lambda
# service exceptions": function timeouts are Lambda.Unknown).
# https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html
# https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
@pytest.mark.parametrize("runtime", ["python3.12", "python3.13", None, "python3.11", "python3.9"])
async def test_the_functions_timeout_ends_it_as_lambda_does(tmp_path: Path, runtime: str | None) -> None:
    handlers = handlers_for(
        tmp_path,
        "import time\ndef handler(event, context):\n    time.sleep(30)\n",
        timeout_seconds=0.2,
        runtime=runtime,
    )
    try:
        reply = await handlers.invoke("fn", "{}", "req-1", ARN.format("fn"))
    finally:
        await handlers.close()
    assert reply.function_error
    if runtime in ("python3.12", "python3.13", None):
        assert reply.body == (
            '{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: req-1 Error: Task timed out after 0.20 '
            'seconds"}'
        )
    else:
        assert re.fullmatch(
            r'\{"errorMessage":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z req-1 Task timed out after 0\.20 seconds"\}',
            reply.body,
        )


async def test_a_response_over_six_megabytes_fails_as_lambda_reports_it(tmp_path: Path) -> None:
    handlers = handlers_for(
        tmp_path, "def handler(event, context):\n    return 'x' * event['n']\n", memory_size_mb=1024
    )
    try:
        fits, fits_error = await invoke(handlers, json.dumps({"n": 6_291_556 - 2}))
        body, error = await invoke(handlers, json.dumps({"n": 6_291_556}))
        huge, huge_error = await invoke(handlers, json.dumps({"n": 70 * 1024 * 1024}))
    finally:
        await handlers.close()
    assert not fits_error and len(fits) == 6_291_554
    expected = {
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
    assert (error, body) == (True, expected)
    assert (huge_error, huge) == (True, expected)  # over the old 64 MiB pipe limit: no traceback


async def test_a_worker_passing_its_memory_size_is_ended_as_out_of_memory(tmp_path: Path) -> None:
    handlers = handlers_for(
        tmp_path,
        "import time\n"
        "def handler(event, context):\n"
        "    kept = [bytearray(16 * 1024 * 1024) for _ in range(20)]\n"
        "    time.sleep(2)\n"
        "    return len(kept)\n",
        memory_size_mb=128,
    )
    try:
        body, error = await invoke(handlers)
        again, again_error = await invoke(handlers, "{}")
    finally:
        await handlers.close()
    assert error
    assert body["errorType"] == "Runtime.OutOfMemory"
    assert body["errorMessage"] == "RequestId: req-1 Error: Runtime exited with error: signal: killed"
    assert again_error and again["errorType"] == "Runtime.OutOfMemory"  # a fresh worker, same limit


async def test_an_edited_handler_answers_anew_without_restart(tmp_path: Path) -> None:
    (tmp_path / "helper.py").write_text("ANSWER = 'first'\n")
    handlers = handlers_for(
        tmp_path, "import helper\ndef handler(event, context):\n    return helper.ANSWER\n"
    )
    try:
        assert (await invoke(handlers))[0] == "first"
        assert (await invoke(handlers))[0] == "first"
        (tmp_path / "helper.py").write_text("ANSWER = 'second answer'\n")
        assert (await invoke(handlers))[0] == "second answer"
    finally:
        await handlers.close()


async def test_output_is_labelled_and_delivered_to_the_functions_log_group(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "app.py").write_text(
        "import logging\nlogger = logging.getLogger()\n"
        "def handler(event, context):\n    print('printed')\n    logger.info('logged at info')\n    return 1\n"
    )
    clients = RecordingClients()
    functions = LocalFunctions([FunctionConfig("fn", "app.handler", code_dir=str(tmp_path))])
    handlers = LocalHandlers(functions, logs=FunctionLogs(clients))
    caplog.set_level(logging.INFO, logger="lambda.fn")
    try:
        await invoke(handlers)
    finally:
        await handlers.close()
    lines = [record.getMessage() for record in caplog.records if record.name == "lambda.fn"]
    assert lines[0] == "START RequestId: req-1 Version: $LATEST"
    assert lines[1] == "printed"
    assert lines[2].startswith("[INFO]\t") and lines[2].endswith("\treq-1\tlogged at info")
    assert lines[3] == "END RequestId: req-1"
    assert lines[4].startswith("REPORT RequestId: req-1\tDuration: ") and "Init Duration" in lines[4]
    operations = [(operation, account, region) for operation, _, account, region in clients.calls]
    assert operations[:2] == [
        ("CreateLogGroup", "210987654321", "eu-west-1"),
        ("CreateLogStream", "210987654321", "eu-west-1"),
    ]
    delivered = [
        event["message"]
        for operation, parameters, _, _ in clients.calls
        if operation == "PutLogEvents"
        for event in parameters["logEvents"]
    ]
    assert delivered == lines
    put = next(parameters for operation, parameters, _, _ in clients.calls if operation == "PutLogEvents")
    assert put["logGroupName"] == "/aws/lambda/fn"
    assert "/[$LATEST]" in put["logStreamName"]


async def test_a_handler_that_cannot_be_imported_is_reported_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    handlers = handlers_for(
        tmp_path, "import not_installed_anywhere\ndef handler(event, context):\n    pass\n"
    )
    try:
        await handlers.start()
        body, error = await invoke(handlers)
    finally:
        await handlers.close()
    message = next(record.getMessage() for record in caplog.records if record.levelno == logging.ERROR)
    assert message == (
        "Lambda function fn: Runtime.ImportModuleError: Unable to import module 'app': No module named "
        f"'not_installed_anywhere' (handler app.handler, file {tmp_path / 'app.py'})"
    )
    assert error and body["errorType"] == "Runtime.ImportModuleError"
    # An init error is reported outside any invocation (the Python runtime's init error document).
    assert body["requestId"] == ""


async def test_a_missing_dependency_listed_in_requirements_txt_says_how_to_install_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The emulator installs nothing (no network at each start): the error is Lambda's, exactly,
    # and the emulator's log and the function's log say how to install what requirements.txt lists.
    (tmp_path / "requirements.txt").write_text("not-installed-anywhere==1.0\n")
    handlers = handlers_for(
        tmp_path, "import not_installed_anywhere\ndef handler(event, context):\n    pass\n"
    )
    try:
        await handlers.start()
        body, error = await invoke(handlers)
    finally:
        await handlers.close()
    message = next(record.getMessage() for record in caplog.records if record.levelno == logging.ERROR)
    requirements = tmp_path / "requirements.txt"
    assert message.endswith(
        f"{requirements} lists the function's dependencies and they are not installed where it runs:"
        f" pip install -r {requirements} -t {tmp_path} (or into a .venv folder there)"
    )
    assert error and body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"] == "Unable to import module 'app': No module named 'not_installed_anywhere'"


def test_handler_forms_resolve_to_a_module_in_the_functions_folder(tmp_path: Path) -> None:
    nested = tmp_path / "src" / "orders"
    nested.mkdir(parents=True)
    (nested / "app.py").write_text("")
    by_lambda_form = resolve_code(FunctionConfig("f", "src/orders/app.handler", code_dir=str(tmp_path)))
    assert (by_lambda_form.module, by_lambda_form.task_root) == ("src.orders.app", str(tmp_path))
    by_path = resolve_code(FunctionConfig("f", f"{nested / 'app.py'}:handler"))
    assert (by_path.module, by_path.function, by_path.task_root) == ("app", "handler", str(nested))
    with pytest.raises(HandlerError, match="Python handlers only"):
        resolve_code(FunctionConfig("f", "index.handler", runtime="nodejs20.x"))
    with pytest.raises(HandlerError, match="is not module.function"):
        resolve_code(FunctionConfig("f", "nodot"))


def test_a_virtual_environment_beside_the_code_comes_after_the_code(tmp_path: Path) -> None:
    import sys

    site = tmp_path / ".venv" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    (site / "site-packages").mkdir(parents=True)
    code = resolve_code(FunctionConfig("f", "app.handler", code_dir=str(tmp_path)))
    assert code.paths == (str(site / "site-packages"),)
    assert os.path.isdir(code.paths[0])


async def test_error_documents_can_show_lambdas_paths_while_the_log_keeps_the_real_ones(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    raise ValueError('bad')\n")
    functions = LocalFunctions([FunctionConfig("fn", "app.handler", code_dir=str(tmp_path))])
    handlers = LocalHandlers(functions, sandbox=Sandbox(lambda_paths=True))
    caplog.set_level(logging.INFO, logger="lambda.fn")
    try:
        body, error = await invoke(handlers)
    finally:
        await handlers.close()
    assert error
    assert body["stackTrace"] == [
        "  File \"/var/task/app.py\", line 2, in handler\n    raise ValueError('bad')\n"
    ]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f'File "{tmp_path / "app.py"}", line 2' in logged


async def test_init_time_does_not_count_against_the_functions_timeout(tmp_path: Path) -> None:
    handlers = handlers_for(
        tmp_path,
        "import time\ntime.sleep(0.5)\ndef handler(event, context):\n    return 'ok'\n",
        timeout_seconds=0.2,
    )
    try:
        body, error = await invoke(handlers)
    finally:
        await handlers.close()
    assert (body, error) == ("ok", False)


async def test_a_result_json_cannot_carry_is_lambdas_marshal_error(tmp_path: Path) -> None:
    handlers = handlers_for(
        tmp_path, "import datetime\ndef handler(event, context):\n    return datetime.date(2024, 1, 1)\n"
    )
    try:
        body, error = await invoke(handlers)
    finally:
        await handlers.close()
    assert error
    assert body == {
        "errorMessage": "Unable to marshal response: Object of type date is not JSON serializable",
        "errorType": "Runtime.MarshalError",
        "requestId": "req-1",
        "stackTrace": [],
    }


async def test_an_invocation_during_start_up_waits_for_the_warming_worker(tmp_path: Path) -> None:
    import asyncio

    handlers = handlers_for(tmp_path, "import os\ndef handler(event, context):\n    return os.getpid()\n")
    default_arn = "arn:aws:lambda:us-east-1:123456789012:function:fn"  # the sandbox's account and region
    try:
        start = asyncio.get_running_loop().create_task(handlers.start())
        await asyncio.sleep(0)  # start-up has begun warming
        first = await handlers.invoke("fn", "{}", "r1", default_arn)
        await start
        second = await handlers.invoke("fn", "{}", "r2", default_arn)
        (function,) = handlers._functions.values()  # noqa: SLF001
        assert len(function.all) == 1
    finally:
        await handlers.close()
    assert first.body == second.body


async def test_installed_packages_inside_the_folder_are_not_watched(tmp_path: Path) -> None:
    package = tmp_path / ".venv" / "lib" / "site-packages" / "vendored"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("VALUE = 1\n")
    handlers = handlers_for(
        tmp_path,
        f"import sys\nsys.path.append({str(package.parent)!r})\nimport vendored\n"
        "def handler(event, context):\n    return vendored.VALUE\n",
    )
    try:
        assert (await invoke(handlers))[0] == 1
        (function,) = handlers._functions.values()  # noqa: SLF001
    finally:
        await handlers.close()
    assert list(function.files) == [str(tmp_path / "app.py")]
