"""A Task's ``Credentials`` (``{"RoleArn": …}``): AWS assumes that role for the task's call.

The emulator does not sign anything; assuming a role means acting in the role's account: the
integration is called for that account through the client seam (each account has its own
backends), while resources named by a full ARN (a Lambda function, a state machine) stay in the
account their ARN names, as they do on AWS. History events record the role as
``taskCredentials: {"roleArn": …}``.
"""

from __future__ import annotations

import re

from emulator.model.types import Json, JsonObject

_ROLE_ARN = re.compile(r"^arn:[\w-]+:iam::(\d{12}):role/.+$")


def role_arn_of(credentials: Json) -> str | None:
    """The ``RoleArn`` of evaluated ``Credentials`` (None when absent or not text)."""
    if isinstance(credentials, dict):
        role = credentials.get("RoleArn")
        if isinstance(role, str):
            return role
    return None


def account_of(credentials: Json, default: str) -> str:
    """The account a task with these credentials acts in: the role's, else ``default``."""
    role = role_arn_of(credentials)
    found = _ROLE_ARN.match(role) if role is not None else None
    return found.group(1) if found else default


def task_credentials_details(credentials: Json) -> JsonObject | None:
    """The ``taskCredentials`` member of a scheduled event (None: the task has no credentials)."""
    role = role_arn_of(credentials)
    return None if role is None else {"roleArn": role}
