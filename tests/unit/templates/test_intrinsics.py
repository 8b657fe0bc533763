"""Intrinsic functions, one row per documented behaviour (AWS CloudFormation User Guide,
"Intrinsic function reference")."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.templates.errors import TemplateError
from emulator.templates.intrinsics import Created, Resolver, StackScope, attribute_uses, references
from emulator.templates.parameters import evaluate_conditions, resolve_parameters
from emulator.templates.reading import parse_text


def resolver(**parameters: Any) -> Resolver:
    scope = StackScope(
        file="t.yaml",
        stack_name="shop",
        account="123456789012",
        region="eu-west-1",
        parameters={"Stage": "dev", "Zones": ["a", "b"], **parameters},
        mappings={"Sizes": {"dev": {"Memory": "128"}}},
        resource_ids=frozenset({"Queue", "Later"}),
        exports={"net-id": "vpc-1"},
    )
    scope.created["Queue"] = Created("https://q/shop-Queue", {"Arn": "arn:aws:sqs:eu-west-1:123456789012:q"})
    scope.conditions = {"IsDev": True, "IsProd": False}
    return Resolver(scope)


ROWS: list[tuple[str, Any, Any]] = [
    ("ref_parameter", {"Ref": "Stage"}, "dev"),
    ("ref_resource", {"Ref": "Queue"}, "https://q/shop-Queue"),
    (
        "ref_pseudo",
        [{"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, {"Ref": "AWS::StackName"}],
        ["eu-west-1", "123456789012", "shop"],
    ),
    (
        "pseudo_partition_and_suffix",
        [{"Ref": "AWS::Partition"}, {"Ref": "AWS::URLSuffix"}],
        ["aws", "amazonaws.com"],
    ),
    ("getatt_list_form", {"Fn::GetAtt": ["Queue", "Arn"]}, "arn:aws:sqs:eu-west-1:123456789012:q"),
    ("getatt_dotted_form", {"Fn::GetAtt": "Queue.Arn"}, "arn:aws:sqs:eu-west-1:123456789012:q"),
    (
        "sub_string_form",
        {"Fn::Sub": "${Stage}-${AWS::Region}-${Queue.Arn}"},
        "dev-eu-west-1-arn:aws:sqs:eu-west-1:123456789012:q",
    ),
    ("sub_list_form", {"Fn::Sub": ["${A}/${Stage}", {"A": {"Ref": "Queue"}}]}, "https://q/shop-Queue/dev"),
    ("sub_literal", {"Fn::Sub": "${!Stage}"}, "${Stage}"),
    ("join", {"Fn::Join": [":", ["a", {"Ref": "Stage"}, 1]]}, "a:dev:1"),
    ("select_of_split", {"Fn::Select": [1, {"Fn::Split": [",", "x,y,z"]}]}, "y"),
    ("select_of_list_parameter", {"Fn::Select": ["1", {"Ref": "Zones"}]}, "b"),
    ("find_in_map", {"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Memory"]}, "128"),
    ("find_in_map_default", {"Fn::FindInMap": ["Sizes", "prod", "Memory", {"DefaultValue": "256"}]}, "256"),
    ("if_true", {"Fn::If": ["IsDev", "small", "big"]}, "small"),
    (
        "if_no_value_drops_the_key",
        {"A": {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]}, "B": 2},
        {"B": 2},
    ),
    ("no_value_drops_the_list_item", [1, {"Ref": "AWS::NoValue"}, 3], [1, 3]),
    ("base64", {"Fn::Base64": "hello"}, "aGVsbG8="),
    ("get_azs", {"Fn::GetAZs": ""}, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
    ("cidr", {"Fn::Cidr": ["10.0.0.0/16", 3, 8]}, ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]),
    ("length", {"Fn::Length": {"Ref": "Zones"}}, 2),
    ("to_json_string", {"Fn::ToJsonString": {"a": {"Ref": "Stage"}}}, '{"a":"dev"}'),
    ("import_value", {"Fn::ImportValue": "net-id"}, "vpc-1"),
]


@pytest.mark.parametrize(("case", "expression", "expected"), ROWS, ids=[row[0] for row in ROWS])
def test_intrinsic(case: str, expression: Any, expected: Any) -> None:
    assert resolver().resolve(expression, "R", "P") == expected


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ({"Fn::Transform": {}}, "Fn::Transform is not supported"),
        ({"Ref": "Later"}, "Later, which is not created yet"),
        ({"Fn::GetAtt": ["Queue", "Colour"]}, "no attribute Colour (it has: Arn)"),
        ({"Fn::Select": [5, ["a"]]}, "index 5 is not within the list"),
        ({"Fn::If": ["Nope", 1, 2]}, "the condition Nope is not defined"),
        ({"Fn::ImportValue": "nothing"}, "Fn::ImportValue 'nothing'"),
    ],
)
def test_errors_name_the_resource_and_property(expression: Any, words: str) -> None:
    with pytest.raises(TemplateError) as caught:
        resolver().resolve({"Name": expression}, "Machine", "")
    assert str(caught.value).startswith("t.yaml: Machine.Name: ")
    assert words in str(caught.value)


def test_conditions_may_name_each_other_in_any_order() -> None:
    document = {
        "Conditions": {
            "Both": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Not": [{"Condition": "IsProd"}]}]},
            "IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]},
            "IsProd": {"Fn::Equals": ["prod", {"Ref": "Stage"}]},
            "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "Both"}]},
        }
    }
    r = resolver()
    r.scope.conditions = {}
    assert evaluate_conditions(r, document) == {"IsDev": True, "IsProd": False, "Both": True, "Either": True}


def test_a_condition_key_in_properties_is_a_property() -> None:
    statement = {"Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}
    assert resolver().resolve(statement, "Role", "") == {
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    }


def test_parameters_types_and_constraints() -> None:
    document = {
        "Parameters": {
            "Count": {"Type": "Number", "Default": 2, "MinValue": 1},
            "Names": {"Type": "CommaDelimitedList", "Default": "a, b"},
            "Env": {"Type": "String", "AllowedPattern": "[a-z]+", "Default": "dev"},
        }
    }
    assert resolve_parameters("t.yaml", document, {}) == {"Count": "2", "Names": ["a", "b"], "Env": "dev"}
    with pytest.raises(TemplateError, match="Parameters.Count: '0' is less than MinValue 1"):
        resolve_parameters("t.yaml", document, {"Count": "0"})
    with pytest.raises(TemplateError, match="does not match AllowedPattern"):
        resolve_parameters("t.yaml", document, {"Env": "Dev1"})


def test_short_form_yaml_becomes_the_long_form_and_dates_stay_text() -> None:
    text = "Version: 2012-10-17\nA: !GetAtt Queue.Arn\nB: !Sub '${Stage}'\nC: !If [IsDev, !Ref Stage, !Ref AWS::NoValue]\n"
    assert parse_text(text, "t.yaml") == {
        "Version": "2012-10-17",
        "A": {"Fn::GetAtt": ["Queue", "Arn"]},
        "B": {"Fn::Sub": "${Stage}"},
        "C": {"Fn::If": ["IsDev", {"Ref": "Stage"}, {"Ref": "AWS::NoValue"}]},
    }


def test_dependencies_are_found_through_ref_getatt_and_sub() -> None:
    value = {
        "A": {"Ref": "Queue"},
        "B": {"Fn::Sub": "${Table.Arn}-${!Skip}-${Topic}"},
        "C": {"Fn::GetAtt": "Fn.Arn"},
    }
    assert references(value) == {"Queue", "Table", "Topic", "Fn"}
    assert attribute_uses(value) == {("Table", "Arn"), ("Fn", "Arn")}
