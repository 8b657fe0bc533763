"""Snapshots of the in-process AWS services (--data-dir): what is pickled how, when a request
counts as a change, the file's format checks, restore and discard."""

from __future__ import annotations

import collections
import io
import os
import pickle
import threading
import uuid
import weakref
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from emulator.integrations.clients import AwsClients
from emulator.integrations.moto_snapshot import (
    SNAPSHOT_FILE,
    MotoSnapshots,
    SnapshotFormatError,
    _Pickler,
    is_read,
)
from emulator.settings import Settings

REGION = "us-east-1"


def _now(fn: Callable[[], Any]) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(fn())
    return future


class _Versions(collections.defaultdict):  # type: ignore[type-arg]
    """Like moto's ssm ParameterDict: a defaultdict whose __init__ takes other arguments."""

    def __init__(self, account: str) -> None:
        super().__init__(list)
        self.account = account


def _round_trip(value: Any) -> Any:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return pickle.loads(buffer.getvalue())


def test_locks_conditions_and_events_are_made_anew() -> None:
    back = _round_trip({"lock": threading.Lock(), "rlock": threading.RLock(), "c": threading.Condition()})
    assert back["lock"].acquire(blocking=False)
    assert back["rlock"].acquire(blocking=False)
    with back["c"]:
        back["c"].notify_all()


def test_a_defaultdict_subclass_and_a_lambda_factory_survive() -> None:
    versions = _Versions("111")
    versions["a"].append(1)
    aliases: collections.defaultdict[str, dict[str, int]] = collections.defaultdict(lambda: {})
    aliases["f"]["x"] = 1
    back_versions, back_aliases = _round_trip((versions, aliases))
    assert type(back_versions) is _Versions and back_versions.account == "111"
    assert back_versions == {"a": [1]} and back_versions["new"] == []
    assert back_aliases == {"f": {"x": 1}}
    back_aliases["g"]["y"] = 2
    back_aliases["h"]["z"] = 3
    assert back_aliases["g"] == {"y": 2} and back_aliases["h"] == {"z": 3}  # a new dict each time


class Thing:
    pass


def test_weak_mappings_are_kept_with_their_entries() -> None:
    thing = Thing()
    mapping: weakref.WeakValueDictionary[str, Thing] = weakref.WeakValueDictionary({"t": thing})
    back_thing, back_mapping = _round_trip((thing, mapping))
    assert back_mapping["t"] is back_thing


# botocore's protocols: JSON (X-Amz-Target), query (Action=…), REST (method).
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/Welcome.html
@pytest.mark.parametrize(
    ("method", "query", "headers", "body", "read"),
    [
        ("POST", "", [("X-Amz-Target", "AmazonSQS.SendMessage")], b"{}", False),
        ("POST", "", [("X-Amz-Target", "AmazonSQS.ReceiveMessage")], b"{}", False),
        ("POST", "", [("X-Amz-Target", "DynamoDB_20120810.GetItem")], b"{}", True),
        ("POST", "", [("x-amz-target", "DynamoDB_20120810.Query")], b"{}", True),
        ("POST", "", [], b"Action=Publish&TopicArn=x", False),
        ("POST", "", [], b"Action=ListTopics&Version=2010-03-31", True),
        ("GET", "Action=DescribeAlarms", [], b"", True),
        ("GET", "list-type=2", [], b"", True),
        ("HEAD", "", [], b"", True),
        ("PUT", "", [], b"object bytes", False),
        ("DELETE", "", [], b"", False),
    ],
)
def test_which_requests_count_as_changes(
    method: str, query: str, headers: list[tuple[str, str]], body: bytes, read: bool
) -> None:
    assert is_read(method, query, headers, body) is read


def test_a_snapshot_in_an_unknown_format_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / SNAPSHOT_FILE
    path.write_bytes(b'{"format": 99}\n...')
    with pytest.raises(SnapshotFormatError, match="snapshot format 99"):
        MotoSnapshots(str(tmp_path), _now).check()
    path.write_bytes(b"not ours")
    with pytest.raises(SnapshotFormatError, match="is not an sfn-emulator snapshot"):
        MotoSnapshots(str(tmp_path), _now).check()
    assert path.read_bytes() == b"not ours"


def test_an_unreadable_snapshot_is_moved_aside_and_the_services_start_empty(tmp_path: Path) -> None:
    (tmp_path / SNAPSHOT_FILE).write_bytes(b'{"format": 1, "moto": "0.0"}\nnot a pickle')
    assert MotoSnapshots(str(tmp_path), _now).restore() == 0
    assert (tmp_path / (SNAPSHOT_FILE + ".unreadable")).read_bytes().endswith(b"not a pickle")
    assert not (tmp_path / SNAPSHOT_FILE).exists()


@pytest.fixture
async def clients() -> AsyncIterator[AwsClients]:
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


async def test_a_queue_with_its_messages_comes_back_from_the_file(
    clients: AwsClients, tmp_path: Path
) -> None:
    account = str(uuid.uuid4().int)[:12]
    call = clients.call
    url = (await call("sqs", "CreateQueue", {"QueueName": "kept"}, account=account, region=REGION)).output[
        "QueueUrl"
    ]
    await call("sqs", "SendMessage", {"QueueUrl": url, "MessageBody": "m"}, account=account, region=REGION)
    snapshots = MotoSnapshots(str(tmp_path), clients.run_on_moto_thread, interval=3600)
    snapshots._dirty.set()
    snapshots.flush()
    assert snapshots.written == 1 and (tmp_path / SNAPSHOT_FILE).read_bytes().startswith(b'{"format": 1')
    await call("sqs", "DeleteQueue", {"QueueUrl": url}, account=account, region=REGION)
    restored = await _on_moto_thread(clients, snapshots.restore)
    assert restored >= 1
    received = await call(
        "sqs", "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10}, account=account, region=REGION
    )
    assert [m["Body"] for m in received.output["Messages"]] == ["m"]


async def test_a_kms_key_survives_a_snapshot_and_still_signs(clients: AwsClients, tmp_path: Path) -> None:
    # a KMS key holds a native private key pickle cannot take (it failed the whole snapshot)
    account = str(uuid.uuid4().int)[:12]

    async def call(operation: str, request: dict[str, Any]) -> Any:
        return (await clients.call("kms", operation, request, account=account, region=REGION)).output

    key = (await call("CreateKey", {"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}))["KeyMetadata"][
        "KeyId"
    ]
    symmetric = (await call("CreateKey", {}))["KeyMetadata"]["KeyId"]
    snapshots = MotoSnapshots(str(tmp_path), clients.run_on_moto_thread, interval=3600)
    snapshots._dirty.set()
    snapshots.flush()
    assert snapshots.written == 1
    await call("ScheduleKeyDeletion", {"KeyId": key, "PendingWindowInDays": 7})
    await _on_moto_thread(clients, snapshots.restore)
    signed = await call("Sign", {"KeyId": key, "Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"})
    verify = {
        "KeyId": key,
        "Message": b"m",
        "Signature": signed["Signature"],
        "SigningAlgorithm": "ECDSA_SHA_256",
    }
    assert (await call("Verify", verify))["SignatureValid"] is True
    encrypted = await call("Encrypt", {"KeyId": symmetric, "Plaintext": b"secret"})
    assert (await call("Decrypt", {"CiphertextBlob": encrypted["CiphertextBlob"]}))["Plaintext"] == b"secret"


async def _on_moto_thread(clients: AwsClients, fn: Callable[[], Any]) -> Any:
    import asyncio

    return await asyncio.wrap_future(clients.run_on_moto_thread(fn))


def test_discard_removes_the_file_and_a_snapshot_taken_before_it_is_not_written(tmp_path: Path) -> None:
    taken: list[Callable[[], Any]] = []
    snapshots: MotoSnapshots

    def run(fn: Callable[[], Any]) -> Future[Any]:
        taken.append(fn)
        snapshots.discard()  # a reset arrives while the snapshot is being taken
        return _now(lambda: b"payload")

    snapshots = MotoSnapshots(str(tmp_path), run)
    (tmp_path / SNAPSHOT_FILE).write_bytes(b'{"format": 1}\nold')
    snapshots._snapshot()
    assert taken and not os.path.exists(tmp_path / SNAPSHOT_FILE) and snapshots.written == 0
