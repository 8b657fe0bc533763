"""Requirement setups for Lambda functions, nested state machines, activities and callback workers.

* ``lambda``: the emulator is started with local handlers for every behaviour of
  ``../shared/corpus/LAMBDA_HANDLERS.md`` (``emulator_env``), under a name prefix per behaviour; a
  case's ``create_lambda_function`` gets a fresh name with that prefix, as long as the name the
  recording test used (AWS measures the function's answer, which often holds its name, in
  ``Content-Length``). A mocked case (``mock-config``) needs no function at all.
* ``nested-sfn``: the child machines of ``extra_state_machines`` are created first, under fresh names as
  long as the recorded ones (they are part of the StartExecution answer AWS measures).
* ``activity`` / ``activity-worker``: the activity is created; the case's consumer state machine
  (``sfn_activity_consumer``) is created and started with its ARN, and works its tasks as it did
  for the recording (succeed, heartbeat then succeed, or take the task and go silent).
* ``callback-worker(sqs->…)``: a thread takes the task token from every SQS message and answers.
* ``sqs`` cases with a ``.waitForTaskToken`` task but no worker requirement: the recording test answered
  the tokens itself. Its answer is read off the recorded history: TaskSucceeded with the message body
  (or its ``Message``) as output, TaskFailed with the recorded error/cause (none at all for the
  no-error-field case), nothing for a task that timed out. Heartbeat cases beat before answering.
* Tokens the recording test replaced with ``<<task_token>:N>`` (its own transformer of the value it
  read from SQS) are mapped back the same way, the N-th token read to ``<<task_token>:N>``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
import time
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
from botocore.config import Config

HANDLERS = Path(__file__).resolve().parent / "lambda_handlers"
# The corpus' handler file (its basename) -> our function folder with the same behaviour.
BEHAVIOURS = {
    "id_function.py": "identity",
    "echo_function.py": "echo",
    "return_decorated_input.py": "decorated_input",
    "return_bytes_str.py": "bytes_string",
    "wait_60_seconds.py": "sleep_60",
    "raise_exception.py": "raise_exception",
    "raise_custom_exception.py": "raise_custom_exception",
    "large_output_string.py": "large_output",
}
# A short name prefix per behaviour (all of one length, so none is a prefix of another).
CODES = {folder: f"sfc{index:02d}_" for index, folder in enumerate(sorted(set(BEHAVIOURS.values())))}
_RECORDED_TOKEN = re.compile(r"<<task_token>:(\d+)>")


# The runtime the recording tests created their functions with (``create_lambda_function``).
RUNTIME = "python3.12"


def emulator_env() -> dict[str, str]:
    """Environment for the emulator process: a local handler per behaviour, by name prefix, on the
    recordings' runtime (a handlers file: the runtime is an option of the object form)."""
    functions = {
        f"{code}*": {"handler": f"{HANDLERS / folder / 'handler.py'}:handler", "runtime": RUNTIME}
        for folder, code in sorted(CODES.items())
    }
    path = Path(tempfile.gettempdir()) / f"sfn-conformance-lambda-{os.getpid()}.json"
    path.write_text(json.dumps(functions, indent=1))
    # AWS's recordings show the function's files under /var/task.
    return {"SFN_LAMBDA_HANDLERS_FILE": str(path), "SFN_LAMBDA_TRACE_PATHS": "lambda"}


def sized_name(prefix: str, length: int | None) -> str:
    """A fresh unique name starting with ``prefix``, ``length`` characters long where that leaves
    room for at least 8 random ones."""
    random_part = max(8, (length or 0) - len(prefix))
    return prefix + (uuid.uuid4().hex + uuid.uuid4().hex)[:random_part]


def recorded_length(value: str, placeholders: dict[str, Any]) -> int | None:
    """Length of the name the recording test used: a literal, or a token's stand-in of equal length."""
    if not value.startswith("{{"):
        return len(value) or None
    fake = str((placeholders.get(value) or {}).get("fake_value") or "")
    return len(fake) if fake and not fake.startswith("@@") else None


def _substitute(value: Any, tokens: dict[str, str]) -> Any:
    text = json.dumps(value)
    for token, real in tokens.items():
        text = text.replace(token, real)
    return json.loads(text)


def register(runner: ModuleType) -> None:
    handler = runner.requirement_handler

    @handler("lambda")
    def _lambda(ctx: Any, requirement: str) -> None:
        if getattr(ctx, "_lambdas_created", False):
            return
        ctx._lambdas_created = True
        account = ctx.runner.account
        placeholders = ctx.case.data.get("placeholders") or {}
        created = 0
        for step in ctx.case.data.get("setup") or []:
            if step.get("call") != "create_lambda_function":
                continue
            kwargs = step.get("kwargs") or {}
            behaviour = BEHAVIOURS.get(Path(str(kwargs.get("handler_file", ""))).name)
            if behaviour is None:
                raise runner.SkipCase(f"lambda:{kwargs.get('handler_file')} (no local equivalent)")
            token = str(kwargs.get("func_name", ""))
            name = sized_name(CODES[behaviour], recorded_length(token, placeholders))
            if token.startswith("{{"):
                ctx.tokens[token] = name
            arn = f"arn:aws:lambda:{runner.REGION}:{account}:function:{name}"
            arn_token = step.get("result_placeholder")
            if not arn_token:
                created += 1
                arn_token = "{{create_lambda_function.CreateFunctionResponse.FunctionArn%s}}" % (
                    "" if created == 1 else f"_{created}"
                )
            ctx.tokens[arn_token] = arn
        if created or any(
            step.get("call") == "create_lambda_function" for step in ctx.case.data.get("setup") or []
        ):
            return
        # A Lambda ARN used without a create call (a mocked case, or one that fails before calling
        # it): nothing to provide; any name token is a generated name the runner resolves.

    @handler("nested-sfn")
    def _nested(ctx: Any, requirement: str) -> None:
        # A nested case may also need Lambda functions inside its children: create those first.
        for other in ctx.case.data.get("requires") or []:
            if other.startswith("lambda"):
                _lambda(ctx, other)
        placeholders = ctx.case.data.get("placeholders") or {}
        for child in ctx.case.data.get("extra_state_machines") or []:
            origin = (placeholders.get(child.get("placeholder") or "") or {}).get("origin") or {}
            recorded_name = str((origin.get("kwargs") or {}).get("name") or "")
            name = sized_name("conf_", recorded_length(recorded_name, placeholders))
            definition = _substitute(child["definition"], ctx.tokens)
            response = ctx.client.create_state_machine(
                name=name,
                definition=json.dumps(definition),
                roleArn=runner.ROLE_ARN,
                type=child.get("type") or "STANDARD",
            )
            arn = response["stateMachineArn"]
            placeholder = child.get("placeholder")
            if placeholder:
                ctx.tokens[placeholder] = arn
                info = (ctx.case.data.get("placeholders") or {}).get(placeholder) or {}
                recorded = info.get("recorded_as")
                if recorded:
                    ctx.reverse.append((arn, recorded))
                ctx.reverse.append((name, placeholder.strip("{}").join("<>")))
            ctx.add_cleanup(lambda arn=arn: ctx.client.delete_state_machine(stateMachineArn=arn))

    @handler("activity")
    def _activity(ctx: Any, requirement: str) -> None:
        for step in ctx.case.data.get("setup") or []:
            if step.get("call") != "create_activity":
                continue
            name_token = str((step.get("kwargs") or {}).get("name", ""))
            name = f"conf-activity-{uuid.uuid4().hex[:10]}"
            arn = ctx.client.create_activity(name=name)["activityArn"]
            ctx.tokens[name_token] = name
            ctx.tokens[step.get("result_placeholder") or "{{activity_arn}}"] = arn
            ctx.add_cleanup(lambda arn=arn: ctx.client.delete_activity(activityArn=arn))

    @handler("activity-worker")
    def _activity_worker(ctx: Any, requirement: str) -> None:
        """The worker is the case's own consumer state machine (``sfn_activity_consumer``): it is
        created and started with the activity's ARN, as the recording test did, so whatever its
        states do (answer, beat then answer, take the task and go silent) is what happens."""
        consumers = [
            step for step in ctx.case.data.get("setup") or [] if step.get("call") == "sfn_activity_consumer"
        ]
        if not consumers:
            raise runner.SkipCase("activity-worker without a consumer")
        for step in consumers:
            kwargs = step.get("kwargs") or {}
            definition = _substitute(kwargs["template"], ctx.tokens)
            arn_token = str(kwargs.get("activity_arn") or "{{activity_arn}}")
            activity_arn = ctx.tokens.get(arn_token) or ctx.tokens["{{activity_arn}}"]
            machine = ctx.client.create_state_machine(
                name=f"conf_consumer_{uuid.uuid4().hex[:10]}",
                definition=json.dumps(definition),
                roleArn=runner.ROLE_ARN,
            )["stateMachineArn"]
            execution = ctx.client.start_execution(
                stateMachineArn=machine, input=json.dumps({"ActivityArn": activity_arn})
            )["executionArn"]

            def stop(machine: str = machine, execution: str = execution) -> None:
                with contextlib.suppress(Exception):
                    ctx.client.stop_execution(executionArn=execution)
                with contextlib.suppress(Exception):
                    ctx.client.delete_state_machine(stateMachineArn=machine)

            ctx.add_cleanup(stop)

    def callback_worker(answer: str) -> Any:
        def setup(ctx: Any, requirement: str) -> None:
            if "sqs" not in runner.REQUIREMENT_HANDLERS:
                raise runner.SkipCase("requires:sqs")

            def respond(sfn: Any, index: int, token: str, body: Any) -> None:
                if answer == "SendTaskFailure":
                    sfn.send_task_failure(taskToken=token, error="Failure error", cause="Failure cause")
                    return
                if answer.startswith("SendTaskHeartbeat"):
                    sfn.send_task_heartbeat(taskToken=token)
                sfn.send_task_success(taskToken=token, output=json.dumps(body.get("Message")))

            answer_sqs_tokens(runner, ctx, respond)

        return setup

    for answer in ("SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat+Success"):
        handler(f"callback-worker(sqs->{answer})")(callback_worker(answer))

    services_setup = runner.REQUIREMENT_HANDLERS.get("sqs")  # bench/setups/aws_services.py

    @handler("sqs")
    def _sqs(ctx: Any, requirement: str) -> None:
        if services_setup is not None:
            services_setup(ctx, requirement)
        requires = ctx.case.data.get("requires") or []
        if getattr(ctx, "_test_answers", False) or any(
            r.startswith(("callback-worker", "mock-config")) for r in requires
        ):
            return
        if "sendMessage.waitForTaskToken" not in json.dumps(ctx.case.data.get("definition")):
            return
        ctx._test_answers = True
        plan = recorded_answers(ctx.case.data)
        heartbeat = "heartbeat" in ctx.case.id and "timeout" not in ctx.case.id

        def respond(sfn: Any, index: int, token: str, body: Any) -> None:
            if index >= len(plan) or plan[index] is None:
                return  # the recording test let this task time out
            kind, value = plan[index]
            if kind == "failure":
                sfn.send_task_failure(taskToken=token, **value)
                return
            if heartbeat:
                sfn.send_task_heartbeat(taskToken=token)
                sfn.send_task_heartbeat(taskToken=token)
            output = body if value == "body" else body.get("Message")
            sfn.send_task_success(taskToken=token, output=json.dumps(output))

        answer_sqs_tokens(runner, ctx, respond)


Answer = tuple[str, Any] | None


def recorded_answers(case: dict[str, Any]) -> list[Answer]:
    """How the recording test answered each ``sqs:sendMessage.waitForTaskToken`` task, in order."""
    answers: list[Answer] = []
    body: Any = None
    for event in (case.get("expected") or {}).get("history") or []:
        kind = event.get("type")
        if kind == "TaskScheduled":
            details = event.get("taskScheduledEventDetails") or {}
            if details.get("resource") != "sendMessage.waitForTaskToken":
                body = None
                continue
            body = (details.get("parameters") or {}).get("MessageBody")
            answers.append(None)
        elif body is None or not answers:
            continue
        elif kind == "TaskSucceeded":
            output = (event.get("taskSucceededEventDetails") or {}).get("output")
            if isinstance(output, str):
                with contextlib.suppress(ValueError):
                    output = json.loads(output)
            if output == body:
                answers[-1] = ("success", "body")
            elif isinstance(body, dict) and output == body.get("Message"):
                answers[-1] = ("success", "Message")
            body = None
        elif kind == "TaskFailed":
            details = event.get("taskFailedEventDetails") or {}
            answers[-1] = ("failure", {k: details[k] for k in ("error", "cause") if k in details})
            body = None
    return answers


def answer_sqs_tokens(runner: ModuleType, ctx: Any, respond: Any) -> None:
    """A thread that reads every message of the case's queue and lets ``respond(sfn, index, token, body)``
    answer its task token; tokens the recording wrote as ``<<task_token>:N>`` are mapped back."""
    stop = threading.Event()
    sqs = boto3.client(
        "sqs",
        endpoint_url=ctx.runner.endpoint,
        region_name=runner.REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}),
    )
    sfn = ctx.runner.client()
    recorded = set(_RECORDED_TOKEN.findall(json.dumps(ctx.case.data.get("expected"))))

    def work() -> None:
        index = 0
        while not stop.is_set():
            url = ctx.tokens.get("{{sqs_queue_url}}")
            if not url:
                time.sleep(0.05)
                continue
            try:
                messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages") or []
            except Exception:  # noqa: BLE001 - the queue is gone: the case is over
                return
            for message in messages:
                with contextlib.suppress(Exception):
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                try:
                    body = json.loads(message["Body"])
                except ValueError:
                    continue
                token = body.get("TaskToken") if isinstance(body, dict) else None
                if not token:
                    continue
                if str(index + 1) in recorded:
                    ctx.reverse.append((token, f"<<task_token>:{index + 1}>"))
                # a refused answer (the task already timed out) shows in the history
                with contextlib.suppress(Exception):
                    respond(sfn, index, token, body)
                index += 1

    threading.Thread(target=work, daemon=True).start()
    ctx.add_cleanup(stop.set)
