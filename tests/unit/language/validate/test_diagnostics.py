from __future__ import annotations

from emulator.language.validate import Diagnostic, invalid_definition_message, validation_response
from emulator.language.validate.diagnostics import INVALID_LABEL_NAME

_ERROR = Diagnostic("ERROR", "SCHEMA_VALIDATION_FAILED", "These fields are required: [StartAt]", "/")
_WARNING = Diagnostic("WARNING", "NO_DOLLAR", "No .$ on a field that appears to be a JSONPath", "/States/A")


def test_invalid_definition_message_joins_errors_with_comma() -> None:
    diagnostics = [
        Diagnostic(
            "ERROR", "MISSING_TRANSITION_TARGET", "Missing 'Next' target: pass3", "/States/pass1/Next"
        ),
        Diagnostic("ERROR", "MISSING_TRANSITION_TARGET", 'State "pass2" is not reachable.', "/States/pass2"),
    ]
    assert invalid_definition_message(diagnostics) == (
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at "
        '/States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2\''
    )


def test_invalid_definition_message_ignores_warnings_and_prints_missing_location_as_null() -> None:
    diagnostics = [_WARNING, Diagnostic("ERROR", "MISSING_END_STATE", "Workflow has no terminal state", None)]
    assert invalid_definition_message(diagnostics) == (
        "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'"
    )


def test_label_error_uses_the_aws_joined_form() -> None:
    label = Diagnostic("ERROR", INVALID_LABEL_NAME, "Label cannot be empty", "/States/M/Label")
    assert invalid_definition_message([label], '{"a": 1}') == (
        "Invalid State Machine Definition: 'INVALID_LABEL_NAME: Label cannot be empty at /States/M/Label'"
    )


def test_validation_response_ok_when_only_warnings() -> None:
    assert validation_response([_WARNING], None) == {"result": "OK", "diagnostics": [], "truncated": False}


def test_validation_response_lists_warnings_when_asked() -> None:
    response = validation_response([_WARNING, _ERROR], None, severity="WARNING")
    assert response["result"] == "FAIL"
    assert [d["code"] for d in response["diagnostics"]] == ["NO_DOLLAR", "SCHEMA_VALIDATION_FAILED"]


def test_validation_response_omits_absent_location() -> None:
    diagnostic = Diagnostic(
        "ERROR", "SCHEMA_VALIDATION_FAILED", "Definition must be a valid JSON object", None
    )
    assert validation_response([diagnostic], None)["diagnostics"] == [
        {
            "severity": "ERROR",
            "code": "SCHEMA_VALIDATION_FAILED",
            "message": "Definition must be a valid JSON object",
        }
    ]


def test_validation_response_truncates_at_max_results() -> None:
    response = validation_response([_ERROR] * 3, 2)
    assert len(response["diagnostics"]) == 2
    assert response["truncated"] is True


def test_validation_response_zero_max_results_means_the_default_of_100() -> None:
    response = validation_response([_ERROR] * 101, 0)
    assert len(response["diagnostics"]) == 100
    assert response["truncated"] is True
