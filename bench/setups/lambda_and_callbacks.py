"""Requirement setups for Lambda functions, nested state machines, activities and callback workers.

* ``lambda``: the emulator is started with local handlers for every behaviour of
  ``../shared/corpus/LAMBDA_HANDLERS.md`` (``emulator_env``), under a name prefix per behaviour; a
  case's ``create_lambda_function`` gets a fresh name with that prefix.
* ``nested-sfn``: the child machines of ``extra_state_machines`` are created first.
* ``activity`` / ``activity-worker``: the activity is created; a worker thread answers its tasks the
  way the case's consumer machine did (succeed, heartbeat then succeed, or take it and go silent).
* ``callback-worker(sqs->…)``: a thread takes the task token from the SQS message and answers.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
from botocore.config import Config

HANDLERS = Path(__file__).resolve().parent / "lambda_handlers"
PREFIX = "sfnconf_"
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
_ARN_TOKEN = re.compile(r"\{\{create_lambda_function\.CreateFunctionResponse\.FunctionArn(_\d+)?\}\}")


def emulator_env() -> dict[str, str]:
    """Environment for the emulator process: a local handler per behaviour, by name prefix."""
    mapping = ",".join(
        f"{PREFIX}{folder}_*={HANDLERS / folder / 'handler.py'}:handler"
        for folder in sorted(set(BEHAVIOURS.values()))
    )
    return {"SFN_LAMBDA_HANDLERS": mapping}


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
        created = 0
        for step in ctx.case.data.get("setup") or []:
            if step.get("call") != "create_lambda_function":
                continue
            kwargs = step.get("kwargs") or {}
            behaviour = BEHAVIOURS.get(Path(str(kwargs.get("handler_file", ""))).name)
            if behaviour is None:
                raise runner.SkipCase(f"lambda:{kwargs.get('handler_file')} (no local equivalent)")
            name = f"{PREFIX}{behaviour}_{uuid.uuid4().hex[:10]}"
            token = str(kwargs.get("func_name", ""))
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
        if not any(step.get("call") == "create_lambda_function" for step in ctx.case.data.get("setup") or []):
            raise runner.SkipCase("lambda (function not created by the case)")

    @handler("nested-sfn")
    def _nested(ctx: Any, requirement: str) -> None:
        # A nested case may also need Lambda functions inside its children: create those first.
        for other in ctx.case.data.get("requires") or []:
            if other.startswith("lambda"):
                _lambda(ctx, other)
        for child in ctx.case.data.get("extra_state_machines") or []:
            name = ctx.runner.unique_name()
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
        if "on_deleted" in ctx.case.id:
            arn = ctx.tokens.get("{{activity_arn}}")
            if arn:
                ctx.client.delete_activity(activityArn=arn)

    @handler("activity-worker")
    def _activity_worker(ctx: Any, requirement: str) -> None:
        consumer = next(
            (
                step
                for step in ctx.case.data.get("setup") or []
                if step.get("call") == "sfn_activity_consumer"
            ),
            None,
        )
        if consumer is None:
            raise runner.SkipCase("activity-worker without a consumer")
        template = consumer["kwargs"]["template"]
        comment = str(template.get("Comment", ""))
        get_task = template["States"]["GetActivityTask"]["Parameters"]
        worker_name = get_task.get("WorkerName")
        arn = ctx.tokens["{{activity_arn}}"]
        client = ctx.runner.client(read_timeout=70)
        stop = threading.Event()

        def work() -> None:
            while not stop.is_set():
                request = {"activityArn": arn}
                if worker_name:
                    request["workerName"] = worker_name
                try:
                    task = client.get_activity_task(**request)
                except Exception:  # noqa: BLE001 - the case is over (activity deleted, server gone)
                    return
                token = task.get("taskToken")
                if not token:
                    time.sleep(0.05)
                    continue
                if "TIMEOUT" in comment:
                    return  # take the task and never answer
                if "HEARTBEAT" in comment:
                    client.send_task_heartbeat(taskToken=token)
                client.send_task_success(taskToken=token, output=task["input"])
                return

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        ctx.add_cleanup(stop.set)

    def callback_worker(answer: str) -> Any:
        def setup(ctx: Any, requirement: str) -> None:
            if "sqs" not in runner.REQUIREMENT_HANDLERS:
                raise runner.SkipCase("requires:sqs")
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

            def work() -> None:
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
                        body = json.loads(message["Body"])
                        token = body.get("TaskToken")
                        if not token:
                            continue
                        if answer == "SendTaskFailure":
                            sfn.send_task_failure(
                                taskToken=token, error="Failure error", cause="Failure cause"
                            )
                        else:
                            if answer.startswith("SendTaskHeartbeat"):
                                sfn.send_task_heartbeat(taskToken=token)
                            sfn.send_task_success(taskToken=token, output=json.dumps(body.get("Message")))
                        return

            threading.Thread(target=work, daemon=True).start()
            ctx.add_cleanup(stop.set)

        return setup

    for answer in ("SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat+Success"):
        handler(f"callback-worker(sqs->{answer})")(callback_worker(answer))
