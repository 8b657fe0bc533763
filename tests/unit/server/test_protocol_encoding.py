"""Every answer encodes (server/protocol.py): a stored lone surrogate is written back escaped."""

from __future__ import annotations

import json

from emulator.server.protocol import encode_response


def test_an_answer_is_compact_utf8_json() -> None:
    assert encode_response({"name": "\u00e9\u4e2d", "n": 1}) == '{"name":"\u00e9\u4e2d","n":1}'.encode()


def test_a_lone_surrogate_is_written_as_an_escape_and_round_trips() -> None:
    body = encode_response({"input": '{"a":"\ud800"}', "name": "x\u00e9"})
    body.decode("utf-8")  # valid UTF-8, all ASCII
    assert b"\\ud800" in body
    assert json.loads(body) == {"input": '{"a":"\ud800"}', "name": "x\u00e9"}
