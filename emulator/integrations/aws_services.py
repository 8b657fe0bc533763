"""Registers the AWS service integrations served through the client seam."""

from __future__ import annotations

from emulator.integrations.aws_sdk import AwsSdkIntegration
from emulator.integrations.batch import BatchIntegration
from emulator.integrations.clients import AwsClients
from emulator.integrations.codebuild import CodeBuildIntegration
from emulator.integrations.dynamodb import DynamoDbIntegration
from emulator.integrations.ecs import EcsIntegration
from emulator.integrations.eventbridge import EventBridgeIntegration
from emulator.integrations.glue import GlueIntegration
from emulator.integrations.modelled_service import Sleep
from emulator.integrations.registry import AWS_SDK, IntegrationRegistry
from emulator.integrations.s3 import S3Integration
from emulator.integrations.sns import SnsIntegration
from emulator.integrations.sqs import SqsIntegration


def register_aws_services(
    registry: IntegrationRegistry, clients: AwsClients, sleep: Sleep | None = None
) -> None:
    """``sqs``, ``sns``, ``dynamodb``, ``events``, ``codebuild``, ``ecs``, ``batch``, ``glue``, ``s3``
    (Map ItemReader/ResultWriter) and every ``aws-sdk:<service>``. ``sleep`` paces ``.sync`` polling of a job that is still running."""
    registry.register("sqs", SqsIntegration(clients))
    registry.register("sns", SnsIntegration(clients))
    registry.register("dynamodb", DynamoDbIntegration(clients))
    registry.register("events", EventBridgeIntegration(clients))
    registry.register("s3", S3Integration(clients))
    registry.register("codebuild", CodeBuildIntegration(clients, sleep))
    registry.register("ecs", EcsIntegration(clients, sleep))
    registry.register("batch", BatchIntegration(clients, sleep))
    registry.register("glue", GlueIntegration(clients, sleep))
    registry.register(AWS_SDK, AwsSdkIntegration(clients))
