"""The one seam between integrations and AWS service backends.

``AwsClients`` answers ``await clients.call(service, operation, parameters, account=…, region=…)``:

* ``service`` is botocore's service name (``sqs``, ``dynamodb``, ``events``, ``stepfunctions`` …),
  ``operation`` botocore's operation name (``SendMessage``), ``parameters`` the API's members in their
  own casing. The answer is a ``ServiceResponse`` (parsed output without ``ResponseMetadata``, HTTP
  status, headers, request id, body length); a service error raises ``ServiceError``.
* By default a service is served by **moto, in process**: moto's WSGI application is called directly
  (no socket) by a botocore client whose ``before-send`` hook hands the prepared request to it. Calls
  run on worker threads, awaited from asyncio through ``run_in_executor``, several at a time as in
  moto's own threaded server (its backend registry takes a lock; an SQS long poll waits on the
  queue's condition, so a SendMessage on another thread wakes it). A long poll (a request carrying
  ``WaitTimeSeconds``) runs on a pool of its own, so however many wait, other calls never queue
  behind them. moto and botocore are imported lazily (emulator start-up stays fast) and warmed
  in the background by ``start_warming()``. The caller's account reaches moto per request through its
  ``x-moto-account-id`` header, so every account has its own backends.
* A service named by the settings (``SQS_ENDPOINT`` …, ``SFN_ENDPOINT_<SERVICE>``) is called over HTTP
  at that endpoint instead, on a small thread pool. ``stepfunctions`` defaults to the emulator itself.
* ``serve_http(…)`` hands a raw HTTP request that reached the emulator's port for another AWS service to
  the same in-process moto, so SDK clients pointed at the emulator see the resources the state
  machines use.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes, urlsplit

from emulator.model.types import Json
from emulator.settings import Settings

log = logging.getLogger("emulator.integrations.clients")

ACCOUNT_HEADER = "x-moto-account-id"
# Services whose backends are built while the emulator is idle after start-up (a cheap read each).
WARM_SERVICES = {
    "sqs": "ListQueues",
    "sns": "ListTopics",
    "dynamodb": "ListTables",
    "events": "ListEventBuses",
    "s3": "ListBuckets",
}
# Endpoint settings are keyed by Step Functions' names; botocore's names differ for a few.
_SETTINGS_NAMES = {"stepfunctions": "states", "lambda": "lambda", "events": "events"}
_HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "server", "date"}
# Threads for in-process moto calls (created on demand): quick calls, and long polls that may each
# hold a thread for up to 20 s (SQS ReceiveMessage's WaitTimeSeconds maximum). Quick calls share ONE
# thread, so they run in the order they were made: a template load's CreateLogGroup / PutRule is done
# before the calls made after it (a state machine's logging check, a PutEvents), and moto's backends
# (not all thread-safe) see one caller at a time; only long polls run beside them.
MOTO_THREADS = 1
LONG_POLL_THREADS = 64
_LONG_POLL_MARKER = b"WaitTimeSeconds"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ServiceResponse:
    """A successful answer: the parsed output and the HTTP facts Step Functions reports with it."""

    output: dict[str, Any]
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    request_id: str = ""
    content_length: int = 0


def transport_failure(error: Exception) -> str:
    """The AWS SDK for Java's text (Apache HttpClient underneath) for a request that got no HTTP
    answer: an endpoint refusing the connection, not answering in time, or a host no resolver knows.
    Step Functions reports it as ``<Service>.SdkClientException`` with this cause
    (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html)."""
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

    prefix = "Unable to execute HTTP request: "
    if isinstance(error, ReadTimeoutError):
        return prefix + "Read timed out"
    url = getattr(error, "kwargs", {}).get("endpoint_url")
    if not isinstance(error, EndpointConnectionError | ConnectTimeoutError) or not isinstance(url, str):
        return f"{prefix}{error}"
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = _java_addresses(host)
    if addresses is None:
        return f"{prefix}{host}: Name or service not known"
    reason = "connect timed out" if isinstance(error, ConnectTimeoutError) else "Connection refused"
    return f"{prefix}Connect to {host}:{port} [{', '.join(addresses)}] failed: {reason}"


def _java_addresses(host: str) -> list[str] | None:
    """``InetAddress.toString()`` of each address of ``host``: ``name/address``, ``/address`` for a
    literal, IPv6 in Java's uncompressed form; None when no resolver knows ``host``."""
    import ipaddress
    import socket

    def shown(address: str) -> str:
        parsed = ipaddress.ip_address(address.split("%")[0])
        if parsed.version == 6:
            return ":".join(format(int(group, 16), "x") for group in parsed.exploded.split(":"))
        return str(parsed)

    try:
        return [f"/{shown(host.strip('[]'))}"]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    ordered = dict.fromkeys(str(entry[4][0]) for entry in found)
    return [f"{host}/{shown(address)}" for address in ordered]


class ServiceError(Exception):
    """A service answered with an error (or could not be reached / lacks the operation).

    ``error_shape`` is the name of the service model's exception shape for ``code`` (``None`` when
    the code is not modelled); ``reachable`` is ``False`` for transport failures (no HTTP answer)."""

    def __init__(
        self,
        service: str,
        code: str,
        message: str,
        status: int = 400,
        request_id: str = "",
        error_shape: str | None = None,
        reachable: bool = True,
        extended_request_id: str = "",
    ) -> None:
        super().__init__(f"{service} {code}: {message}")
        self.service = service
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        self.error_shape = error_shape
        self.reachable = reachable
        self.extended_request_id = extended_request_id


@dataclass(frozen=True, slots=True)
class HttpReply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    # the backend's Content-Length (a HEAD answer's is its GET's: S3 HeadObject's ContentLength)
    content_length: str | None = None


class AwsClients:
    """Clients for (service, account, region); see the module docstring."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        host = "127.0.0.1" if settings.host in ("", "0.0.0.0", "::") else settings.host
        self.self_url = f"http://{host}:{settings.port}"
        self._endpoints = dict(settings.endpoints)
        self._moto_executor: ThreadPoolExecutor | None = None
        self._long_poll_executor: ThreadPoolExecutor | None = None
        self._http_executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._moto_lock = threading.Lock()  # building the moto app and the per-account clients
        self._moto_app: Any = None
        self._session: Any = None
        self._moto_clients: dict[tuple[str, str, str], Any] = {}
        self._http_clients: dict[tuple[str, str, str], Any] = {}
        self._warming: Future[None] | None = None
        # Told of every event an EventBridge rule delivers to a state machine target (app.py starts
        # the execution): (account, region, target, event); see event_targets.py.
        self.state_machine_events: Callable[[str, str, dict[str, Any], Any], None] | None = None
        self._moto_used = False  # a call other than warming reached the in-process backends
        # --data-dir: snapshots of the backends (app.py sets a moto_snapshot.MotoSnapshots)
        self.snapshots: Any = None

    # --- configuration ------------------------------------------------------------------------

    def endpoint_for(self, service: str) -> str | None:
        """The HTTP endpoint a service is called at, or ``None`` for the in-process moto."""
        name = _SETTINGS_NAMES.get(service, service)
        endpoint = self._endpoints.get(name) or self._endpoints.get(service)
        if endpoint:
            return endpoint
        if service == "stepfunctions":
            return self.self_url
        return None

    # --- lifecycle ----------------------------------------------------------------------------

    def start_warming(self, services: Mapping[str, str] = WARM_SERVICES) -> Future[None]:
        """Import moto and build the common backends on the moto thread, in the background."""
        if self._warming is None:
            self._warming = self._moto_pool().submit(self._warm, dict(services))
        return self._warming

    def close(self) -> None:
        from emulator.integrations import event_targets

        event_targets.remove_handler(id(self))
        for executor in (self._moto_executor, self._long_poll_executor, self._http_executor):
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
        self._moto_executor = self._long_poll_executor = self._http_executor = None

    async def reset(self) -> None:
        """Empty the in-process AWS backends (queues, tables, buckets …), if they were ever loaded."""
        if self.snapshots is not None:
            self.snapshots.discard()
        if not self._moto_used:  # only warmed (or never loaded): nothing was created in it
            return
        self._moto_used = False
        await self._run(self._moto_pool(), self._reset_moto)

    def _reset_moto(self) -> None:
        from moto.moto_api._internal.models import moto_api_backend

        moto_api_backend.reset()

    # --- calls --------------------------------------------------------------------------------

    async def call(
        self, service: str, operation: str, parameters: Mapping[str, Any], *, account: str, region: str
    ) -> ServiceResponse:
        """Call ``operation`` of ``service`` for ``account`` in ``region``."""
        endpoint = self.endpoint_for(service)
        if endpoint is None:
            self._moto_used = True
            pool = self._long_poll_pool() if "WaitTimeSeconds" in parameters else self._moto_pool()
            return await self._run(pool, self._call_moto, service, operation, parameters, account, region)
        return await self._run(
            self._http_pool(), self._call_http, endpoint, service, operation, parameters, account, region
        )

    async def operation_name(self, service: str, action: str) -> str | None:
        """botocore's name of ``action`` (``listObjectsV2`` → ``ListObjectsV2``); ``None`` if unknown."""
        return await self._run(self._http_pool(), self._operation_name, service, action)

    async def service_model(self, service: str) -> Any:
        """botocore's model of ``service`` (operations, shapes, ``serviceId``); ``None`` if unknown."""
        return await self._run(self._http_pool(), self._find_service_model, service)

    async def serve_http(
        self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes, account: str
    ) -> HttpReply:
        """Serve a raw HTTP request for another AWS service with the in-process moto."""
        self._moto_used = True
        long_poll = _LONG_POLL_MARKER in body or "WaitTimeSeconds" in query
        pool = self._long_poll_pool() if long_poll else self._moto_pool()
        return await self._run(pool, self._serve_http, method, path, query, headers, body, account)

    def run_on_moto_thread(self, fn: Callable[[], T]) -> Future[T]:
        """Run ``fn`` on the ordered moto thread, between two quick calls (snapshots)."""
        return self._moto_pool().submit(fn)

    # --- threads ------------------------------------------------------------------------------

    async def _run(self, executor: ThreadPoolExecutor, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)

    def _moto_pool(self) -> ThreadPoolExecutor:
        if self._moto_executor is None:
            self._moto_executor = ThreadPoolExecutor(max_workers=MOTO_THREADS, thread_name_prefix="moto")
        return self._moto_executor

    def _long_poll_pool(self) -> ThreadPoolExecutor:
        if self._long_poll_executor is None:
            self._long_poll_executor = ThreadPoolExecutor(
                max_workers=LONG_POLL_THREADS, thread_name_prefix="moto-long-poll"
            )
        return self._long_poll_executor

    def _http_pool(self) -> ThreadPoolExecutor:
        if self._http_executor is None:
            self._http_executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="aws-client")
        return self._http_executor

    # --- botocore (any thread) ----------------------------------------------------------------

    def _botocore_session(self) -> Any:
        with self._lock:
            if self._session is None:
                import botocore.session

                self._session = botocore.session.get_session()
            return self._session

    def _service_model(self, service: str) -> Any:
        session = self._botocore_session()
        with self._lock:
            return session.get_service_model(service)

    def _find_service_model(self, service: str) -> Any:
        try:
            return self._service_model(service)
        except Exception:
            return None

    def _operation_name(self, service: str, action: str) -> str | None:
        try:
            model = self._service_model(service)
        except Exception:
            return None
        wanted = action.lower()
        for name in model.operation_names:
            if name.lower() == wanted:
                return str(name)
        return None

    def _new_client(
        self, service: str, region: str, endpoint: str, access_key: str, secret: str, token: str | None = None
    ) -> Any:
        """A botocore client; a region or service botocore refuses (a task's ARN names a malformed
        region, say) is a ``ServiceError``, as a failed call would be."""
        from botocore.exceptions import BotoCoreError

        try:
            return self._create_client(service, region, endpoint, access_key, secret, token)
        except BotoCoreError as error:
            raise ServiceError(
                service, "SdkClientException", f"Unable to create the client: {error}", 0, reachable=False
            ) from None

    def _create_client(
        self, service: str, region: str, endpoint: str, access_key: str, secret: str, token: str | None
    ) -> Any:
        from botocore.config import Config

        session = self._botocore_session()
        config = Config(
            retries={"max_attempts": 0}, s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=70
        )
        with self._lock:
            return session.create_client(
                service,
                region_name=region,
                endpoint_url=endpoint,
                aws_access_key_id=access_key,
                aws_secret_access_key=secret,
                aws_session_token=token,
                config=config,
            )

    def _invoke(
        self, client: Any, service: str, operation: str, parameters: Mapping[str, Any]
    ) -> ServiceResponse:
        from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError
        from botocore.parsers import ResponseParserError

        try:
            result = client._make_api_call(operation, dict(parameters))
        except ResponseParserError as error:  # the backend answered what the protocol cannot carry
            raise ServiceError(
                service,
                "NotImplemented",
                f"the in-process backend could not answer {operation}: {str(error).splitlines()[-1][:300]}",
                501,
            ) from None
        except ClientError as error:
            raise self._service_error(client, service, error) from None
        except ParamValidationError:
            from emulator.integrations.request_validation import refusal

            raise refusal(client.meta.service_model, service, operation, parameters) from None
        except BotoCoreError as error:
            raise ServiceError(
                service, "SdkClientException", transport_failure(error), 0, reachable=False
            ) from None
        metadata = result.pop("ResponseMetadata", {}) or {}
        for key, value in list(result.items()):
            if hasattr(value, "read"):  # streaming blob (S3 GetObject Body …)
                result[key] = value.read()
        headers = dict(metadata.get("HTTPHeaders") or {})
        return ServiceResponse(
            output=result,
            status=int(metadata.get("HTTPStatusCode", 200)),
            headers=headers,
            request_id=str(metadata.get("RequestId", "")),
            content_length=int(headers.get("content-length", 0) or 0),
        )

    def _service_error(self, client: Any, service: str, error: Any) -> ServiceError:
        response = error.response
        details = response.get("Error", {}) or {}
        metadata = response.get("ResponseMetadata", {}) or {}
        code = str(details.get("Code") or "UnknownError")
        codes = {code, str(details.get("QueryErrorCode") or code)}
        status = int(metadata.get("HTTPStatusCode", 400))
        message = str(details.get("Message") or response.get("message") or "")
        shape = None
        for candidate in client.meta.service_model.error_shapes:
            if codes & {candidate.name, candidate.error_code, candidate.name.removesuffix("Exception")}:
                shape = str(candidate.name)
                break
        if status == 501 and code == "NotImplemented":
            shape = None
        headers = metadata.get("HTTPHeaders") or {}
        request_id = str(metadata.get("RequestId", ""))
        if request_id == _NO_REQUEST_ID:
            request_id = ""  # the failure names a fresh id instead, as every AWS answer carries one
        return ServiceError(
            service,
            code,
            message,
            status,
            request_id,
            shape,
            extended_request_id=str(metadata.get("HostId") or headers.get("x-amz-id-2", "")),
        )

    # --- HTTP endpoints (pool threads) ----------------------------------------------------------

    def _call_http(
        self,
        endpoint: str,
        service: str,
        operation: str,
        parameters: Mapping[str, Any],
        account: str,
        region: str,
    ) -> ServiceResponse:
        key = (service, region, account)
        client = self._http_clients.get(key)
        if client is None:
            access_key = os.environ.get("AWS_ACCESS_KEY_ID") or account
            secret = os.environ.get("AWS_SECRET_ACCESS_KEY") or "test"
            token = os.environ.get("AWS_SESSION_TOKEN") if os.environ.get("AWS_ACCESS_KEY_ID") else None
            if endpoint == self.self_url:
                access_key, secret, token = account, "test", None  # our own control plane: the account
            client = self._new_client(service, region, endpoint, access_key, secret, token)
            self._http_clients[key] = client
        return self._invoke(client, service, operation, parameters)

    # --- in-process moto (worker threads) -------------------------------------------------------

    def _warm(self, services: dict[str, str]) -> None:
        for service, operation in services.items():
            if self.endpoint_for(service) is not None:
                continue
            try:
                self._call_moto(service, operation, {}, self.settings.account_id, self.settings.region)
            except Exception:  # warming is an optimisation; a real call reports the problem
                log.debug("warming the in-process moto for %s failed", service, exc_info=True)
        # moto leaves ~160k long-lived objects; keep them out of the collector's full passes
        # (each would otherwise cost 85-250 ms of stall on the request path).
        gc.freeze()

    def _moto(self) -> Any:
        app = self._moto_app
        if app is None:
            with self._moto_lock:
                if self._moto_app is None:
                    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

                    defer_url_builders()
                    built = DomainDispatcherApplication(create_backend_app)
                    if self.snapshots is not None and self.snapshots.restore():
                        self._moto_used = True
                    # before publishing the app: a call on another thread must find delivery in place
                    self._deliver_state_machine_events()
                    self._moto_app = built
                app = self._moto_app
        return app

    def _deliver_state_machine_events(self) -> None:
        from emulator.integrations import event_targets, moto_fixes

        event_targets.install()
        moto_fixes.install()

        def deliver(account: str, region: str, target: dict[str, Any], event: Any) -> None:
            if self.state_machine_events is not None:
                self.state_machine_events(account, region, target, event)

        event_targets.add_handler(id(self), deliver)

    def _moto_client(self, service: str, region: str, account: str) -> Any:
        key = (service, region, account)
        client = self._moto_clients.get(key)
        if client is None:
            with self._moto_lock:
                client = self._moto_clients.get(key)
                if client is None:
                    client = self._new_client(service, region, self.self_url, "moto", "moto")
                    client.meta.events.register("before-send", self._moto_sender(account))
                    self._moto_clients[key] = client
        return client

    def _moto_sender(self, account: str) -> Callable[..., Any]:
        def send(request: Any, **_: Any) -> Any:
            from botocore.awsrequest import AWSResponse

            body = request.body
            if body is None:
                payload = b""
            elif isinstance(body, bytes | bytearray):
                payload = bytes(body)
            elif isinstance(body, str):
                payload = body.encode()
            else:
                payload = body.read()
            split = urlsplit(request.url)
            headers = [
                (k, v.decode() if isinstance(v, bytes) else str(v)) for k, v in request.headers.items()
            ]
            reply = self._serve_http(
                request.method, split.path or "/", split.query, headers, payload, account, host=split.netloc
            )
            answered = dict(reply.headers)
            if reply.content_length is not None:  # botocore reads ContentLength from the header
                answered["Content-Length"] = reply.content_length
            return AWSResponse(request.url, reply.status, answered, _RawBody(reply.body))

        return send

    def _call_moto(
        self, service: str, operation: str, parameters: Mapping[str, Any], account: str, region: str
    ) -> ServiceResponse:
        self._moto()
        return self._invoke(self._moto_client(service, region, account), service, operation, parameters)

    def _serve_http(
        self,
        method: str,
        path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        account: str,
        host: str | None = None,
    ) -> HttpReply:
        app = self._moto()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "RAW_URI": f"{path}?{query}" if query else path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.settings.port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in headers:
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = value
        if host is not None:
            environ["HTTP_HOST"] = host
        environ.setdefault("HTTP_HOST", urlsplit(self.self_url).netloc)
        environ.setdefault("HTTP_" + ACCOUNT_HEADER.upper().replace("-", "_"), account)
        started: list[Any] = []

        def start_response(
            status: str, response_headers: list[tuple[str, str]], exc_info: Any = None
        ) -> None:
            started[:] = [status, response_headers]

        try:
            chunks = app(environ, start_response)
            try:
                content = b"".join(chunks)
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
        except UnicodeEncodeError:  # a lone surrogate the backend cannot store: refused as AWS does
            return _invalid_characters(headers)
        except Exception as error:  # moto lacks the service or the operation: an answer, never a crash
            log.debug("in-process moto failed on %s %s", method, path, exc_info=True)
            return _not_implemented(f"{type(error).__name__}: {error}")
        status = int(str(started[0]).split()[0]) if started else 500
        if self.snapshots is not None and status < 400:
            from emulator.integrations.moto_snapshot import is_read

            if not is_read(method, query, headers, body):
                self.snapshots.changed()
        reply_headers = [(k, v) for k, v in (started[1] if started else []) if k.lower() not in _HOP_BY_HOP]
        if status == 500 and b"NotImplementedError" in content:
            return _not_implemented("the operation is not implemented by the in-process moto backend")
        length = next((v for k, v in (started[1] if started else []) if k.lower() == "content-length"), None)
        if method == "HEAD":
            return HttpReply(status, reply_headers, b"", length)
        return HttpReply(status, reply_headers, content, length)


def _not_implemented(reason: str) -> HttpReply:
    body = (
        '{"__type":"NotImplemented","message":"' + reason.replace("\\", "\\\\").replace('"', "'") + '"}'
    ).encode()
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", "NotImplemented")]
    return HttpReply(501, headers, body)


# SQS's answer to a character outside XML's set (a lone surrogate); other services: a validation error.
_SQS_INVALID_CHARACTERS = (
    "Invalid binary character was found in the message body, the set of allowed characters is "
    "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
)


def _invalid_characters(headers: list[tuple[str, str]]) -> HttpReply:
    target = next((value for name, value in headers if name.lower() == "x-amz-target"), "")
    if target.startswith("AmazonSQS."):
        code, message = "InvalidMessageContents", _SQS_INVALID_CHARACTERS
    else:
        code, message = "ValidationException", "The request contains characters that are not valid Unicode"
    body = json.dumps({"__type": code, "message": message}).encode()
    return HttpReply(400, [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-ErrorType", code)], body)


class _RawBody:
    """The ``raw`` of a botocore ``AWSResponse`` built from bytes."""

    def __init__(self, content: bytes) -> None:
        self._stream = io.BytesIO(content)

    def stream(self, *_: Any, **__: Any) -> Any:
        yield self._stream.read()

    def read(self, *args: Any, **_: Any) -> bytes:
        return self._stream.read(*args)


# What the in-process backend's serializer writes as the request id of an answer it was given none for
# (the EC2 / Query protocols' errors): not an id, so never shown in a cause.
_NO_REQUEST_ID = "request-id"


def json_safe(value: Any) -> Json:
    """botocore output as JSON the way the AWS SDK serialises it: timestamps as ISO-8601 text,
    blobs as text (UTF-8) or base64."""
    import base64
    import datetime as dt

    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dt.datetime):
        return instant_text(value)
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode()
        except UnicodeDecodeError:
            return base64.b64encode(bytes(value)).decode()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def instant_text(value: Any) -> str:
    """A timestamp as the AWS SDK for Java v2 behind Step Functions writes it (``Instant.toString``):
    UTC ISO-8601, the fraction in as many groups of three digits as it needs (none when whole)."""
    import datetime as dt

    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    micros = value.microsecond
    if micros:
        text += f".{micros // 1000:03d}" if micros % 1000 == 0 else f".{micros:06d}"
    return text + "Z"


_URL_BUILDERS_DEFERRED = False


def defer_url_builders() -> None:
    """Werkzeug compiles a URL builder for every route as the route is added (``ast.parse`` and
    ``compile`` of a generated function); moto adds a service's routes on the backend thread at its
    first call. CPython 3.11 keeps the AST converter's recursion depth in one per-interpreter
    counter, so that work racing another thread's ``ast.parse`` (3.11's traceback carets, pytest's
    assertion rewriting) fails one of them with "SystemError: AST constructor recursion depth
    mismatch" (https://github.com/python/cpython/issues/106905). Moto never builds URLs: compile each
    builder on its first use instead. Idempotent; URL building itself is unchanged."""
    global _URL_BUILDERS_DEFERRED
    if _URL_BUILDERS_DEFERRED:
        return
    _URL_BUILDERS_DEFERRED = True
    try:
        from werkzeug.routing.rules import Rule
    except ImportError:  # pragma: no cover - werkzeug comes with moto's server
        return
    original = getattr(Rule, "_compile_builder", None)
    if original is None:  # pragma: no cover - another werkzeug: leave it as it is
        return

    def compile_builder(self: Any, append_unknown: bool = True) -> Callable[..., Any]:
        compiled: list[Callable[..., Any]] = []

        def build(rule: Any, *args: Any, **kwargs: Any) -> Any:
            if not compiled:
                compiled.append(original(rule, append_unknown))
            return compiled[0](rule, *args, **kwargs)

        return build

    Rule._compile_builder = compile_builder  # type: ignore[method-assign]
