"""aws-sdk:* tasks: requests AWS rejects that the local backend would take."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from emulator.integrations.aws_sdk import AwsSdkIntegration
from emulator.integrations.clients import AwsClients
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.settings import Settings

ACCOUNT = "666666666666"


@pytest.fixture
async def clients() -> AsyncIterator[AwsClients]:
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


def create_secret(name: str) -> TaskInvocation:
    resource = parse_resource("arn:aws:states:::aws-sdk:secretsmanager:createSecret")
    return TaskInvocation(resource, {"Name": name, "SecretString": "s"}, {}, "us-east-1", ACCOUNT)


async def test_a_secret_name_with_a_space_is_rejected_as_secrets_manager_does(clients: AwsClients) -> None:
    with pytest.raises(StatesError) as caught:
        await AwsSdkIntegration(clients).invoke(create_secret("Invalid Name"))
    assert caught.value.error == "SecretsManager.SecretsManagerException"
    assert (caught.value.cause or "").startswith(
        "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: "
        "-/_+=.@! (Service: SecretsManager, Status Code: 400, Request ID: "
    )
    listed = await clients.call("secretsmanager", "ListSecrets", {}, account=ACCOUNT, region="us-east-1")
    assert listed.output["SecretList"] == []


async def test_a_valid_secret_name_is_created(clients: AwsClients) -> None:
    output = await AwsSdkIntegration(clients).invoke(create_secret("app/db-password_1+=.@"))
    assert isinstance(output, dict) and output["Name"] == "app/db-password_1+=.@"
