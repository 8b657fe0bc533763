"""JSONPath forms from AWS's public sample definitions, run through a live server with boto3.

AWS reads JSONPath with Jayway JsonPath (https://github.com/json-path/JsonPath): `.[` is `[`, so
`$.[0]` names one node and a filter may follow a dot; several names in one bracket after a wildcard
give one object per item. Paths page: https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import wait_finished


def _run(sfn: Any, states: dict[str, Any], document: Any) -> dict[str, Any]:
    definition = {"StartAt": next(iter(states)), "States": states}
    arn = sfn.create_state_machine(
        name=f"jsonpath-{uuid.uuid4().hex[:12]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(document))["executionArn"]
    return wait_finished(sfn, execution)


def _pass(parameters: dict[str, Any]) -> dict[str, Any]:
    return {"P": {"Type": "Pass", "Parameters": parameters, "End": True}}


def test_string_to_json_of_the_first_item_body(sfn: Any) -> None:
    described = _run(
        sfn,
        _pass({"message.$": "States.StringToJson($.[0].body)"}),
        [{"body": '{"order": 7}'}, {"body": "{}"}],
    )
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"message": {"order": 7}}


def test_a_polling_choice_on_the_first_snapshot_state_matches(sfn: Any) -> None:
    states = {
        "IsReady": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.Snapshots.[0].State", "StringEquals": "completed", "Next": "Ready"}],
            "Default": "NotYet",
        },
        "Ready": {"Type": "Succeed"},
        "NotYet": {"Type": "Fail", "Error": "NotYet"},
    }
    assert _run(sfn, states, {"Snapshots": [{"State": "completed"}]})["status"] == "SUCCEEDED"
    assert _run(sfn, states, {"Snapshots": [{"State": "pending"}]})["error"] == "NotYet"


def test_a_filter_after_a_dot_is_accepted_and_filters(sfn: Any) -> None:
    described = _run(sfn, _pass({"newOU.$": "$.[?(@.OU > 0)]"}), [{"OU": 2}, {"OU": 0}])
    assert json.loads(described["output"]) == {"newOU": [{"OU": 2}]}


def test_several_names_after_a_wildcard_give_one_object_per_item(sfn: Any) -> None:
    document = [{"bucket": "b1", "key": "k1", "size": 3}, {"bucket": "b2", "key": "k2"}]
    described = _run(sfn, _pass({"objects.$": "$.[*].['bucket', 'key']"}), document)
    assert json.loads(described["output"]) == {
        "objects": [{"bucket": "b1", "key": "k1"}, {"bucket": "b2", "key": "k2"}]
    }


def test_a_function_at_the_tail_is_created_then_not_found_as_on_aws(sfn: Any) -> None:
    # AWS re:Post, "sum() function returns error about not finding path": accepted at creation, then
    # "The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the input".
    described = _run(sfn, _pass({"Jobs.$": "$.Jobs.sum()"}), {"Jobs": [0, 1]})
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Runtime"
    assert described["cause"].endswith(
        "The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the input "
        "'{\"Jobs\":[0,1]}'"
    )


@pytest.mark.parametrize("path", ["$.a b", "$[?(@.a ==)]", "$.", "$['a'"])
def test_a_path_jayway_rejects_is_an_invalid_definition(sfn: Any, path: str) -> None:
    definition = {"StartAt": "P", "States": _pass({"x.$": path})}
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(
            name=f"jsonpath-{uuid.uuid4().hex[:12]}", definition=json.dumps(definition), roleArn=ROLE_ARN
        )
    assert raised.value.response["Error"]["Code"] == "InvalidDefinition"
    assert "must be a valid JSONPath" in raised.value.response["Error"]["Message"]
