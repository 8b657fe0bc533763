"""The browser policy's decisions, table-driven (server/browser_guard.py)."""

from __future__ import annotations

import pytest

from emulator.server.browser_guard import BrowserPolicy, host_name, is_loopback_address


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("127.0.0.1:8083", "127.0.0.1"),
        ("LOCALHOST", "localhost"),
        ("[::1]:8083", "::1"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("stepfunctions:8083", "stepfunctions"),
        ("sync-localhost:8083", "sync-localhost"),
    ],
)
def test_host_name_drops_the_port_and_brackets(host: str, name: str) -> None:
    assert host_name(host) == name


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("localhost", True), ("0.0.0.0", False), ("::", False),
     ("192.168.1.5", False), ("stepfunctions", False)],
)  # fmt: skip
def test_only_a_loopback_binding_checks_hosts(address: str, loopback: bool) -> None:
    assert is_loopback_address(address) is loopback
    assert BrowserPolicy(address).host_allowed("evil.example") is not loopback


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1:8083", True),
        ("localhost:8083", True),
        ("[::1]:8083", True),
        ("sync-127.0.0.1:8083", True),
        ("sync-localhost", True),
        ("s3.localhost:8083", True),  # RFC 6761: browsers resolve *.localhost themselves
        ("127.0.0.53", True),
        ("dev.internal:8083", True),  # added by the user
        ("sync-dev.internal", True),
        ("evil.example:8083", False),  # DNS rebinding
        ("localhost.evil.example", False),
        ("sync-evil.example", False),
        ("10.0.0.1", False),
        ("", False),
    ],
)
def test_a_loopback_bound_emulator_answers_loopback_and_added_names_only(host: str, allowed: bool) -> None:
    assert BrowserPolicy("127.0.0.1", allowed_hosts=("dev.internal",)).host_allowed(host) is allowed


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        ("http://evil.example", "127.0.0.1:8083", False),
        ("null", "127.0.0.1:8083", False),
        ("http://localhost:3000", "127.0.0.1:8083", True),  # configured
        ("http://LOCALHOST:3000/", "127.0.0.1:8083", True),
        ("http://127.0.0.1:8083", "127.0.0.1:8083", True),  # the emulator's own page
        ("http://localhost:8083", "localhost:8083", True),
        ("http://localhost:8083", "127.0.0.1:8083", False),  # another origin, though the same machine
        ("http://evil.example:8083", "evil.example:8083", False),  # same origin, but a rebound name
        ("http://stepfunctions:8083", "stepfunctions:8083", False),  # name not added
        ("file://", "127.0.0.1:8083", False),
        ("http://127.0.0.1:8083", None, False),
    ],
)
def test_origins(origin: str, host: str | None, allowed: bool) -> None:
    policy = BrowserPolicy("0.0.0.0", cors_origins=("http://localhost:3000",))
    assert policy.origin_allowed(origin, host) is allowed


def test_a_star_allows_every_origin_and_added_names_make_same_origin_pages() -> None:
    assert BrowserPolicy("127.0.0.1", cors_origins=("*",)).origin_allowed("http://evil.example", None)
    policy = BrowserPolicy("0.0.0.0", allowed_hosts=("stepfunctions",))
    assert policy.origin_allowed("http://stepfunctions:8083", "stepfunctions:8083")


def test_a_flood_of_host_names_is_not_remembered_without_bound() -> None:
    policy = BrowserPolicy("127.0.0.1")
    for number in range(10_000):
        assert not policy.host_allowed(f"h{number}.example")
    assert policy.host_allowed("localhost:8083")
    assert len(policy._known) <= 256
