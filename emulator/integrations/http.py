"""HTTP Task: ``arn:aws:states:::http:invoke`` against any URL.

Parameters: ``ApiEndpoint``, ``Method``, ``Headers``, ``QueryParameters``, ``RequestBody`` and
``Transform.RequestBodyEncoding`` (``NONE`` | ``URL_ENCODED`` with ``RequestEncodingOptions.ArrayFormat``
``INDICES`` | ``REPEAT`` | ``COMMAS`` | ``BRACKETS``). ``Authentication.ConnectionArn`` is accepted and
not used (no EventBridge connection holds credentials here). The result is
``{Headers, ResponseBody, StatusCode, StatusText}``; a status outside 2xx fails the task with
``States.Http.StatusCode.<code>``.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

import aiohttp

from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import ErrorName, StatesError
from emulator.model.jsontext import from_json_text, to_json_text
from emulator.model.types import Json

METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"})
PARAMETERS = (
    "ApiEndpoint",
    "Method",
    "Authentication",
    "Headers",
    "QueryParameters",
    "RequestBody",
    "Transform",
)


def _scalar(value: Json) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return to_json_text(value)


def url_encoded(body: dict[str, Json], array_format: str = "INDICES") -> str:
    """A JSON object as ``application/x-www-form-urlencoded`` text, arrays in AWS's four formats."""
    pairs: list[tuple[str, str]] = []
    for key, value in body.items():
        if not isinstance(value, list):
            pairs.append((key, _scalar(value)))
        elif array_format == "REPEAT":
            pairs.extend((key, _scalar(item)) for item in value)
        elif array_format == "COMMAS":
            pairs.append((key, ",".join(_scalar(item) for item in value)))
        elif array_format == "BRACKETS":
            pairs.extend((f"{key}[]", _scalar(item)) for item in value)
        else:
            pairs.extend((f"{key}[{index}]", _scalar(item)) for index, item in enumerate(value))
    return urlencode(pairs)


class HttpIntegration:
    """Registered under ``http``; one client session, opened on first use."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def invoke(self, invocation: TaskInvocation) -> Json:
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        url = parameters.get("ApiEndpoint")
        method = str(parameters.get("Method", "")).upper()
        if not isinstance(url, str) or method not in METHODS:
            raise StatesError(
                ErrorName.RUNTIME,
                f"The HTTP Task needs an ApiEndpoint and a Method ({', '.join(sorted(METHODS))})",
            )
        headers = {str(k): _scalar(v) for k, v in (parameters.get("Headers") or {}).items()}
        query = {str(k): _scalar(v) for k, v in (parameters.get("QueryParameters") or {}).items()}
        data = self._body(parameters, headers)
        if self._session is None:
            self._session = aiohttp.ClientSession()
        try:
            async with self._session.request(
                method, url, params=query or None, headers=headers, data=data
            ) as reply:
                text = await reply.text()
                response_headers: dict[str, list[str]] = {}
                for name, value in reply.headers.items():
                    response_headers.setdefault(name, []).append(value)
                status = reply.status
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise StatesError("States.Http.Socket", f"Unable to reach {url}: {error}") from None
        try:
            body: Json = from_json_text(text) if text else ""
        except ValueError:
            body = text
        try:
            status_text = HTTPStatus(status).phrase
        except ValueError:
            status_text = ""
        result: dict[str, Json] = {
            "Headers": response_headers,  # type: ignore[dict-item]
            "ResponseBody": body,
            "StatusCode": status,
            "StatusText": status_text,
        }
        if not 200 <= status < 300:
            raise StatesError(f"States.Http.StatusCode.{status}", to_json_text(result))
        return result

    @staticmethod
    def _body(parameters: dict[str, Any], headers: dict[str, str]) -> str | None:
        if "RequestBody" not in parameters:
            return None
        body = parameters["RequestBody"]
        transform = parameters.get("Transform") or {}
        if transform.get("RequestBodyEncoding") == "URL_ENCODED" and isinstance(body, dict):
            options = transform.get("RequestEncodingOptions") or {}
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
            return url_encoded(body, str(options.get("ArrayFormat", "INDICES")))
        if isinstance(body, str):
            return body
        headers.setdefault("Content-Type", "application/json")
        return to_json_text(body)
