"""Amazon S3 as a Distributed Map reads and writes it (``arn:aws:states:::s3:<action>``).

Step Functions offers no optimized S3 Task integration (Tasks use ``aws-sdk:s3``); these resources
appear only in a Map's ``ItemReader`` and ``ResultWriter``, and the Map Run calls them through the
integration registry (see ``emulator/runtime/map_run_io.py`` for the contract).

| action        | parameters                        | answer                                          |
|---------------|-----------------------------------|-------------------------------------------------|
| getObject     | Bucket, Key, VersionId            | ``{"Body": text}`` (the object as UTF-8 text;   |
|               |                                   | ``object_bytes`` gives its bytes)               |
| listObjectsV2 | Bucket, Prefix (and the other     | ``{"Contents": [item, …]}`` for every page;     |
|               | ListObjectsV2 members)            | an item is ``{Etag, Key, LastModified, Size,    |
|               |                                   | StorageClass}`` as the Map's items show it      |
| putObject     | Bucket, Key, Body                 | PutObject's answer                              |

``LastModified`` is in epoch seconds, as AWS's documented listing items show it. Failures are
``S3.<Exception>`` with the SDK's cause text; the Map Run reports them as ``States.ItemReaderFailed`` /
``States.ResultWriterFailed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from emulator.integrations.aws_sdk import sdk_failure
from emulator.integrations.clients import AwsClients, ServiceError, json_safe
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.model.types import Json

_OPERATIONS = {"getObject": "GetObject", "listObjectsV2": "ListObjectsV2", "putObject": "PutObject"}
# Members an S3 call cannot be made without (botocore cannot even route it without a Bucket text).
_REQUIRED = {"GetObject": ("Bucket", "Key"), "ListObjectsV2": ("Bucket",), "PutObject": ("Bucket", "Key")}
_GET_MEMBERS = ("Bucket", "Key", "VersionId", "ExpectedBucketOwner", "RequestPayer")
# AWS lists at most this many pages for one reader (1,000 keys a page).
_MAX_PAGES = 100_000


class S3Integration:
    """``getObject`` / ``listObjectsV2`` / ``putObject`` for ItemReader and ResultWriter."""

    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients

    async def invoke(self, invocation: TaskInvocation) -> Json:
        action = invocation.resource.action
        operation = _OPERATIONS.get(action)
        if operation is None:
            raise StatesError(
                "States.Runtime",
                f"The resource '{invocation.resource.arn}' is not supported by this emulator.",
            )
        parameters = dict(invocation.parameters) if isinstance(invocation.parameters, dict) else {}
        region = invocation.resource.region or invocation.region
        if action == "getObject":
            body = await self.object_bytes(parameters, invocation.account, region)
            try:
                return {"Body": body.decode("utf-8-sig")}
            except UnicodeDecodeError:
                raise StatesError(
                    "S3.InvalidObjectContent", "The object's content is not UTF-8 text"
                ) from None
        if action == "listObjectsV2":
            return {"Contents": await self._list(parameters, invocation.account, region)}
        output = await self._call("PutObject", parameters, invocation.account, region)
        return json_safe(output)

    async def object_bytes(self, parameters: Mapping[str, Any], account: str, region: str) -> bytes:
        """The object GetObject answers for ``parameters`` (Bucket, Key, VersionId …), as bytes: what
        a Map Run reads when the data is binary (Parquet, gzipped inventory files) or spans objects."""
        request = {name: parameters[name] for name in _GET_MEMBERS if name in parameters}
        output = await self._call("GetObject", request, account, region)
        body = output.get("Body", b"")
        return bytes(body) if isinstance(body, bytes | bytearray) else str(body).encode()

    async def _list(self, parameters: Mapping[str, Any], account: str, region: str) -> list[Json]:
        request = {key: value for key, value in parameters.items() if value is not None}
        items: list[Json] = []
        for _ in range(_MAX_PAGES):
            output = await self._call("ListObjectsV2", request, account, region)
            items.extend(listing_item(entry) for entry in output.get("Contents") or ())
            token = output.get("NextContinuationToken")
            if not output.get("IsTruncated") or not token:
                break
            request = dict(request, ContinuationToken=token)
        return items

    async def _call(
        self, operation: str, request: Mapping[str, Any], account: str, region: str
    ) -> dict[str, Any]:
        for name in _REQUIRED[operation]:
            if not isinstance(request.get(name), str) or not request[name]:
                found = "missing" if request.get(name) is None else f"not a string: {request[name]!r}"
                raise StatesError("States.Runtime", f"The S3 {operation} parameter '{name}' is {found}")
        try:
            response = await self.clients.call("s3", operation, request, account=account, region=region)
        except ServiceError as error:
            raise sdk_failure("S3", error, "s3") from None
        return response.output


def listing_item(entry: Mapping[str, Any]) -> Json:
    """One ListObjectsV2 ``Contents`` entry as a Distributed Map item."""
    modified = entry.get("LastModified")
    if isinstance(modified, dt.datetime):
        modified = int(modified.timestamp())
    return {
        "Etag": entry.get("ETag"),
        "Key": entry.get("Key"),
        "LastModified": json_safe(modified),
        "Size": entry.get("Size"),
        "StorageClass": entry.get("StorageClass", "STANDARD"),
    }
