"""A definition's text is read once: validated, then compiled from the same document."""

from __future__ import annotations

import json

from emulator.language.definitions import check_definition
from emulator.language.validate import validate_definition

_VALID = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def test_a_valid_definition_is_compiled_with_its_diagnostics() -> None:
    checked = check_definition(json.dumps(_VALID))
    assert checked.errors == []
    assert checked.definition is not None and checked.definition.start_at == "P"


def test_an_invalid_definition_has_errors_and_no_compiled_machine() -> None:
    text = json.dumps({"StartAt": "Missing", "States": {"P": {"Type": "Pass", "End": True}}})
    checked = check_definition(text)
    assert checked.definition is None
    assert [d.code for d in checked.errors] == [d.code for d in validate_definition(text)]


def test_text_after_the_definition_object_is_read_as_the_validator_reads_it() -> None:
    # The validator reads the first JSON value (as AWS's Jackson parser does); compiling the same
    # document means the text is never parsed a second time by a stricter reader (which failed
    # with a JSONDecodeError, answered as a 500 InternalFailure, before).
    text = json.dumps(_VALID) + " trailing"
    assert [d for d in validate_definition(text) if d.severity == "ERROR"] == []
    checked = check_definition(text)
    assert checked.definition is not None and list(checked.definition.states) == ["P"]
