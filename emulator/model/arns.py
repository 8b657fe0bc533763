"""ARN formats of Step Functions resources (and the ones integrations refer to)."""

from __future__ import annotations

import re
from dataclasses import dataclass

PARTITION = "aws"


def partition_for(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return PARTITION


def state_machine_arn(region: str, account: str, name: str) -> str:
    return f"arn:{partition_for(region)}:states:{region}:{account}:stateMachine:{name}"


def state_machine_version_arn(state_machine: str, version: int) -> str:
    return f"{state_machine}:{version}"


def state_machine_alias_arn(state_machine: str, alias: str) -> str:
    return f"{state_machine}:{alias}"


def execution_arn(
    region: str, account: str, state_machine_name: str, name: str, express: bool = False
) -> str:
    kind = "express" if express else "execution"
    return f"arn:{partition_for(region)}:states:{region}:{account}:{kind}:{state_machine_name}:{name}"


def activity_arn(region: str, account: str, name: str) -> str:
    return f"arn:{partition_for(region)}:states:{region}:{account}:activity:{name}"


_ARN = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):states:([a-z0-9-]+):(\d{12}):([A-Za-z]+):(.+)$")


@dataclass(frozen=True, slots=True)
class StatesArn:
    """A parsed ``arn:<partition>:states:<region>:<account>:<resource_type>:<rest>``."""

    partition: str
    region: str
    account: str
    resource_type: str
    rest: str

    @property
    def parts(self) -> list[str]:
        return self.rest.split(":")


def parse_states_arn(text: str) -> StatesArn | None:
    match = _ARN.match(text)
    if match is None:
        return None
    return StatesArn(*match.groups())
