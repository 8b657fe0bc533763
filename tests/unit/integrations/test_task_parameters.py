"""CreateStateMachine's checks of service integration Tasks (integrations/task_parameters.py)."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.integrations.task_parameters import integration_diagnostics


def machine(resource: str, parameters: Any = None, key: str = "Parameters") -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Task", "Resource": resource, "End": True}
    if parameters is not None:
        state[key] = parameters
    return {"StartAt": "T", "States": {"T": state}}


def messages(document: Any) -> list[tuple[str, str | None]]:
    return [(d.message, d.location) for d in integration_diagnostics(document)]


# "Passing parameters to a service API in Step Functions"
# (https://docs.aws.amazon.com/step-functions/latest/dg/connect-parameters.html): a field the API does not
# take is "not supported by Step Functions"; the API's members per the service's API reference, an
# optimized integration's per its page's "Supported parameters" (connect-sqs.html, connect-sns.html,
# connect-ddb.html, connect-lambda.html, connect-eventbridge.html).
REFUSED_FIELDS = [
    ("arn:aws:states:::sqs:sendMessage", {"QueueUrl": "q", "MessageBody": "m", "Body": "x"}, "Body"),
    # documented parameters of the optimized integration, fewer than the API's
    (
        "arn:aws:states:::sqs:sendMessage",
        {"QueueUrl": "q", "MessageBody": "m", "MessageSystemAttributes": {}},
        "MessageSystemAttributes",
    ),
    (
        "arn:aws:states:::dynamodb:putItem",
        {"TableName": "t", "Item": {}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
        "ReturnValuesOnConditionCheckFailure",
    ),
    ("arn:aws:states:::sns:publish.waitForTaskToken", {"TopicArn": "t", "Message.$": "$", "Text": 1}, "Text"),
    ("arn:aws:states:::lambda:invoke", {"FunctionName": "f", "Input.$": "$"}, "Input"),
    ("arn:aws:states:::dynamodb:putItem", {"TableName": "t", "Item": {}, "Items": []}, "Items"),
    ("arn:aws:states:::events:putEvents", {"Entries": [], "Entry": {}}, "Entry"),
    ("arn:aws:states:::states:startExecution.sync:2", {"StateMachineArn": "a", "Inputs": {}}, "Inputs"),
    ("arn:aws:states:::ecs:runTask.sync", {"TaskDefinition": "d", "Container": "c"}, "Container"),
    ("arn:aws:states:::glue:startJobRun", {"JobName": "j", "Job": "x"}, "Job"),
    (
        "arn:aws:states:::batch:submitJob",
        {"JobName": "j", "JobQueue": "q", "JobDefinition": "d", "X": 1},
        "X",
    ),
    ("arn:aws:states:::apigateway:invoke", {"ApiEndpoint": "a", "Method": "GET", "Body": {}}, "Body"),
    ("arn:aws:states:::http:invoke", {"ApiEndpoint": "a", "Method": "GET", "Stage": "x"}, "Stage"),
    # AWS SDK integrations: the API action's request members
    ("arn:aws:states:::aws-sdk:ec2:describeSnapshots", {"Filter": []}, "Filter"),
    ("arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": "b", "Key": "k", "Foo": 1}, "Foo"),
    ("arn:aws:states:::aws-sdk:sfn:startExecution", {"StateMachineArn": "a", "Body": "{}"}, "Body"),
    # the plural rule ("Passing parameters to a service API": Filters, not Filter) for EC2's Filter.N
    (
        "arn:aws:states:::aws-sdk:ec2:describeInstances",
        {"Filter": [{"Name": "n", "Values": ["v"]}]},
        "Filter",
    ),
    (
        "arn:aws:states:::aws-sdk:kms:encrypt",
        {"KeyId": "k", "Plaintext": "cA==", "Algorithm": "x"},
        "Algorithm",
    ),
    ("arn:aws:states:::aws-sdk:ssm:getParameter", {"Name": "/p", "Decrypt": True}, "Decrypt"),
    ("arn:aws:states:::aws-sdk:cloudwatchlogs:createLogGroup", {"GroupName": "g"}, "GroupName"),
    ("arn:aws:states:::aws-sdk:eventbridge:putRule", {"Name": "r", "Pattern": "{}"}, "Pattern"),
    ("arn:aws:states:::aws-sdk:cloudtrail:putEventSelectors", {"TrailName": "t", "Equal": []}, "Equal"),
]


@pytest.mark.parametrize(("resource", "parameters", "field"), REFUSED_FIELDS)
def test_a_field_the_api_does_not_take_is_refused(resource: str, parameters: Any, field: str) -> None:
    assert messages(machine(resource, parameters)) == [
        (f'The field "{field}" is not supported by Step Functions', "/States/T/Parameters")
    ]


# Fields every one of which the API takes (any casing: Step Functions names them in PascalCase).
ACCEPTED = [
    ("arn:aws:states:::sqs:sendMessage", {"QueueUrl": "q", "MessageBody.$": "$", "DelaySeconds": 1}),
    ("arn:aws:states:::lambda:invoke", {"FunctionName": "f", "Payload.$": "$", "LogType": "Tail"}),
    ("arn:aws:states:::ecs:runTask", {"Cluster": "c", "TaskDefinition": "d", "LaunchType": "FARGATE"}),
    ("arn:aws:states:::codebuild:startBuild.sync", {"ProjectName": "p"}),
    ("arn:aws:states:::aws-sdk:sfn:startExecution", {"StateMachineArn": "a", "Input": "{}"}),
    ("arn:aws:states:::aws-sdk:acmpca:deleteCertificateAuthority", {"CertificateAuthorityArn": "a"}),
    ("arn:aws:states:::aws-sdk:dynamodb:getItem.waitForTaskToken", {"TableName": "t", "Key": {}}),
    # AWS SDK for Java v2 client names (cloudwatchlogs, eventbridge, sfn) and the API's own members
    ("arn:aws:states:::aws-sdk:ec2:describeInstances", {"Filters": [{"Name": "n", "Values": ["v"]}]}),
    ("arn:aws:states:::aws-sdk:kms:encrypt", {"KeyId": "k", "Plaintext": "cA==", "EncryptionAlgorithm": "x"}),
    ("arn:aws:states:::aws-sdk:ssm:getParameter", {"Name": "/p", "WithDecryption": True}),
    ("arn:aws:states:::aws-sdk:cloudwatchlogs:createLogGroup", {"LogGroupName": "g"}),
    ("arn:aws:states:::aws-sdk:eventbridge:putEvents", {"Entries": [{"Source": "s"}]}),
    ("arn:aws:states:::aws-sdk:kinesis:putRecord", {"StreamName": "s", "Data": "cA==", "PartitionKey": "p"}),
    ("arn:aws:states:::aws-sdk:iam:getRole", {"RoleName": "r"}),
    ("arn:aws:states:::aws-sdk:sts:getCallerIdentity", {}),
    # services / actions botocore does not know, and computed arguments, are not judged
    ("arn:aws:states:::aws-sdk:nosuchservice:anyAction", {"Anything": 1}),
    ("arn:aws:states:::s3:getObject", {"Bucket": "b", "Key": "k", "Anything": 1}),
    # integrations with fields of their own beyond the API's (Bedrock InvokeModel: Input / Output in S3)
    ("arn:aws:states:::bedrock:invokeModel", {"ModelId": "m", "Input": {"S3Uri": "s3://b/k"}}),
]


@pytest.mark.parametrize(("resource", "parameters"), ACCEPTED)
def test_fields_the_api_takes_are_accepted(resource: str, parameters: Any) -> None:
    assert messages(machine(resource, parameters)) == []


def test_jsonata_arguments_are_checked_when_given_as_an_object() -> None:
    document = machine("arn:aws:states:::sqs:sendMessage", {"QueueUrl": "q", "Bogus": "{% 1 %}"}, "Arguments")
    assert messages(document) == [
        ('The field "Bogus" is not supported by Step Functions', "/States/T/Arguments")
    ]
    assert messages(machine("arn:aws:states:::sqs:sendMessage", "{% $states.input %}", "Arguments")) == []


# "Integrating optimized services" / "AWS SDK service integrations"
# (https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html): SDK integrations support
# Request Response and .waitForTaskToken, not .sync; their action is one of the API's actions.
NOT_RECOGNIZED = [
    "arn:aws:states:::someservice:anyAction",
    "arn:aws:states:::sqs",
    "arn:aws:states:::aws-sdk:s3",
    "arn:aws:states:::aws-sdk:s3:getObject.sync",
    "arn:aws:states:::aws-sdk:sfn:startExecution.sync:2",
    "arn:aws:states:::aws-sdk:s3:noSuchAction",
    "arn:aws:states:::aws-sdk:dynamodb:getItems",
    "arn:aws:states:::aws-sdk:kms:encryptData",
    "arn:aws:states:::aws-sdk:cloudwatchlogs:putItem",
    "arn:aws:states:::aws-sdk:ec2:describeInstances.sync",
]


@pytest.mark.parametrize("resource", NOT_RECOGNIZED)
def test_an_sdk_resource_outside_the_service_is_not_recognized(resource: str) -> None:
    assert messages(machine(resource, {})) == [
        (
            f"The resource provided {resource} is not recognized. The value is not a valid resource ARN, "
            "or the resource is not available in this region.",
            "/States/T/Resource",
        )
    ]


def test_tasks_inside_branches_and_map_processors_are_checked() -> None:
    inner = machine("arn:aws:states:::sqs:sendMessage", {"QueueUrl": "q", "X": 1})
    document = {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Parallel", "Branches": [inner], "Next": "M"},
            "M": {"Type": "Map", "ItemProcessor": inner, "End": True},
        },
    }
    assert [location for _, location in messages(document)] == [
        "/States/P/Branches[0]/States/T/Parameters",
        "/States/M/ItemProcessor/States/T/Parameters",
    ]


async def test_an_optimized_integration_the_emulator_lacks_says_so() -> None:
    # a resource Step Functions has (athena: "Integrating optimized services") that nothing here runs
    from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
    from emulator.language.errors import StatesError
    from emulator.language.states.task_state import parse_resource

    resource = parse_resource("arn:aws:states:::athena:startQueryExecution.sync")
    with pytest.raises(StatesError) as caught:
        await IntegrationRegistry().invoke(TaskInvocation(resource, {}, {}, "us-east-1", "123456789012"))
    assert caught.value.error == "Athena.SdkClientException"
    assert "is not implemented by this emulator" in (caught.value.cause or "")


def test_create_and_validate_answer_the_same_refusal() -> None:
    # ValidateStateMachineDefinition reports what CreateStateMachine refuses
    # (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html)
    import json

    from emulator.errors import InvalidDefinition
    from emulator.service.definitions import compile_or_reject, validate_state_machine_definition

    text = json.dumps(machine("arn:aws:states:::sqs:sendMessage", {"QueueUrl": "q", "Body": "x"}))
    with pytest.raises(InvalidDefinition) as caught:
        compile_or_reject(text, "STANDARD")
    assert (
        'SCHEMA_VALIDATION_FAILED: The field "Body" is not supported by Step Functions at /States/T/Parameters'
        in str(caught.value)
    )
    answer = validate_state_machine_definition(None, None, {"definition": text})  # type: ignore[arg-type]
    assert answer["result"] == "FAIL"
    assert answer["diagnostics"][0]["location"] == "/States/T/Parameters"


# The same rule when the fields become known (a JSONata Arguments expression): the task is refused before
# it is scheduled, by the composition root's registry of real integrations.
async def test_a_registry_of_real_integrations_refuses_a_computed_field_before_scheduling() -> None:
    from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
    from emulator.language.errors import StatesError
    from emulator.language.states.task_state import parse_resource

    parameters = {"QueueUrl": "q", "MessageBody": "m", "Priority": 1}
    invocation = TaskInvocation(
        parse_resource("arn:aws:states:::sqs:sendMessage"), parameters, {}, "us-east-1", "123456789012"
    )
    await IntegrationRegistry().prepare(invocation)  # stand-ins (unit tests) answer any parameters
    with pytest.raises(StatesError) as caught:
        await IntegrationRegistry(judges_fields=True).prepare(invocation)
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == (
        """The Parameters '{"QueueUrl":"q","MessageBody":"m","Priority":1}' could not be used to start the """
        """Task: [The field "Priority" is not supported by Step Functions]"""
    )
    accepted = TaskInvocation(
        parse_resource("arn:aws:states:::sqs:sendMessage"),
        {"QueueUrl": "q", "MessageBody": "m"},
        {},
        "us-east-1",
        "1" * 12,
    )
    await IntegrationRegistry(judges_fields=True).prepare(accepted)
