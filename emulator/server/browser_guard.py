"""Browser safety: a web page the user happens to open must not be able to drive the emulator.

An emulator on ``127.0.0.1`` is reachable from every page the user's browser shows, and it can run
``http:invoke`` tasks and the user's own Lambda handlers. Three rules close that door while SDKs,
the AWS CLI and the container case keep working (SDKs send neither ``Origin`` nor a foreign ``Host``):

* **Origin.** A request carrying ``Origin`` (every cross-origin ``fetch``, every form POST) is refused
  unless the origin is allowed (``--cors-origin`` / ``SFN_CORS_ORIGINS``; ``*`` allows all) or the page
  is the emulator's own (same origin under a host name the emulator answers to: its future web console
  under ``/_console/``). Preflights (``OPTIONS`` with ``Access-Control-Request-Method``) are answered
  here and never reach the in-process AWS backends, which would allow any origin.
* **Host.** Bound to a loopback address, the emulator answers only loopback host names (``localhost``
  and ``*.localhost``, loopback IP literals such as ``127.0.0.1`` and ``[::1]``, their ``sync-`` forms
  that StartSyncExecution/TestState use, and names added with ``--allow-host`` / ``SFN_ALLOWED_HOSTS``),
  so DNS rebinding (a page's own name re-pointed at 127.0.0.1) gets nothing. Bound to any other
  address (``0.0.0.0`` in a container, reached as ``http://stepfunctions:8083``) any ``Host`` is fine.
* **Admin writes.** ``/_emulator/*`` writes need ``Content-Type: application/json``, which a page can
  only send after a preflight (so the Origin rule applies to them too).

Refusals are AWS-style: ``403 AccessDeniedException`` (Origin, Host) and ``415
UnsupportedMediaTypeException`` (admin writes), with a message saying which setting allows the caller.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from emulator.errors import AccessDeniedException, ApiError, UnsupportedMediaTypeException
from emulator.server.error_responses import error_response
from emulator.server.protocol import too_large
from emulator.settings import Settings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
SYNC_PREFIX = "sync-"  # the host prefix SDKs put before StartSyncExecution / TestState endpoints
ADMIN_PREFIX = "/_emulator/"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_ALLOWED_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
# What a page may read from our answers (the request id and error type AWS SDKs look at).
_EXPOSED_HEADERS = "x-amzn-RequestId, x-amzn-ErrorType, x-amz-request-id, x-amz-id-2, ETag, Date"
_PREFLIGHT_MAX_AGE = "600"
_CACHE_LIMIT = 256  # host names remembered as accepted/refused (a flood of new names is just parsed)


def host_name(host: str) -> str:
    """The name part of a ``Host`` header value, lower-cased: ``[::1]:8083`` -> ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    name, separator, port = host.rpartition(":")
    if separator and port.isdigit() and ":" not in name:
        return name
    return host


def is_loopback_address(address: str) -> bool:
    """Whether the emulator bound to ``address`` is reachable from this machine only."""
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


class BrowserPolicy:
    """Which ``Host`` and ``Origin`` values are answered (see the module docstring)."""

    def __init__(self, bind_host: str, cors_origins: Iterable[str] = (), allowed_hosts: Iterable[str] = ()):
        self.check_host = is_loopback_address(bind_host)
        self.names = frozenset(LOOPBACK_NAMES) | {host_name(name) for name in allowed_hosts if name}
        origins = {origin.strip().rstrip("/").lower() for origin in cors_origins if origin.strip()}
        self.any_origin = "*" in origins
        self.origins = frozenset(origins)
        self._known: dict[str, bool] = {}

    def is_own_name(self, name: str) -> bool:
        """A name this emulator answers to wherever it is bound (loopback names, added names)."""
        if name.startswith(SYNC_PREFIX):
            name = name[len(SYNC_PREFIX) :]
        if name in self.names or name == "localhost" or name.endswith(".localhost"):
            return True  # RFC 6761: browsers resolve *.localhost to loopback themselves
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False

    def host_allowed(self, host: str) -> bool:
        if not self.check_host:
            return True
        known = self._known.get(host)
        if known is None:
            known = self.is_own_name(host_name(host))
            if len(self._known) < _CACHE_LIMIT:
                self._known[host] = known
        return known

    def origin_allowed(self, origin: str, host: str | None) -> bool:
        origin = origin.strip().rstrip("/").lower()
        if self.any_origin or origin in self.origins:
            return True
        # The emulator's own pages: same scheme-less origin as the request, under one of its names.
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or host is None:
            return False
        return parts.netloc == host.strip().lower() and self.is_own_name(host_name(parts.netloc))


def _refuse(error: ApiError) -> web.Response:
    return error_response(error, str(uuid.uuid4()))


def _host_refused(host: str) -> ApiError:
    return AccessDeniedException(
        f"Host '{host}' is not allowed: the emulator listens on a loopback address and answers only "
        "loopback host names (localhost, 127.0.0.1, [::1]); add a name with --allow-host or "
        "SFN_ALLOWED_HOSTS."
    )


def _origin_refused(origin: str) -> ApiError:
    return AccessDeniedException(
        f"Origin '{origin}' is not allowed: requests from web pages are refused unless their origin "
        "is allowed with --cors-origin or SFN_CORS_ORIGINS."
    )


def _preflight(request: web.Request, origin: str) -> web.Response:
    headers = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": _ALLOWED_METHODS,
        "Access-Control-Max-Age": _PREFLIGHT_MAX_AGE,
        "Vary": "Origin",
    }
    requested = request.headers.get("Access-Control-Request-Headers")
    if requested:
        headers["Access-Control-Allow-Headers"] = requested
    return web.Response(status=204, headers=headers)


def _is_json(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


# Request key: the origin whose answer gets CORS headers (typed keys exist from aiohttp 3.13 on).
_ALLOWED_ORIGIN: Any = (
    web.RequestKey("allowed_origin", str) if hasattr(web, "RequestKey") else "browser_guard.allowed_origin"
)


async def _add_cors_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: works for streamed answers too (their headers go out at prepare)."""
    origin = request.get(_ALLOWED_ORIGIN)
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = _EXPOSED_HEADERS
        response.headers.add("Vary", "Origin")


def install(app: web.Application, settings: Settings) -> None:
    """Guard every request of ``app`` with ``settings``' browser policy."""
    app.middlewares.append(browser_guard(settings))
    app.on_response_prepare.append(_add_cors_headers)


def browser_guard(settings: Settings) -> Any:
    """The aiohttp middleware (``web.middleware``-decorated) enforcing ``settings``' browser policy
    (``install`` also adds the CORS headers of allowed origins' answers)."""
    policy = BrowserPolicy(settings.host, settings.cors_origins, settings.allowed_hosts)

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        headers = request.headers
        host = headers.get("Host")
        if host is not None and not policy.host_allowed(host):
            return _refuse(_host_refused(host))
        origin = headers.get("Origin")
        if origin is None:
            # A page's request that hid its origin, or a preflight no browser sent: never moto's to answer.
            if headers.get("Sec-Fetch-Site") in ("cross-site", "same-site") or (
                request.method == "OPTIONS" and "Access-Control-Request-Method" in headers
            ):
                return _refuse(_origin_refused("(none sent)"))
        elif not policy.origin_allowed(origin, host):
            return _refuse(_origin_refused(origin))
        elif request.method == "OPTIONS" and "Access-Control-Request-Method" in headers:
            return _preflight(request, origin)
        if (
            request.method not in _SAFE_METHODS
            and request.path.startswith(ADMIN_PREFIX)
            and not _is_json(headers.get("Content-Type", ""))
        ):
            return _refuse(
                UnsupportedMediaTypeException(
                    f"{request.method} {request.path} needs Content-Type: application/json."
                )
            )
        if origin is not None:
            request[_ALLOWED_ORIGIN] = origin
        try:
            return await handler(request)
        except web.HTTPRequestEntityTooLarge:  # a body past the limit, on any route
            return _refuse(too_large())

    return guard
