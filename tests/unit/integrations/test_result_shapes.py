from __future__ import annotations

from typing import Any

import pytest

from emulator.integrations.result_shapes import (
    NONE,
    PRESENT,
    STRICT,
    ResultShape,
    result_mismatch,
    result_shape_for,
)
from emulator.language.states.task_state import parse_resource


def shape_of(arn: str) -> ResultShape:
    found = result_shape_for(parse_resource(arn))
    assert found is not None
    return found


def test_an_optimized_integration_is_checked_against_its_operation_output() -> None:
    assert shape_of("arn:aws:states:::states:startExecution").api == "SFN StartExecution"
    assert shape_of("arn:aws:states:::events:putEvents").api.endswith("PutEvents")


def test_an_aws_sdk_resource_maps_the_sdk_v2_service_name_to_botocores() -> None:
    assert shape_of("arn:aws:states:::aws-sdk:sfn:describeExecution").api == "SFN DescribeExecution"
    assert shape_of("arn:aws:states:::aws-sdk:s3:listObjectsV2").api == "S3 ListObjectsV2"


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::http:invoke",
        "arn:aws:states:::apigateway:invoke",
        "arn:aws:states:us-east-1:123456789012:activity:work",
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:aws:states:::aws-sdk:nosuchservice:doThing",
        "arn:aws:states:::aws-sdk:s3:noSuchAction",
    ],
)
def test_results_without_a_modelled_request_response_api_are_not_checked(arn: str) -> None:
    assert result_shape_for(parse_resource(arn)) is None


START = "arn:aws:states:::states:startExecution"


def mismatch(arn: str, value: Any, mode: str = STRICT) -> str | None:
    return result_mismatch(value, shape_of(arn).shape, mode)


def test_strict_requires_every_required_member() -> None:
    assert mismatch(START, {}) == "required field 'ExecutionArn' is missing"
    assert mismatch(START, {"ExecutionArn": "arn"}) == "required field 'StartDate' is missing"
    assert mismatch(START, {"ExecutionArn": "arn", "StartDate": "2026-11-27T22:25:54.634585"}) is None


def test_present_and_none_do_not_require_members() -> None:
    assert mismatch(START, {}, PRESENT) is None
    assert mismatch(START, {}, NONE) is None


def test_a_present_member_of_the_wrong_type_is_named() -> None:
    wrong = {"ExecutionArn": "arn", "StartDate": True}
    assert mismatch(START, wrong) == "field 'StartDate' must be a timestamp (a string or a number)"
    assert mismatch(START, wrong, PRESENT) == "field 'StartDate' must be a timestamp (a string or a number)"
    assert mismatch(START, wrong, NONE) is None


def test_unknown_members_are_accepted_in_strict_mode() -> None:
    assert mismatch("arn:aws:states:::events:putEvents", {"random": "json"}) is None
    assert mismatch("arn:aws:states:::dynamodb:putItem", {"SdkHttpMetadata": {"HttpStatusCode": 200}}) is None


def test_nested_members_are_checked_with_their_path() -> None:
    events = "arn:aws:states:::events:putEvents"
    assert mismatch(events, {"Entries": "x"}) == "field 'Entries' must be an array"
    assert mismatch(events, {"Entries": [{"EventId": 1}]}) == "field 'Entries[0].EventId' must be a string"
    assert mismatch(events, {"FailedEntryCount": "0"}) == "field 'FailedEntryCount' must be an integer"
    assert mismatch(events, {"FailedEntryCount": 0, "Entries": [{"EventId": "e"}]}) is None


def test_map_values_and_the_top_level_type_are_checked() -> None:
    get_item = "arn:aws:states:::dynamodb:getItem"
    assert mismatch(get_item, {"Item": {"id": {"S": "1"}}}) is None
    assert mismatch(get_item, {"Item": {"id": {"S": 1}}}) == "field 'Item.id.S' must be a string"
    assert mismatch(get_item, [1, 2]) == "the mocked result must be an object"


def test_a_blob_takes_any_value_and_null_counts_as_absent() -> None:
    invoke = "arn:aws:states:::lambda:invoke"
    assert mismatch(invoke, {"Payload": {"total": 42}, "StatusCode": 200}) is None
    assert mismatch(invoke, {"Payload": "function output"}) is None
    assert (
        mismatch(START, {"ExecutionArn": "arn", "StartDate": None}) == "required field 'StartDate' is missing"
    )


def test_member_names_match_regardless_of_the_first_letters_case() -> None:
    # aws-sdk results name members in PascalCase even where the model's are camelCase
    rest_apis = "arn:aws:states:::aws-sdk:apigateway:getRestApis"
    assert mismatch(rest_apis, {"Items": "x"}) == "field 'Items' must be an array"
