"""Documented limits and field rules AWS checks when a definition is created, beyond the field tables:
``Credentials``, variable names in ``Assign``, fields that exclude their ``…Path`` twin, a heartbeat
shorter than the timeout, the literal form of JSONata ``Items``, and the ranges of retrier fields.

Sources (one per rule, quoted where the rule is written):

* Task state, https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html — ``Credentials``
  holds ``RoleArn`` (a literal, or ``RoleArn.$`` with a path / intrinsic, or a JSONata expression);
  "TimeoutSeconds … TimeoutSecondsPath … you can't use both"; "HeartbeatSeconds … must be less than
  the number of seconds specified in the TimeoutSeconds field".
* ASL specification, https://states-language.net/spec.html — "A Task State MUST NOT include both
  TimeoutSeconds and TimeoutSecondsPath or both HeartbeatSeconds and HeartbeatSecondsPath"; "If
  provided, the HeartbeatSeconds interval MUST be smaller than the TimeoutSeconds value".
* Fail state, https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html — "You can specify
  either Cause or CausePath, but not both in your Fail state definition" (and the same of Error and
  ErrorPath).
* Retrying after an error, https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
  — "IntervalSeconds has a maximum value of 99999999", "MaxAttempts has a maximum value of
  99999999", MaxDelaySeconds "must be greater than 0 and less than 31622401".
* Map state, https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html — ``Items`` is "a
  JSON array or a JSONata expression that must evaluate to an array"; MaxConcurrency /
  MaxConcurrencyPath, ToleratedFailure*/…Path and MaxItemsPerBatch/…Path are alternatives;
  "MaxInputBytesPerBatch … up to 256 KiB".
* Workflow variables, https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html —
  names are Unicode identifiers (first character ID_Start, then ID_Continue), at most 80 characters;
  ``$states`` is reserved.

Where AWS's exact wording is not published, the message follows the form of AWS's measured schema
messages (``The value for the field 'X' must be …``, ``These fields are required: […]``).
"""

from __future__ import annotations

from emulator.language.validate.context import JSONATA, Checker, join
from emulator.language.validate.expressions import is_path_or_intrinsic
from emulator.language.validate.schema import check_fields, is_integer, is_jsonata_expression
from emulator.model.types import JsonObject

MAX_SECONDS = 99_999_999
MAX_RETRY_DELAY_SECONDS = 31_622_400
MAX_BATCH_INPUT_BYTES = 262_144  # "MaxInputBytesPerBatch … up to 256 KiB" (ItemBatcher (Map))
# ItemReader "MaxItems … a limit of up to 100,000,000 after which the Distributed Map stops reading".
MAX_READER_ITEMS = 100_000_000
VARIABLE_NAME_MAX_LENGTH = 80
RESERVED_VARIABLE = "states"

# A field and its ``…Path`` twin: a state gives at most one of them.
TASK_ALTERNATIVES = (("TimeoutSeconds", "TimeoutSecondsPath"), ("HeartbeatSeconds", "HeartbeatSecondsPath"))
MAP_ALTERNATIVES = (
    ("MaxConcurrency", "MaxConcurrencyPath"),
    ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
    ("ToleratedFailureCount", "ToleratedFailureCountPath"),
)
FAIL_ALTERNATIVES = (("Error", "ErrorPath"), ("Cause", "CausePath"))
BATCHER_ALTERNATIVES = (
    ("MaxItemsPerBatch", "MaxItemsPerBatchPath"),
    ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"),
)


def alternatives_message(names: tuple[str, ...]) -> str:
    return f"At most one of these fields is allowed: [{', '.join(names)}]"


def check_alternatives(
    checker: Checker, node: JsonObject, pairs: tuple[tuple[str, str], ...], location: str
) -> None:
    for pair in pairs:
        if all(name in node for name in pair):
            checker.error(alternatives_message(pair), location)


def heartbeat_message() -> str:
    return "The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds'"


def check_heartbeat_below_timeout(checker: Checker, state: JsonObject, location: str) -> None:
    """Only literal values are compared here; expressions and paths are checked when evaluated."""
    timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
    if (
        isinstance(timeout, int)
        and isinstance(heartbeat, int)
        and is_integer(timeout)
        and is_integer(heartbeat)
        and 1 <= timeout <= heartbeat
    ):
        checker.error(heartbeat_message(), join(location, "HeartbeatSeconds"))


# --- Credentials -------------------------------------------------------------------------------

_JSONPATH_ROLE_FIELDS = ("RoleArn", "RoleArn.$")


def check_credentials(checker: Checker, state: JsonObject, query_language: str, location: str) -> None:
    """``Credentials``: an object naming the role to assume, in the state's query language."""
    credentials = state.get("Credentials")
    if not isinstance(credentials, dict):
        return  # the type is reported with the other field types
    here = join(location, "Credentials")
    if query_language == JSONATA:
        check_fields(checker, credentials, frozenset({"RoleArn"}), ("RoleArn",), here)
        role = credentials.get("RoleArn")
        if "RoleArn" in credentials and not isinstance(role, str):
            checker.error("The value for the field 'RoleArn' must be a STRING", join(here, "RoleArn"))
        return
    check_fields(checker, credentials, frozenset(_JSONPATH_ROLE_FIELDS), (), here)
    given = [name for name in _JSONPATH_ROLE_FIELDS if name in credentials]
    if len(given) != 1:
        checker.error(f"Exactly one of these fields is required: [{', '.join(_JSONPATH_ROLE_FIELDS)}]", here)
        return
    value = credentials[given[0]]
    if given[0] == "RoleArn":
        if not isinstance(value, str):
            checker.error("The value for the field 'RoleArn' must be a STRING", join(here, "RoleArn"))
    elif not is_path_or_intrinsic(value):
        # the payload-template wording, located at the template (as for Parameters)
        checker.error(
            "The value for the field 'RoleArn.$' must be a valid JSONPath or a valid intrinsic function call",
            here,
        )


# --- Assign ------------------------------------------------------------------------------------


def variable_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a workflow variable, or None when it can."""
    if name == RESERVED_VARIABLE:
        return f"The variable name '{name}' is reserved"
    if len(name) > VARIABLE_NAME_MAX_LENGTH:
        return (
            f"The variable name '{name}' exceeds the maximum length of {VARIABLE_NAME_MAX_LENGTH} characters"
        )
    # str.isidentifier is Unicode's XID_Start XID_Continue* (with '_' allowed first): UAX #31.
    if not name.isidentifier():
        return f"The variable name '{name}' is not a valid identifier"
    return None


def check_assign_names(checker: Checker, assign: JsonObject, query_language: str, location: str) -> None:
    """Every key of an ``Assign`` object names a variable (a JSONPath ``name.$`` key names ``name``)."""
    for key in assign:
        name = key[:-2] if query_language != JSONATA and key.endswith(".$") else key
        problem = variable_name_problem(name)
        if problem is not None:
            checker.error(problem, location)


# --- Map ---------------------------------------------------------------------------------------


def check_jsonata_items(checker: Checker, state: JsonObject, location: str) -> None:
    """``Items`` of a JSONata Map: a JSON array or a ``{% %}`` expression."""
    if "Items" not in state:
        return
    items = state["Items"]
    if not isinstance(items, list) and not is_jsonata_expression(items):
        checker.error("The value for the field 'Items' must be an ARRAY", join(location, "Items"))
