"""HTTP Task: ``arn:aws:states:::http:invoke`` against any URL.

Parameters: ``ApiEndpoint``, ``Method``, ``Headers``, ``QueryParameters``, ``RequestBody`` and
``Transform.RequestBodyEncoding`` (``NONE`` | ``URL_ENCODED`` with ``RequestEncodingOptions.ArrayFormat``
``INDICES`` | ``REPEAT`` | ``COMMAS`` | ``BRACKETS``). ``Authentication.ConnectionArn`` is accepted and
not used (no EventBridge connection holds credentials here). The result is
``{Headers, ResponseBody, StatusCode, StatusText}``; a status outside 2xx fails the task with
``States.Http.StatusCode.<code>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import urlencode

import aiohttp

from emulator.integrations.registry import TaskInvocation
from emulator.integrations.service_task import type_problem, unusable_parameters
from emulator.language.errors import ErrorName, StatesError
from emulator.model.jsontext import from_json_text, to_json_text
from emulator.model.types import Json, JsonObject

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


# The JSON type of the documented fields ("Call HTTPS APIs in Step Functions workflows",
# https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html); RequestBody takes any value.
_STRINGS = ("ApiEndpoint", "Method")
_OBJECTS = ("Authentication", "Headers", "QueryParameters", "Transform")


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


@dataclass(frozen=True, slots=True)
class HttpRequestRecord:
    method: str
    url: str  # with the query string
    headers: dict[str, str]
    body: str | None
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True, slots=True)
class HttpResponseRecord:
    status_code: int
    status_message: str
    headers: dict[str, list[str]]
    body: str
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True, slots=True)
class HttpExchange:
    """One HTTP Task call: what was sent, what came back (None: no answer), the result or the failure."""

    request: HttpRequestRecord
    response: HttpResponseRecord | None
    result: Json
    failure: StatesError | None


class HttpIntegration:
    """Registered under ``http``; one client session, opened on first use."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def prepare(self, invocation: TaskInvocation) -> None:
        """Before the task is scheduled: a documented field holding a value of another JSON type fails
        the state (``States.Runtime``, "… could not be used to start the Task: [The value of the field
        'X' has an invalid format]", as for apigateway:invoke)."""
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        problem = type_problem(parameters, _STRINGS, _OBJECTS)
        if problem is not None:
            raise unusable_parameters(parameters, problem)

    async def invoke(self, invocation: TaskInvocation) -> Json:
        exchange = await self.exchange(invocation)
        if exchange.failure is not None:
            raise exchange.failure
        return exchange.result

    async def exchange(self, invocation: TaskInvocation) -> HttpExchange:
        """Send the task's request; the request and response as sent and received (TestState's TRACE
        level shows them), with the task's result or failure."""
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        url = parameters.get("ApiEndpoint")
        method = str(parameters.get("Method", "")).upper()
        if not isinstance(url, str) or method not in METHODS:
            raise StatesError(
                ErrorName.RUNTIME,
                f"The HTTP Task needs an ApiEndpoint and a Method ({', '.join(sorted(METHODS))})",
            )
        headers = {str(k): _scalar(v) for k, v in _object_parameter(parameters, "Headers").items()}
        query = {str(k): _scalar(v) for k, v in _object_parameter(parameters, "QueryParameters").items()}
        data = self._body(parameters, headers)
        if self._session is None:
            self._session = aiohttp.ClientSession()
        sent = HttpRequestRecord(method, url, dict(headers), data)
        try:
            async with self._session.request(
                method, url, params=query or None, headers=headers, data=data
            ) as reply:
                text = await reply.text()
                response_headers: dict[str, list[str]] = {}
                for name, value in reply.headers.items():
                    response_headers.setdefault(name, []).append(value)
                status = reply.status
                sent = HttpRequestRecord(
                    method,
                    str(reply.request_info.url),
                    {str(k): str(v) for k, v in reply.request_info.headers.items()},
                    data,
                    f"HTTP/{reply.version.major}.{reply.version.minor}" if reply.version else "HTTP/1.1",
                )
                reason = reply.reason or ""
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            failure = StatesError("States.Http.Socket", f"Unable to reach {url}: {error}")
            return HttpExchange(sent, None, None, failure)
        try:
            body: Json = from_json_text(text) if text else ""
        except ValueError:
            body = text
        try:
            status_text = HTTPStatus(status).phrase
        except ValueError:
            status_text = reason
        received = HttpResponseRecord(status, status_text, response_headers, text, sent.protocol)
        result: dict[str, Json] = {
            "Headers": cast(JsonObject, response_headers),  # lists of strings (``dict`` is invariant)
            "ResponseBody": body,
            "StatusCode": status,
            "StatusText": status_text,
        }
        if not 200 <= status < 300:
            return HttpExchange(
                sent, received, None, StatesError(f"States.Http.StatusCode.{status}", to_json_text(result))
            )
        return HttpExchange(sent, received, result, None)

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


def _object_parameter(parameters: JsonObject, name: str) -> JsonObject:
    """``Headers`` / ``QueryParameters``: an object of names to values (absent or null: none)."""
    value = parameters.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StatesError(ErrorName.RUNTIME, f"The HTTP Task's {name} must be a JSON object")
    return value
