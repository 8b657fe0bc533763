from __future__ import annotations

from emulator.server.operations import OPERATIONS
from emulator.server.validation import operation_names


def test_every_operation_of_the_model_has_a_service_function() -> None:
    assert set(OPERATIONS) == set(operation_names())
    assert all(callable(handler) for handler in OPERATIONS.values())
