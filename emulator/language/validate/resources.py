"""Task ``Resource`` checks: ARN shape, known optimised integrations, EXPRESS restrictions.

Services in ``_INTEGRATIONS`` have their actions and patterns checked, those in ``_PATTERNS`` their
patterns only; a Resource naming any other service is accepted (we would rather run a definition AWS
rejects than reject one AWS runs).
"""

from __future__ import annotations

from emulator.language.validate.context import Checker

_RR = ""  # request-response
_SYNC = ".sync"
_SYNC2 = ".sync:2"
_TOKEN = ".waitForTaskToken"
_AWS_SDK = "aws-sdk"

# service -> action -> supported patterns (for arn:aws:states:::<service>:<action><pattern>)
_INTEGRATIONS: dict[str, dict[str, frozenset[str]]] = {
    "lambda": {"invoke": frozenset({_RR, _TOKEN})},
    "dynamodb": {action: frozenset({_RR}) for action in ("getItem", "putItem", "updateItem", "deleteItem")},
    "sns": {"publish": frozenset({_RR, _TOKEN})},
    "sqs": {"sendMessage": frozenset({_RR, _TOKEN})},
    "events": {"putEvents": frozenset({_RR, _TOKEN})},
    "states": {"startExecution": frozenset({_RR, _SYNC, _SYNC2, _TOKEN})},
    "glue": {"startJobRun": frozenset({_RR, _SYNC})},
    "batch": {"submitJob": frozenset({_RR, _SYNC})},
    "ecs": {"runTask": frozenset({_RR, _SYNC, _TOKEN})},
    "apigateway": {"invoke": frozenset({_RR, _TOKEN})},
    "http": {"invoke": frozenset({_RR})},
    # "Call AWS CodeBuild with Step Functions" (connect-codebuild.html): its APIs and their patterns
    "codebuild": {
        "startBuild": frozenset({_RR, _SYNC}),
        "stopBuild": frozenset({_RR}),
        "batchDeleteBuilds": frozenset({_RR}),
        "batchGetReports": frozenset({_RR}),
        "startBuildBatch": frozenset({_RR, _SYNC}),
        "stopBuildBatch": frozenset({_RR}),
        "retryBuildBatch": frozenset({_RR, _SYNC}),
        "deleteBuildBatch": frozenset({_RR}),
    },
}


# The other optimized integrations, by the patterns the table of
# https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html marks supported
# (Request Response is supported by all; their actions are not checked here). A pattern the table
# marks "Not supported" is refused as AWS refuses an unknown resource.
_PATTERNS: dict[str, frozenset[str]] = {
    "athena": frozenset({_RR, _SYNC}),
    "bedrock": frozenset({_RR, _SYNC, _TOKEN}),
    "codebuild": frozenset({_RR, _SYNC}),
    "eks": frozenset({_RR, _SYNC, _TOKEN}),
    "elasticmapreduce": frozenset({_RR, _SYNC}),
    "emr-containers": frozenset({_RR, _SYNC}),
    "emr-serverless": frozenset({_RR, _SYNC}),
    "databrew": frozenset({_RR, _SYNC}),
    "mediaconvert": frozenset({_RR, _SYNC}),
    "sagemaker": frozenset({_RR, _SYNC}),
}


def _not_recognized(resource: str) -> str:
    return (
        f"The resource provided {resource} is not recognized. "
        "The value is not a valid resource ARN, or the resource is not available in this region."
    )


def _split_pattern(name: str) -> tuple[str, str]:
    for pattern in (_SYNC2, _SYNC, _TOKEN):
        if name.endswith(pattern):
            return name[: -len(pattern)], pattern
    return name, _RR


def check_task_resource(checker: Checker, resource: str, location: str) -> None:
    """``location`` is the Resource field's (``/States/X/Resource``)."""
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        checker.error("Value is not a valid resource ARN", location)
        return
    _arn, _partition, service, region, account, rest = parts
    if service != "states":
        return
    if rest.startswith("activity:"):
        if checker.is_express:
            checker.error("Express state machine does not support Activity ARN", location)
        return
    if region or account or ":" not in rest:
        return
    integration, _, action_and_pattern = rest.partition(":")
    action, pattern = _split_pattern(action_and_pattern)
    if checker.is_express and pattern in (_SYNC, _SYNC2):
        checker.error("Express state machine does not support '.sync' service integration", location)
        return
    if checker.is_express and pattern == _TOKEN:
        # AWS's text ends with a space, which shows as two spaces before " at <location>".
        checker.error(
            "Express state machine does not support '.waitForTaskToken' service integration ", location
        )
        return
    if integration == _AWS_SDK:
        # AWS SDK integrations: Request Response and Wait for Callback; "Run a Job (.sync): Not
        # supported" (https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html)
        if pattern in (_SYNC, _SYNC2):
            checker.error(_not_recognized(resource), location)
        return
    actions = _INTEGRATIONS.get(integration)
    if actions is None:
        supported = _PATTERNS.get(integration)
        if supported is not None and pattern in (_SYNC, _TOKEN) and pattern not in supported:
            checker.error(_not_recognized(resource), location)
        return
    patterns = actions.get(action)
    if patterns is None or pattern not in patterns:
        checker.error(_not_recognized(resource), location)
