"""Which integration patterns each optimized integration supports, as CreateStateMachine judges them.

Rows: the tables of https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html
("Optimized integrations in Step Functions" and "AWS SDK integrations": Request Response / Run a Job
``.sync`` / Wait for Callback ``.waitForTaskToken``, each "Standard", "Standard & Express" or "Not
supported"), one documented action per service. A pattern marked "Not supported" is refused with the
message AWS gives any resource it does not recognise.
"""

from __future__ import annotations

import json

import pytest

from emulator.language.validate import errors_of, validate_definition

RR, SYNC, TOKEN = "", ".sync", ".waitForTaskToken"

# (service:action, supported patterns)
TABLE = [
    ("apigateway:invoke", {RR, TOKEN}),
    ("athena:startQueryExecution", {RR, SYNC}),
    ("batch:submitJob", {RR, SYNC}),
    ("bedrock:createModelCustomizationJob", {RR, SYNC, TOKEN}),
    ("codebuild:startBuild", {RR, SYNC}),
    ("dynamodb:putItem", {RR}),
    ("ecs:runTask", {RR, SYNC, TOKEN}),
    ("eks:runJob", {RR, SYNC, TOKEN}),
    ("elasticmapreduce:createCluster", {RR, SYNC}),
    ("emr-containers:startJobRun", {RR, SYNC}),
    ("emr-serverless:startJobRun", {RR, SYNC}),
    ("events:putEvents", {RR, TOKEN}),
    ("glue:startJobRun", {RR, SYNC}),
    ("databrew:startJobRun", {RR, SYNC}),
    ("lambda:invoke", {RR, TOKEN}),
    ("mediaconvert:createJob", {RR, SYNC}),
    ("sagemaker:createTrainingJob", {RR, SYNC}),
    ("sns:publish", {RR, TOKEN}),
    ("sqs:sendMessage", {RR, TOKEN}),
    ("states:startExecution", {RR, SYNC, TOKEN}),
    ("aws-sdk:s3:listBuckets", {RR, TOKEN}),
]

ROWS = [
    (f"arn:aws:states:::{action}{pattern}", pattern in supported)
    for action, supported in TABLE
    for pattern in (RR, SYNC, TOKEN)
]


def _errors(resource: str) -> list[tuple[str, str, str | None]]:
    definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}
    return [
        (d.code, d.message, d.location)
        for d in errors_of(validate_definition(json.dumps(definition), "STANDARD"))
    ]


@pytest.mark.parametrize(("resource", "supported"), ROWS, ids=[row[0].split(":::")[1] for row in ROWS])
def test_standard_machines_accept_exactly_the_documented_patterns(resource: str, supported: bool) -> None:
    refused = [
        (
            "SCHEMA_VALIDATION_FAILED",
            f"The resource provided {resource} is not recognized. The value is not a valid resource ARN, "
            "or the resource is not available in this region.",
            "/States/T/Resource",
        )
    ]
    assert _errors(resource) == ([] if supported else refused)
