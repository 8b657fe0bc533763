"""The template start-up scenario of `make bench`: the emulator started with ``--template`` on a
50-resource CloudFormation template (state machines, queues, tables, topics, buckets, log groups,
roles and inline Python functions, wired together with Ref / GetAtt / Sub).

Measured from spawning the process: the first answer (target < 1 s) and the moment every state
machine of the template is listed (target < 2 s).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.compat import free_port
from bench.core import tree_cpu_s

MACHINES = 10
FIRST_ANSWER_TARGET_S = 1.0
MACHINES_READY_TARGET_S = 2.0
FUNCTION_CODE = "def handler(event, context):\n    return event\n"


def fifty_resource_template() -> dict[str, Any]:
    """10 machines + 10 queues + 5 tables + 5 topics + 5 functions + 5 log groups + 5 roles + 5 buckets."""
    resources: dict[str, Any] = {}
    for index in range(5):
        resources[f"Table{index}"] = {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            },
        }
        resources[f"Topic{index}"] = {"Type": "AWS::SNS::Topic"}
        resources[f"Bucket{index}"] = {"Type": "AWS::S3::Bucket"}
        resources[f"Logs{index}"] = {"Type": "AWS::Logs::LogGroup"}
        resources[f"Role{index}"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "states.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                }
            },
        }
        resources[f"Function{index}"] = {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": [f"Role{index}", "Arn"]},
                "Code": {"ZipFile": FUNCTION_CODE},
                "Environment": {"Variables": {"TABLE": {"Ref": f"Table{index}"}}},
            },
        }
    for index in range(MACHINES):
        resources[f"Queue{index}"] = {"Type": "AWS::SQS::Queue"}
        definition = {
            "StartAt": "Invoke",
            "States": {
                "Invoke": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "${Function}", "Payload.$": "$"},
                    "Next": "Save",
                },
                "Save": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::dynamodb:putItem",
                    "Parameters": {"TableName": "${Table}", "Item": {"id": {"S.$": "$$.Execution.Name"}}},
                    "Next": "Send",
                },
                "Send": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage",
                    "Parameters": {"QueueUrl": "${Queue}", "MessageBody.$": "$"},
                    "Next": "Publish",
                },
                "Publish": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sns:publish",
                    "Parameters": {"TopicArn": "${Topic}", "Message.$": "$"},
                    "End": True,
                },
            },
        }
        shared = index % 5
        resources[f"Machine{index}"] = {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "StateMachineName": f"bench-template-{index}",
                "RoleArn": {"Fn::GetAtt": [f"Role{shared}", "Arn"]},
                "DefinitionString": json.dumps(definition),
                "DefinitionSubstitutions": {
                    "Function": {"Fn::GetAtt": [f"Function{shared}", "Arn"]},
                    "Table": {"Ref": f"Table{shared}"},
                    "Queue": {"Ref": f"Queue{index}"},
                    "Topic": {"Ref": f"Topic{shared}"},
                },
            },
        }
    assert len(resources) == 50
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def bench_template_startup(args: Any, server_name: str = "emulator") -> dict[str, Any]:
    """Spawn ``python -m emulator --template <50 resources>``; seconds to the first answer, to
    every machine being listed and to every resource created."""
    if server_name != "emulator":
        from bench.scenarios import Skip

        raise Skip("--template is the emulator's own")
    folder = Path(tempfile.mkdtemp(prefix="bench-template-"))
    template = folder / "template.json"
    template.write_text(json.dumps(fifty_resource_template()))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "emulator", "--port", str(port), "--template", str(template)]
    began = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={"LOG_LEVEL": "WARNING", **_env()}
    )
    first = machines = ready = None
    cpu: dict[
        str, float
    ] = {}  # the server's CPU seconds at each moment: what load on the host does not inflate
    try:
        while time.perf_counter() - began < 60:
            try:
                report = _get(f"{url}/_emulator/templates")
            except OSError:
                time.sleep(0.005)
                continue
            now = time.perf_counter() - began
            if first is None:
                first, cpu["first"] = now, tree_cpu_s(process.pid)
            if machines is None and _machine_count(url) >= MACHINES:
                machines, cpu["machines"] = time.perf_counter() - began, tree_cpu_s(process.pid)
            if report.get("ready"):
                ready = now
                break
            time.sleep(0.005)
        if ready is None or machines is None:
            raise RuntimeError("the template did not load within 60 s")
        statuses: dict[str, int] = {}
        for stack in report["templates"][0]["stacks"]:
            for item in stack["resources"]:
                statuses[item["status"]] = statuses.get(item["status"], 0) + 1
        print(
            f"  template start-up: first answer {first:.3f} s (target < {FIRST_ANSWER_TARGET_S} s), "
            f"{MACHINES} machines ready {machines:.3f} s (target < {MACHINES_READY_TARGET_S} s), "
            f"all 50 resources {ready:.3f} s; server CPU {cpu['first']:.2f} / {cpu['machines']:.2f} s; {statuses}",
            flush=True,
        )
        return {
            "template_first_answer_s": round(first, 4),
            "template_machines_ready_s": round(machines, 4),
            "template_all_resources_s": round(ready, 4),
            "template_cpu_to_first_answer_s": round(cpu["first"], 3),
            "template_cpu_to_machines_s": round(cpu["machines"], 3),
        }
    finally:
        process.terminate()
        process.wait(timeout=30)


def _machine_count(url: str) -> int:
    """ListStateMachines over plain HTTP (no SDK import inside the measured time)."""
    request = urllib.request.Request(
        url,
        data=b"{}",
        headers={
            "X-Amz-Target": "AWSStepFunctions.ListStateMachines",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return len(json.loads(response.read())["stateMachines"])


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
