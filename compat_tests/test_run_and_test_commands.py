"""``sfn-emulator run`` and ``sfn-emulator test`` end to end: the installed command line in a
subprocess, its output, its exit status, and the JUnit XML parsed back."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "examples" / "order-workflow"
FLOW = {
    "StartAt": "Validate",
    "States": {
        "Validate": {"Type": "Pass", "Parameters": {"id.$": "$.id"}, "Next": "Cool down"},
        "Cool down": {"Type": "Wait", "Seconds": 86400, "Next": "Check"},
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.id", "NumericGreaterThan": 100, "Next": "Too big"}],
            "Default": "Done",
        },
        "Too big": {"Type": "Fail", "Error": "OrderTooBig", "Cause": "ids above 100 are refused"},
        "Done": {"Type": "Succeed"},
    },
}


def sfn_emulator(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", *arguments], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    path = tmp_path / "flow.asl.json"
    path.write_text(json.dumps(FLOW))
    return path


def test_run_prints_a_timeline_and_the_output_and_exits_0_on_success(flow_file: Path) -> None:
    result = sfn_emulator("run", str(flow_file), "--input", '{"id": 7}')
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert 'input {"id":7}' in lines[0]
    states = [line.split()[1] for line in lines[1:] if line.startswith("  ")]
    assert states == ["Validate", "Cool", "Check", "Done"]
    assert any("Wait" in line and "1d" in line for line in lines)  # the day's Wait, in no time
    assert "SUCCEEDED after 1d" in result.stdout
    assert lines[-1] == 'output {"id":7}'


def test_run_exits_1_with_the_error_when_the_execution_fails(flow_file: Path) -> None:
    result = sfn_emulator("run", str(flow_file), "--input", '{"id": 700}')
    assert result.returncode == 1
    assert "FAILED after 1d  error OrderTooBig" in result.stdout
    assert "cause ids above 100 are refused" in result.stdout


def test_run_output_json_is_the_raw_history(flow_file: Path) -> None:
    result = sfn_emulator("run", str(flow_file), "--input", '{"id": 1}', "--output", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["execution"]["status"] == "SUCCEEDED"
    kinds = [event["type"] for event in document["events"]]
    assert kinds[0] == "ExecutionStarted" and kinds[-1] == "ExecutionSucceeded"
    waits = {event["type"]: event["timestamp"] for event in document["events"] if "Wait" in event["type"]}
    assert waits["WaitStateExited"] - waits["WaitStateEntered"] == pytest.approx(86400, abs=0.001)


def test_run_reads_yaml_and_runs_a_mock_config_test_case() -> None:
    result = sfn_emulator(
        "run",
        str(PROJECT / "OrderFlow.asl.json"),
        "--input",
        '{"id": "o-9"}',
        "--mock-config",
        str(PROJECT / "mocks.json"),
        "--test-case",
        "BusyThenOk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("! TaskFailed: PaymentServiceBusy") == 2
    assert '"receipt":"r-1"' in result.stdout


def test_run_refuses_a_bad_definition_or_input_with_exit_2(tmp_path: Path, flow_file: Path) -> None:
    bad = tmp_path / "bad.asl.yaml"
    bad.write_text("StartAt: Missing\nStates:\n  P:\n    Type: Pass\n    End: true\n")
    refused = sfn_emulator("run", str(bad))
    assert refused.returncode == 2
    assert "InvalidDefinition" in refused.stderr and "Missing" in refused.stderr
    assert sfn_emulator("run", str(flow_file), "--input", "{not json").returncode == 2
    assert sfn_emulator("run", str(tmp_path / "absent.json")).returncode == 2


def test_the_server_still_starts_with_flags_alone() -> None:
    result = sfn_emulator("--help")
    assert result.returncode == 0 and "--clock" in result.stdout and "--port" in result.stdout


def test_test_runs_every_case_reports_one_line_each_and_exits_0_when_all_pass(tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    result = sfn_emulator("test", str(PROJECT / "mocks.json"), "--junit", str(report))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines[:-1]] == [
        ["PASS", "OrderFlow/HappyPath"],
        ["PASS", "OrderFlow/BusyThenOk"],
        ["PASS", "OrderFlow/Declined"],
    ]
    assert lines[-1] == "3 passed, 0 failed"
    suite = ElementTree.parse(report).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "0"


def _config_with(expectations: dict[str, Any], extra_case: bool = False) -> dict[str, Any]:
    document = json.loads((PROJECT / "mocks.json").read_text())
    machine = document["StateMachines"]["OrderFlow"]
    machine["Expectations"] = expectations
    if extra_case:
        document["StateMachines"]["Unknown"] = {"TestCases": {"Any": {}}}
    return document


def test_test_reports_each_unmet_expectation_writes_junit_failures_and_exits_1(tmp_path: Path) -> None:
    config = tmp_path / "mocks.json"
    config.write_text(
        json.dumps(
            _config_with(
                {
                    "HappyPath": {
                        "Input": {"id": "o-1"},
                        "Output": {"order": "o-2"},
                        "Assertions": [{"Path": "$.receipt", "Equals": "r-2"}, {"JSONata": "order = 'o-1'"}],
                        "StatesVisited": ["Charge", "Ship"],
                    },
                    "BusyThenOk": {"Input": {"id": "o-2"}, "Status": "FAILED"},
                    "Declined": {"Input": {"id": "o-3"}, "Status": "FAILED", "Error": "CardDeclined"},
                },
                extra_case=True,
            )
        )
    )
    (tmp_path / "OrderFlow.asl.yaml").write_text(
        json.dumps(json.loads((PROJECT / "OrderFlow.asl.json").read_text()))
    )
    report = tmp_path / "report.xml"
    result = sfn_emulator("test", str(config), "--junit", str(report))
    assert result.returncode == 1
    out = result.stdout
    assert "FAIL  OrderFlow/HappyPath" in out
    assert 'path \'$.receipt\' is "r-1", expected "r-2"' in out
    assert "states visited ['Charge', 'Cooling off', 'Ship'], expected ['Charge', 'Ship']" in out
    assert "JSONata" not in out  # the JSONata assertion held
    assert "FAIL  OrderFlow/BusyThenOk" in out and "status SUCCEEDED, expected FAILED" in out
    assert "error 'OrderDeclined', expected 'CardDeclined'" in out
    assert "ERROR  Unknown/Any" in out and "no definition for state machine 'Unknown'" in out
    assert out.splitlines()[-1] == "0 passed, 4 failed"
    suite = ElementTree.parse(report).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "3", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    failure = cases["HappyPath"].find("failure")
    assert failure is not None and 'expected "r-2"' in (failure.get("message") or "")
    assert cases["Any"].find("error") is not None


def test_test_takes_definitions_by_name_and_without_expectations_needs_success(tmp_path: Path) -> None:
    definition = tmp_path / "notify.json"
    definition.write_text(
        json.dumps(
            {
                "StartAt": "Send",
                "States": {
                    "Send": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::sqs:sendMessage",
                        "Parameters": {
                            "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                            "MessageBody": "hi",
                        },
                        "End": True,
                    }
                },
            }
        )
    )
    config = tmp_path / "cases.json"
    config.write_text(
        json.dumps(
            {
                "StateMachines": {
                    "Notify": {"TestCases": {"Sent": {"Send": "Ok"}, "Refused": {"Send": "Refused"}}}
                },
                "MockedResponses": {
                    "Ok": {"0": {"Return": {"MessageId": "m-1"}}},
                    "Refused": {"0": {"Throw": {"Error": "SQS.QueueDoesNotExist", "Cause": "no queue"}}},
                },
            }
        )
    )
    result = sfn_emulator("test", str(config), "--definition", f"Notify={definition}")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "1 passed, 1 failed"
    assert "status FAILED (SQS.QueueDoesNotExist: no queue), expected SUCCEEDED" in result.stdout
    assert sfn_emulator("test", str(tmp_path / "absent.json")).returncode == 2
    assert sfn_emulator("test", str(config), "--definition", "Notify").returncode == 2


def test_run_on_a_running_emulator_by_file_or_by_state_machine_name(
    live_server: Any, flow_file: Path
) -> None:
    by_file = sfn_emulator("run", str(flow_file), "--endpoint", live_server.url, "--input", '{"id": 3}')
    assert by_file.returncode == 0, by_file.stdout + by_file.stderr
    assert by_file.stdout.splitlines()[-1] == 'output {"id":3}'
    sfn = live_server_client(live_server)
    sfn.create_state_machine(
        name="remote-flow", definition=json.dumps(FLOW), roleArn="arn:aws:iam::123456789012:role/r"
    )
    by_name = sfn_emulator(
        "run", "--endpoint", live_server.url, "--state-machine", "remote-flow", "--input", '{"id": 500}'
    )
    assert by_name.returncode == 1 and "error OrderTooBig" in by_name.stdout
    missing = sfn_emulator("run", "--endpoint", live_server.url, "--state-machine", "absent")
    assert missing.returncode == 2 and "StateMachineDoesNotExist" in missing.stderr


def live_server_client(server: Any) -> Any:
    from compat_tests.conftest import make_client

    return make_client(server.url)


HAS_TEMPLATES = importlib.util.find_spec("emulator.templates") is not None
TEMPLATE = {
    "Resources": {
        "OrderFlow": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "StateMachineName": "orders-prod",
                "RoleArn": "arn:aws:iam::123456789012:role/r",
                "DefinitionString": json.dumps(
                    {
                        "StartAt": "Cool down",
                        "States": {
                            "Cool down": {"Type": "Wait", "Seconds": 3600, "Next": "Charge"},
                            "Charge": {
                                "Type": "Task",
                                "Resource": "arn:aws:states:::lambda:invoke",
                                "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
                                "End": True,
                            },
                        },
                    }
                ),
            },
        },
        "Other": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "RoleArn": "arn:aws:iam::123456789012:role/r",
                "DefinitionString": json.dumps(
                    {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
                ),
            },
        },
    }
}
TEMPLATE_MOCKS = {
    "StateMachines": {
        "OrderFlow": {
            "TestCases": {"Ok": {"Charge": "ChargeOk"}},
            "Expectations": {"Ok": {"Assertions": [{"Path": "$.Payload.receipt", "Equals": "r-1"}]}},
        }
    },
    "MockedResponses": {"ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"receipt": "r-1"}}}}},
}


@pytest.mark.skipif(HAS_TEMPLATES, reason="this build has the templates support")
def test_template_without_template_support_says_so_with_exit_2(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources: {}\n")
    result = sfn_emulator("run", "--template", str(template), "--state-machine", "Orders")
    assert result.returncode == 2 and "--template" in result.stderr


@pytest.mark.skipif(not HAS_TEMPLATES, reason="this build lacks the templates support (emulator/templates)")
def test_run_and_test_take_state_machines_from_a_template(tmp_path: Path) -> None:
    (tmp_path / "template.json").write_text(json.dumps(TEMPLATE))
    (tmp_path / "mocks.json").write_text(json.dumps(TEMPLATE_MOCKS))
    other = sfn_emulator("run", "--template", "template.json", "--state-machine", "Other", cwd=tmp_path)
    assert other.returncode == 0 and other.stdout.splitlines()[-1] == "output {}"
    ambiguous = sfn_emulator("run", "--template", "template.json", cwd=tmp_path)
    assert ambiguous.returncode == 2 and "['OrderFlow', 'Other']" in ambiguous.stderr
    missing = sfn_emulator("run", "--template", "template.json", "--state-machine", "Nope", cwd=tmp_path)
    assert missing.returncode == 2 and "no state machine 'Nope'" in missing.stderr
    mocked = sfn_emulator(
        "run", "--template", "template.json", "--state-machine", "OrderFlow",
        "--mock-config", "mocks.json", "--test-case", "Ok", cwd=tmp_path,
    )  # fmt: skip
    assert mocked.returncode == 0, mocked.stdout + mocked.stderr
    assert "SUCCEEDED after 1h" in mocked.stdout and '"receipt":"r-1"' in mocked.stdout
    suite = sfn_emulator("test", "mocks.json", "--template", "template.json", cwd=tmp_path)
    assert suite.returncode == 0, suite.stdout + suite.stderr
    assert suite.stdout.splitlines()[-1] == "1 passed, 0 failed"
