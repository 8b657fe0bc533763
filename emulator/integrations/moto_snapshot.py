"""Snapshots of the in-process AWS services (moto's backends) in the data directory (``--data-dir``).

moto keeps every queue, table, bucket, log group … as plain Python objects in its ``BackendDict``s
(service -> account -> region -> backend). ``MotoSnapshots`` pickles all of them at once (one
pickle: objects shared between backends stay shared) into ``aws-services.pickle``:

* **when**: a call that may change a backend (``changed()``; reads by name and ``GET``/``HEAD``
  are skipped) wakes a thread of ours, which waits ``interval`` seconds (the changes made
  meanwhile join the same snapshot) and then has the snapshot taken; and at a clean stop
  (``flush()``). kill -9 therefore loses at most the changes of the last ``interval`` seconds plus
  the time to take and write one snapshot. Taking one pauses moto's quick calls (~250 ms for 13 MB
  of state: 10,000 items, 1,000 messages, 10 MB of objects), so a large state waits 4x that long
  between snapshots: moto spends at most a fifth of its time on them.
* **where it is taken**: on the ordered moto thread (``run_on_moto_thread``), between two calls, so
  no quick call changes a backend half-way through; only a long poll (SQS ``ReceiveMessage`` with
  ``WaitTimeSeconds``) runs beside it: if it changes what is being pickled, the snapshot is
  retried. The bytes are written by our thread: a temporary file, fsync, rename (a kill leaves
  the previous snapshot or the new one, never half of one).
* **restore**: ``restore()`` runs before the first call reaches moto (``AwsClients._moto``) and puts
  each stored backend back in its live ``BackendDict``.

Pickling moto's objects needs a few rules (``_Pickler``): locks, conditions and events are made
anew; weak mappings are kept as strong ones; a ``defaultdict`` whose factory is a lambda gets a
factory that copies what the lambda made; a ``BackendDict`` (or one account's) inside a backend is
stored as a reference to the live one.

The file starts with one JSON line (format version, moto version). A format this emulator does not
know is refused at start (``check()``); a snapshot that cannot be read back (an incompatible moto)
is renamed ``aws-services.pickle.unreadable`` (kept, never overwritten by the next snapshot) and
the services start empty, which the log says.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import copyreg
import importlib
import io
import json
import logging
import os
import pickle
import sys
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

log = logging.getLogger("emulator.integrations.moto_snapshot")

SNAPSHOT_FILE = "aws-services.pickle"
FORMAT_VERSION = 1
# The debounce: a change is in a snapshot at most this long (plus the time to take it) after it.
INTERVAL_SECONDS = 1.0
_CAPTURE_ATTEMPTS = 3
# Operations (by name prefix) that read and change nothing worth a snapshot.
_READ_PREFIXES = ("List", "Get", "Describe", "Head", "Query", "Scan", "BatchGet", "Search", "Filter")

_LOCK_TYPE = type(threading.Lock())
_RLOCK_TYPE = type(threading.RLock())


class SnapshotFormatError(Exception):
    """The snapshot file was written by a newer emulator (or is not ours): nothing is touched."""


class MotoSnapshots:
    """Snapshots of moto's backends in ``directory``; see the module docstring."""

    def __init__(
        self,
        directory: str,
        run_on_moto_thread: Callable[[Callable[[], bytes | None]], Future[bytes | None]],
        interval: float = INTERVAL_SECONDS,
    ) -> None:
        self.path = os.path.join(directory, SNAPSHOT_FILE)
        self.interval = interval
        self._run_on_moto_thread = run_on_moto_thread
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._write_lock = threading.Lock()  # one writer of the file at a time (thread, flush)
        self._generation = 0  # raised by discard(): a snapshot taken before it is not written
        self._thread: threading.Thread | None = None
        self.written = 0  # snapshots written (tests, logs)
        self.last_bytes = 0
        self.last_capture_seconds = 0.0

    # --- start-up -------------------------------------------------------------------------------

    def check(self) -> None:
        """Refuse a snapshot written in a format this emulator does not know (before anything)."""
        header = self._read_header()
        if header is not None and header.get("format") != FORMAT_VERSION:
            raise SnapshotFormatError(
                f"{self.path} was written by another sfn-emulator (snapshot format "
                f"{header.get('format')!r}; this one reads {FORMAT_VERSION}). Upgrade the emulator or "
                "choose another --data-dir; nothing was changed."
            )

    def restore(self) -> int:
        """Put the stored backends back (call before moto serves its first call); the number of
        backends restored."""
        try:
            with open(self.path, "rb") as file:
                header = _parse_header(file.readline())
                payload = file.read()
        except FileNotFoundError:
            return 0
        try:
            if header is None or header.get("format") != FORMAT_VERSION:
                raise SnapshotFormatError(f"unknown snapshot header {header!r}")
            stored = pickle.loads(payload)
            count = _install(stored)
        except Exception as error:  # an incompatible moto: keep the file aside, start empty
            aside = self.path + ".unreadable"
            os.replace(self.path, aside)
            log.error(
                "the AWS services' snapshot %s could not be read back (%s: %s; written with moto %s, "
                "this is moto %s); it was moved to %s and the services start empty",
                self.path,
                type(error).__name__,
                error,
                (header or {}).get("moto"),
                _moto_version(),
                aside,
            )
            return 0
        log.info("restored %d AWS service backends from %s", count, self.path)
        return count

    # --- taking snapshots -----------------------------------------------------------------------

    def changed(self) -> None:
        """A backend may have changed: have a snapshot taken within ``interval`` seconds."""
        if self._thread is None:
            self._start()
        self._dirty.set()

    def flush(self) -> None:
        """Take and write a snapshot now if anything changed since the last one (a clean stop)."""
        self._stopping.set()
        if self._dirty.is_set():
            self._dirty.clear()
            self._snapshot()

    def discard(self) -> None:
        """Forget the stored state (``POST /_emulator/reset``): the file goes, a snapshot under
        way is not written."""
        with self._write_lock:
            self._generation += 1
            self._dirty.clear()
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path)

    def _start(self) -> None:
        with self._write_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="moto-snapshot", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._dirty.wait()
            # the changes of the next interval join in; a large state (a capture pauses moto's
            # calls) is snapshotted less often, so moto spends at most a fifth of its time on it
            if self._stopping.wait(max(self.interval, 4 * self.last_capture_seconds)):
                return
            self._dirty.clear()
            try:
                self._snapshot()
            except Exception:  # never stop snapshotting over one failure; the next change retries
                log.exception("taking a snapshot of the AWS services failed")
                self._dirty.set()

    def _snapshot(self) -> None:
        generation = self._generation
        payload = self._run_on_moto_thread(self._capture).result()
        if payload is None:
            self._dirty.set()  # a long poll kept changing it: next time
            return
        with self._write_lock:
            if generation != self._generation:
                return
            _write_atomically(self.path, _header() + payload)
            self.written += 1
            self.last_bytes = len(payload)

    def _capture(self) -> bytes | None:
        """Pickle every backend in use (on the moto thread)."""
        from time import perf_counter

        started = perf_counter()
        for _ in range(_CAPTURE_ATTEMPTS):
            buffer = io.BytesIO()
            try:
                _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(_backends_in_use())
            except RuntimeError:  # "changed size during iteration": a long poll changed a queue
                continue
            self.last_capture_seconds = perf_counter() - started
            return buffer.getvalue()
        return None

    def _read_header(self) -> dict[str, Any] | None:
        try:
            with open(self.path, "rb") as file:
                line = file.readline(4096)
        except FileNotFoundError:
            return None
        header = _parse_header(line)
        if header is None:
            raise SnapshotFormatError(
                f"{self.path} is not an sfn-emulator snapshot. Choose another --data-dir; nothing was "
                "changed."
            )
        return header


def is_read(method: str, query: str, headers: list[tuple[str, str]], body: bytes) -> bool:
    """Whether a request to moto only reads (no snapshot needed after it): the operation's name
    (JSON ``X-Amz-Target``, query-protocol ``Action``) or, for REST services, ``GET``/``HEAD``."""
    for name, value in headers:
        if name.lower() == "x-amz-target":
            return value.rsplit(".", 1)[-1].startswith(_READ_PREFIXES)
    action = _action(query) or (
        _action(body.decode("latin-1")) if body[:4096].find(b"Action=") >= 0 else None
    )
    if action is not None:
        return action.startswith(_READ_PREFIXES)
    return method in ("GET", "HEAD")


def _action(text: str) -> str | None:
    for part in text.split("&"):
        if part.startswith("Action="):
            return part[len("Action=") :]
    return None


# --- the pickle --------------------------------------------------------------------------------


def _backends_in_use() -> list[tuple[Any, dict[str, dict[str, Any]]]]:
    from moto.core.base_backend import BackendDict

    return [
        (backends, {account: dict(regions) for account, regions in backends.items()})
        for backends in list(BackendDict._instances)  # type: ignore[misc]
        if any(len(regions) for regions in backends.values())
    ]


def _install(stored: list[tuple[Any, dict[str, dict[str, Any]]]]) -> int:
    count = 0
    for backends, accounts in stored:
        for account, regions in accounts.items():
            per_account = backends[account]  # creates it (and registers the BackendDict as in use)
            for region, backend in regions.items():
                dict.__setitem__(per_account, region, backend)
                count += 1
    return count


class _Sample:
    """A ``defaultdict`` factory standing for a lambda: a copy of what the lambda made."""

    def __init__(self, sample: Any) -> None:
        self.sample = sample

    def __call__(self) -> Any:
        return copy.deepcopy(self.sample)


def _live_backends(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


def _live_account_backends(module: str, name: str, account: str) -> Any:
    return _live_backends(module, name)[account]


def _where(backend_class: type) -> tuple[str, str]:
    """The module and name of the ``BackendDict`` serving ``backend_class``."""
    from moto.core.base_backend import BackendDict

    module_name = backend_class.__module__
    candidates = [module_name, module_name.rsplit(".", 1)[0]]
    for candidate in candidates:
        module = sys.modules.get(candidate) or importlib.import_module(candidate)
        for name, value in vars(module).items():
            if isinstance(value, BackendDict) and value.backend is backend_class:
                return candidate, name
    raise pickle.PicklingError(f"no BackendDict found for {backend_class.__qualname__}")


def _reduce_defaultdict(obj: Any) -> Any:
    # defaultdict's own reduce calls type(obj)(factory): a subclass may take other arguments
    factory = obj.default_factory
    if "<" in getattr(factory, "__qualname__", ""):  # a lambda or a local function
        factory = _Sample(factory())
    state = (getattr(obj, "__dict__", None) or None, {"default_factory": factory})
    new_object = copyreg.__newobj__  # type: ignore[attr-defined]  # pickle's own "cls.__new__(cls)"
    return new_object, (type(obj),), state, None, iter(dict.items(obj))


def _rules() -> list[tuple[type | tuple[type, ...], Callable[[Any], Any]]]:
    from moto.core.base_backend import AccountSpecificBackend, BackendDict

    return [
        (_LOCK_TYPE, lambda _: (threading.Lock, ())),
        (_RLOCK_TYPE, lambda _: (threading.RLock, ())),
        (threading.Condition, lambda _: (threading.Condition, ())),
        (threading.Event, lambda _: (threading.Event, ())),
        (BackendDict, lambda obj: (_live_backends, _where(obj.backend))),
        (
            AccountSpecificBackend,
            lambda obj: (_live_account_backends, (*_where(obj.backend), obj.account_id)),
        ),
        (
            (weakref.WeakValueDictionary, weakref.WeakKeyDictionary),
            lambda obj: (type(obj), (dict(obj.items()),)),
        ),
        (weakref.WeakSet, lambda obj: (weakref.WeakSet, (list(obj),))),
        (collections.defaultdict, _reduce_defaultdict),
        *_key_rules(),
    ]


def _key_rules() -> list[tuple[type | tuple[type, ...], Callable[[Any], Any]]]:
    """Private and public keys of the ``cryptography`` library (KMS keys hold one) are native objects
    pickle cannot take: stored as their PEM text and loaded back from it."""
    try:
        from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
    except ImportError:  # pragma: no cover - moto depends on cryptography
        return []
    private = (
        rsa.RSAPrivateKey,
        ec.EllipticCurvePrivateKey,
        ed25519.Ed25519PrivateKey,
        ed448.Ed448PrivateKey,
    )
    public = (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)
    return [(private, _reduce_private_key), (public, _reduce_public_key)]


def _reduce_private_key(key: Any) -> Any:
    from cryptography.hazmat.primitives import serialization

    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (_load_private_key, (pem,))


def _reduce_public_key(key: Any) -> Any:
    from cryptography.hazmat.primitives import serialization

    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return (_load_public_key, (pem,))


def _load_private_key(pem: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(pem, password=None)


def _load_public_key(pem: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_public_key(pem)


class _Pickler(pickle.Pickler):
    """pickle with the rules above; the rule of each type is looked up once (reducer_override is
    called for every object: 10,000 DynamoDB items are ~100,000 calls)."""

    def __init__(self, file: Any, protocol: int) -> None:
        super().__init__(file, protocol=protocol)
        self._rule_list = _rules()
        self._by_type: dict[type, Callable[[Any], Any] | None] = {}

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        try:
            rule = self._by_type[kind]
        except KeyError:
            rule = self._by_type[kind] = next(
                (reduce for types, reduce in self._rule_list if issubclass(kind, types)), None
            )
        return NotImplemented if rule is None else rule(obj)


# --- the file ----------------------------------------------------------------------------------


def _moto_version() -> str:
    try:
        from importlib.metadata import version

        return version("moto")
    except Exception:
        return "unknown"


def _header() -> bytes:
    return json.dumps({"format": FORMAT_VERSION, "moto": _moto_version()}).encode() + b"\n"


def _parse_header(line: bytes) -> dict[str, Any] | None:
    try:
        header = json.loads(line)
    except ValueError:
        return None
    return header if isinstance(header, dict) and "format" in header else None


def _write_atomically(path: str, content: bytes) -> None:
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    directory = os.open(os.path.dirname(path) or ".", os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
