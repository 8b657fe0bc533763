"""Requirement setup for ``iam`` / ``iam:assume-role`` cases (a Task's ``Credentials``).

The recording test created, with ``create_cross_account_admin_role_and_policy``, a role in the
*trusting* account that the *trusted* account may assume, and passed its ARN to the state machine.
Here the role is created in the emulator's in-process IAM (through the emulator's own port) in the
account that stands for the trusting one: the runner's account for ``aws_client``, a second account
(``SECONDARY_ACCOUNT``) for ``secondary_aws_client``. Its ARN is the case's ``{{trusted_role_arn}}``
and is mapped back to the recorded ``<trusted_role_arn>``.

The state machine itself always runs in the runner's account (the runner has one client), so in the
cases whose recording ran it in the secondary account the caller and the role share an account.
"""

from __future__ import annotations

import json
import uuid
from types import ModuleType
from typing import Any

import boto3
from botocore.config import Config

SECONDARY_ACCOUNT = "000000000002"
_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
}


def iam_client(ctx: Any, account: str) -> Any:
    return boto3.client(
        "iam",
        endpoint_url=ctx.runner.endpoint,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}),
    )


def trusting_account(ctx: Any, kwargs: dict[str, Any]) -> str:
    trusting = str(kwargs.get("trusting_aws_client") or "")
    return SECONDARY_ACCOUNT if "secondary" in trusting else str(ctx.runner.account)


def register(runner: ModuleType) -> None:
    @runner.requirement_handler("iam")
    def _iam(ctx: Any, requirement: str) -> None:
        if getattr(ctx, "_roles_created", False):
            return  # ``iam`` and ``iam:assume-role`` name the same setup
        ctx._roles_created = True
        steps = [
            step
            for step in ctx.case.data.get("setup") or []
            if step.get("call") == "create_cross_account_admin_role_and_policy"
        ]
        if not steps:
            raise runner.SkipCase("iam (no role created by the case)")
        for step in steps:
            account = trusting_account(ctx, step.get("kwargs") or {})
            iam = iam_client(ctx, account)
            name = f"conf-role-{uuid.uuid4().hex[:10]}"
            arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(_TRUST))["Role"]["Arn"]
            ctx.add_cleanup(lambda iam=iam, name=name: iam.delete_role(RoleName=name))
            token = step.get("result_placeholder") or "{{trusted_role_arn}}"
            ctx.tokens[token] = arn
