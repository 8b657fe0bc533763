from __future__ import annotations

import inspect

from emulator.server.operations import OPERATIONS, SERVICE_MODULES, handler
from emulator.server.validation import operation_names


def test_every_operation_of_the_model_has_a_service_function() -> None:
    assert set(OPERATIONS) == set(operation_names())
    for operation in OPERATIONS:
        found = handler(operation)
        assert callable(found), operation
        assert list(inspect.signature(found).parameters)[:3] == ["env", "context", "request"], operation


def test_a_handler_is_resolved_once_and_unknown_operations_have_none() -> None:
    assert handler("ListStateMachines") is handler("ListStateMachines")
    assert handler("ListStateMachines").__name__ == "list_state_machines"  # type: ignore[union-attr]
    assert handler("NoSuchOperation") is None


def test_the_background_import_list_names_every_service_module() -> None:
    assert set(SERVICE_MODULES) == {f"emulator.service.{module}" for module, _ in OPERATIONS.values()}
