"""Random and mutated definitions, inputs and answers for the robustness (property) tests.

Everything draws from a ``random.Random`` the test passes in, so a failing example is replayed from
its seed. ``random_definition`` builds plausible machines of every state type in both query
languages; ``mutate`` damages any document the way a hurried author would (fields dropped,
duplicated, retyped; odd paths, expressions, intrinsic calls, numbers, nesting and unicode).

``FUZZ_EXAMPLES`` (environment variable ``SFN_FUZZ_EXAMPLES``, default small) sets how many examples
each property test runs: ``SFN_FUZZ_EXAMPLES=5000 pytest tests -k robustness`` is the heavy run.
"""

from __future__ import annotations

import copy
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FUZZ_EXAMPLES = int(os.environ.get("SFN_FUZZ_EXAMPLES", "0")) or None

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

FIELDS = (
    "Parameters", "ResultSelector", "ResultPath", "InputPath", "OutputPath", "Arguments", "Output", "Assign",
    "QueryLanguage", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath",
    "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "ItemsPath", "Items", "MaxConcurrency",
    "MaxConcurrencyPath", "ItemSelector", "ItemProcessor", "Iterator", "ItemReader", "ResultWriter",
    "ItemBatcher", "ToleratedFailurePercentage", "ToleratedFailureCount", "Retry", "Catch", "Choices",
    "Default", "Error", "Cause", "ErrorPath", "CausePath", "Branches", "Resource", "Credentials", "Label",
    "Comment", "Next", "End", "StartAt", "States", "Version", "Type", "Condition", "Variable",
    "StringEquals", "NumericEquals", "And", "Or", "Not", "ErrorEquals", "IntervalSeconds", "MaxAttempts",
    "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "ProcessorConfig", "Mode", "ExecutionType",
    "Result", "IsPresent", "TimestampEquals", "NumericLessThanPath", "StringMatches",
)  # fmt: skip
TYPES = ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map", "pass", "")
PATHS = (
    "$", "$.", "$..a", "$[", "$.a[", "$.a[0]", "$.a[-1]", "$.a[*]", "$.a[?(@.b>1)]", "$.a..b", "$$",
    "$$.Execution.Id", "$$.", "$$.Map.Item.Value", "$.a.b.c.d", "$['a']", '$["a"]', "$.a[0:2]", "$.*", "@",
    "a", "", "$.\u00e9\u4e2d", "$.a.length()", "$x", "$x.y", "$states.input", "$.a[1:]",
    "$.a[100000000000000000000]", "$[0]", "$.b", "$.c.d", "$$.State.RetryCount", "$$.Task.Token",
)  # fmt: skip
EXPRESSIONS = (
    "{% %}", "{% $states.input %}", "{% $x + %}", "{% 1/0 %}", "{% $undefined %}", "{%$states.input.a%}",
    "{% $states.context %}", "{% $partition([1,2],0) %}", "{% $range(0, 1e9, 1) %}", "{% $hash('a','X') %}",
    "{% $random(-1) %}", "{% $uuid() %}", "{% $parse('{') %}", "{% 'a' & %}", "{% $sum('a') %}",
    "{% [1,2,3][5] %}", "{% $states.errorOutput %}", "{% $states.result %}", "{% ($x := 1; $x) %}",
    "{% function($a){$a} %}", "{% $states.input.a.b.c %}", "{% 1e400 %}", "{% -1 %}",
    "{% 99999999999999999999 %}", "{%", "%}", "{% $lookup() %}", "{% $string(1/0) %}", "{% $millis() %}",
    "{% $now('x') %}", "{% $toMillis('bad') %}", "{% $number('x') %}", "{% $states.input ~> $keys() %}",
    "{% {'a': $states} %}", "{% $x %}", "{% $states.input.a %}", "{% $count($states.input.a) %}",
    "{% $states.input.a[0] > 1 %}", "{% 1 %}", "{% 'x' %}", "{% $states.input.b = 'x' %}",
    "{% $power(10, 400) %}", "{% 9e307 * 10 %}", "{% $sqrt(-1) %}", "{% [1..1000] %}",
    "{% $merge([{'a':1}, 2]) %}", "{% $base64decode('!!') %}", "{% $eval('1 +') %}", "{% $states %}",
)  # fmt: skip
INTRINSICS = (
    "States.Format('{}', $.a)", "States.Format(", "States.Format('{}{}', 1)", "States.StringToJson($.a)",
    "States.JsonToString($)", "States.Array()", "States.ArrayPartition($.a, 0)", "States.ArrayPartition($.a, -1)",
    "States.ArrayContains($.a)", "States.ArrayRange(0, 1000000, 1)", "States.ArrayRange(0, 10, 0)",
    "States.ArrayGetItem($.a, 99)", "States.ArrayLength($.a)", "States.ArrayUnique($.a)",
    "States.Base64Encode($.a)", "States.Base64Decode('!!')", "States.Hash($.a, 'MD5')", "States.Hash($.a, 'X')",
    "States.JsonMerge($.a, $.b, true)", "States.JsonMerge($.a, $.b, false)", "States.MathRandom(5, 1)",
    "States.MathAdd(1e308, 1e308)", "States.MathAdd($.a, 1)", "States.StringSplit($.a, '')", "States.UUID()",
    "States.UUID(1)", "States.Nope()", "States.Format('\\\\{}', 'x')",
    "States.Format('{}', States.Format('{}', $$.Execution.Id))", "States.MathAdd(1.5, 1)",
    "States.ArrayRange(1, 9999999999, 1)", "States.Format('{}', $x)", "States.StringToJson('{')",
    "States.Base64Decode($.a)", "States.ArrayGetItem($.a, -1)", "States.MathAdd(9223372036854775807, 1)",
    "States.StringToJson('NaN')", "States.StringToJson('1e999')", "States.MathRandom(1e308, 1e308)",
    "States.Format($.b)", "States.Hash($.b, 'SHA-256')", "States.ArrayPartition($.a, 2)",
)  # fmt: skip
RESOURCES = (
    "arn:aws:states:::lambda:invoke", "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "arn:aws:lambda:us-east-1:111111111111:function:f", "arn:aws:states:us-east-1:111111111111:activity:a",
    "arn:aws:states:::states:startExecution.sync:2", "arn:aws:states:::aws-sdk:s3:listBuckets",
    "arn:aws:states:::http:invoke", "arn:aws:states:::foo:bar", "arn:aws:states:::sns:publish",
    "arn:aws:states:::dynamodb:getItem", "arn:aws:states:::events:putEvents.waitForTaskToken",
)  # fmt: skip
WEIRD: tuple[Any, ...] = (
    None, True, False, 0, -1, 1, 0.5, -0.0, 1e308, 10**30, -(10**30), 2**31, 2**63, "", " ", "\u0000",
    "\ud7ff\u4e2d\U0001f600", [], {}, [[]], [{}], {"": {}}, "x" * 5000, 99999999, 3.7, "NaN", "Infinity", "1",
    "true", "Pass", "Task", "End", "States.ALL", "States.TaskFailed", "2016-03-14T01:59:00Z",
    "2016-13-45T99:00:00Z", "JSONata", "JSONPath", "jsonata", "DISTRIBUTED", "INLINE", "EXPRESS", "FULL", "NONE",
    *RESOURCES,
)  # fmt: skip
INPUTS = (
    "{}", "[]", "null", "1", '"s"', '{"a": [1, 2, {"b": 3}], "b": "x", "c": {"d": null}}', '{"a": "{\\"k\\": 1}"}',
    '{"a": 1e308}', '{"a": -0.0}', '{"\u4e2d": "\u00e9"}', '{"a": [[], {}]}', '{"items": [1, 2, 3]}',
    '{"a": [3, 1, 2], "b": "2016-03-14T01:59:00Z", "c": 5}', '{"a": "x", "b": -3, "Error": "E", "Cause": "C"}',
    '{"a": ' + "[" * 60 + "]" * 60 + "}", '{"a": 18446744073709551616}', '{"a": "' + "y" * 3000 + '"}',
)  # fmt: skip


def deep(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    current = value
    for _ in range(depth):
        current["a"] = {}
        current = current["a"]
    return value


def weird_value(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.3:
        return copy.deepcopy(rng.choice(WEIRD))
    if roll < 0.45:
        return rng.choice(PATHS)
    if roll < 0.6:
        return rng.choice(EXPRESSIONS)
    if roll < 0.7:
        return rng.choice(INTRINSICS)
    if roll < 0.75:
        return deep(rng.choice((5, 50, 200, 1200)))
    if roll < 0.85:
        return {rng.choice(("a", "a.$", "b.$", "", "$", "x.$", "\u00e9.$", "States.$")): weird_value(rng)}
    if roll < 0.9:
        return [weird_value(rng) for _ in range(rng.randint(0, 3))]
    end = rng.choice((("End", True), ("Next", "S"), ("Next", "Z")))
    return {"StartAt": "S", "States": {"S": {"Type": rng.choice(TYPES), end[0]: end[1]}}}


# --- plausible machines ----------------------------------------------------------------------------


def random_definition(
    rng: random.Random, depth: int = 0, jsonata: bool | None = None, numbering: list[int] | None = None
) -> dict[str, Any]:
    """A machine of 1-5 states chained by Next (Choice / Catch may jump anywhere, loops included)."""
    if jsonata is None:
        jsonata = rng.random() < 0.35
    numbering = numbering if numbering is not None else [0]
    count = rng.randint(1, 5 if depth == 0 else 3)
    names = [f"S{numbering[0] + i}" for i in range(count)]
    numbering[0] += count
    states = {}
    for index, name in enumerate(names):
        following = names[index + 1] if index + 1 < count else None
        states[name] = _random_state(rng, jsonata, names, following, depth, numbering)
    machine: dict[str, Any] = {"StartAt": names[0], "States": states}
    if jsonata and depth == 0:
        machine["QueryLanguage"] = "JSONata"
    if depth == 0 and rng.random() < 0.2:
        machine["TimeoutSeconds"] = rng.choice((1, 5, 100))
    return machine


def _path(rng: random.Random) -> str:
    return rng.choice(
        ("$", "$.a", "$.b", "$.c", "$.a[0]", "$.c.d", "$$.Execution.Input", "$.items", "$$.State")
    )


def _template(rng: random.Random, jsonata: bool) -> Any:
    if jsonata:
        return rng.choice(
            (
                "{% $states.input %}",
                {"x": "{% $states.input.a %}", "n": 1},
                "{% $states.input.a %}",
                {"k": "{% $count($states.input.a) %}"},
                rng.choice(EXPRESSIONS),
            )
        )
    return rng.choice(
        (
            {"x.$": _path(rng), "n": 1},
            {"f.$": rng.choice(INTRINSICS)},
            {"a": {"b.$": _path(rng)}, "c": [1, {"d.$": "$"}]},
            {"v.$": "$x"},
            {"ctx.$": "$$"},
        )
    )


def _transition(state: dict[str, Any], following: str | None) -> dict[str, Any]:
    if following is None:
        state["End"] = True
    else:
        state["Next"] = following
    return state


def _handlers(rng: random.Random, state: dict[str, Any], names: list[str], jsonata: bool) -> None:
    if rng.random() < 0.4:
        retrier: dict[str, Any] = {"ErrorEquals": [rng.choice(("States.ALL", "States.TaskFailed", "X"))]}
        retrier.update(
            rng.choice(
                (
                    {},
                    {"MaxAttempts": rng.randint(0, 3)},
                    {
                        "IntervalSeconds": 1,
                        "BackoffRate": 2.0,
                        "MaxDelaySeconds": 2,
                        "JitterStrategy": "FULL",
                    },
                )
            )
        )
        state["Retry"] = [retrier]
    if rng.random() < 0.4:
        catcher: dict[str, Any] = {"ErrorEquals": ["States.ALL"], "Next": rng.choice(names)}
        if not jsonata and rng.random() < 0.5:
            catcher["ResultPath"] = rng.choice(("$.error", "$", None))
        if jsonata and rng.random() < 0.5:
            catcher["Output"] = "{% $states.errorOutput %}"
        if rng.random() < 0.3:
            catcher["Assign"] = {"err": "{% $states.errorOutput %}"} if jsonata else {"err.$": "$"}
        state["Catch"] = [catcher]


def _io(rng: random.Random, state: dict[str, Any], jsonata: bool, result: bool = True) -> None:
    if jsonata:
        if rng.random() < 0.3:
            state["Output"] = _template(rng, True)
        if rng.random() < 0.3:
            state["Assign"] = {"x": rng.choice(("{% $states.input %}", 1, "{% $x %}"))}
        if result and rng.random() < 0.3:
            state["Arguments"] = _template(rng, True)
        return
    for name in ("InputPath", "OutputPath"):
        if rng.random() < 0.2:
            state[name] = rng.choice((_path(rng), None))
    if result and rng.random() < 0.3:
        state["ResultPath"] = rng.choice(("$.r", "$", None, "$.a.b", "$.a[0]"))
    if result and rng.random() < 0.3:
        state["Parameters"] = _template(rng, False)
    if rng.random() < 0.2:
        state["Assign"] = {"x.$": _path(rng), "y": 2}


def _random_state(
    rng: random.Random,
    jsonata: bool,
    names: list[str],
    following: str | None,
    depth: int,
    numbering: list[int],
) -> dict[str, Any]:
    # Succeed / Fail only last (the states after them would be unreachable), a Choice never last.
    kinds = ["Pass", "Task", "Wait"] + (["Choice"] if following else ["Succeed", "Fail"])
    if depth < 2:
        kinds += ["Parallel", "Map"]
    kind = rng.choice(kinds)
    state: dict[str, Any] = {"Type": kind}
    if kind == "Pass":
        _io(rng, state, jsonata)
        state.pop("Arguments", None)  # a Pass has none
        if not jsonata and rng.random() < 0.3:
            state["Result"] = rng.choice(({"a": [1, 2]}, "s", 3, None))
        return _transition(state, following)
    if kind == "Task":
        state["Resource"] = rng.choice(RESOURCES)
        _io(rng, state, jsonata)
        if rng.random() < 0.3:
            state["TimeoutSeconds"] = rng.choice((1, 2, 60))
        if rng.random() < 0.1:
            state["HeartbeatSeconds"] = 1
        if not jsonata and rng.random() < 0.2:
            state["ResultSelector"] = {"p.$": "$"}
        _handlers(rng, state, names, jsonata)
        return _transition(state, following)
    if kind == "Choice":
        target = rng.choice(names)
        if jsonata:
            rule: dict[str, Any] = {"Condition": rng.choice(EXPRESSIONS), "Next": target}
        else:
            rule = rng.choice(
                (
                    {"Variable": _path(rng), "NumericGreaterThan": 1},
                    {"Variable": _path(rng), "IsPresent": True},
                    {"Variable": _path(rng), "StringMatches": "x*"},
                    {"Not": {"Variable": _path(rng), "IsNull": False}},
                    {"Variable": _path(rng), "TimestampLessThanPath": "$.b"},
                    {
                        "And": [
                            {"Variable": "$.a", "IsNumeric": True},
                            {"Variable": "$$.State.Name", "IsString": True},
                        ]
                    },
                )
            )
            rule["Next"] = target
        state["Choices"] = [rule]
        if following is not None:
            state["Default"] = following
        return state
    if kind == "Wait":
        if jsonata:
            state["Seconds"] = rng.choice((0, 1, "{% $states.input.c %}", "{% -1 %}", "{% 'x' %}"))
        else:
            field, value = rng.choice(
                (
                    ("Seconds", rng.randint(0, 3)),
                    ("SecondsPath", _path(rng)),
                    ("Timestamp", "2016-03-14T01:59:00Z"),
                    ("TimestampPath", _path(rng)),
                )
            )
            state[field] = value
        return _transition(state, following)
    if kind == "Succeed":
        return state
    if kind == "Fail":
        if jsonata:
            state["Error"] = rng.choice(("E", "{% $states.input.a %}", "{% 1 %}"))
        elif rng.random() < 0.5:
            state["ErrorPath"] = rng.choice((_path(rng), rng.choice(INTRINSICS)))
            state["CausePath"] = rng.choice((_path(rng), rng.choice(INTRINSICS)))
        else:
            state["Error"], state["Cause"] = "E", "C"
        return state
    if kind == "Parallel":
        state["Branches"] = [
            random_definition(rng, depth + 1, jsonata, numbering) for _ in range(rng.randint(1, 3))
        ]
        _io(rng, state, jsonata)
        _handlers(rng, state, names, jsonata)
        return _transition(state, following)
    state["ItemProcessor"] = random_definition(rng, depth + 1, jsonata, numbering)
    if jsonata:
        if rng.random() < 0.7:
            state["Items"] = rng.choice(
                ("{% $states.input.a %}", "{% [1, 2, 3] %}", [1, {"a": 2}], "{% 1 %}")
            )
        if rng.random() < 0.3:
            state["ItemSelector"] = {"v": "{% $states.context.Map.Item.Value %}"}
    else:
        if rng.random() < 0.7:
            state["ItemsPath"] = rng.choice(("$.a", "$.items", "$", "$.b"))
        if rng.random() < 0.3:
            state["ItemSelector"] = {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"}
    if rng.random() < 0.3:
        state["MaxConcurrency"] = rng.choice((0, 1, 2))
    if rng.random() < 0.2:
        state["ToleratedFailurePercentage"] = 50
    _io(rng, state, jsonata)
    _handlers(rng, state, names, jsonata)
    return _transition(state, following)


# --- damage ----------------------------------------------------------------------------------------


def _nodes(document: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, document
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _nodes(value, (*path, index))


def _set(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    current = document
    for part in path[:-1]:
        current = current[part]
    current[path[-1]] = value
    return document


def mutate(document: Any, rng: random.Random, count: int | None = None) -> Any:
    """A damaged deep copy of ``document`` (``count`` edits, 1-4 when not given)."""
    document = copy.deepcopy(document)
    for _ in range(count or rng.randint(1, 4)):
        every = list(_nodes(document))
        containers = [(p, v) for p, v in every if isinstance(v, dict | list)]
        states = [v for _, v in every if isinstance(v, dict) and "Type" in v]
        operation = rng.randrange(8)
        if operation == 0 and containers:  # drop a field or an item
            _, container = rng.choice(containers)
            if isinstance(container, dict) and container:
                del container[rng.choice(list(container))]
            elif isinstance(container, list) and container:
                del container[rng.randrange(len(container))]
        elif operation == 1:  # replace any value
            path, _ = rng.choice(every)
            document = _set(document, path, weird_value(rng))
        elif operation == 2 and containers:  # add a field or an item
            _, container = rng.choice(containers)
            if isinstance(container, dict):
                container[rng.choice((*FIELDS, *(f + ".$" for f in FIELDS[:8])))] = weird_value(rng)
            else:
                container.append(weird_value(rng))
        elif operation == 3 and states:  # retype a state
            rng.choice(states)["Type"] = rng.choice(TYPES)
        elif operation == 4 and containers:  # rename a field
            _, container = rng.choice(containers)
            if isinstance(container, dict) and container:
                key = rng.choice(list(container))
                value = container.pop(key)
                container[
                    rng.choice((key + ".$", key.rstrip(".$"), key.lower(), "", "\u4e2d", key + " "))
                ] = value
        elif operation == 5:  # edit a string
            strings = [(p, v) for p, v in every if isinstance(v, str)]
            if strings:
                path, text = rng.choice(strings)
                edited = rng.choice(
                    (
                        text + "[",
                        text[:-1],
                        text + ".a",
                        "{% " + text + " %}",
                        text + "\u00e9",
                        text * 3,
                        text.upper(),
                    )
                )
                document = _set(document, path, edited)
        elif operation == 6:  # switch a query language
            scopes = [v for _, v in every if isinstance(v, dict) and ("Type" in v or "StartAt" in v)]
            if scopes:
                rng.choice(scopes)["QueryLanguage"] = rng.choice(("JSONata", "JSONPath"))
        elif operation == 7 and containers:  # copy a sibling's value under another field
            _, container = rng.choice(containers)
            if isinstance(container, dict) and container:
                key = rng.choice(list(container))
                container[rng.choice(FIELDS)] = copy.deepcopy(container[key])
    return document


def mutate_text(text: str, rng: random.Random) -> str:
    """Damage the JSON text itself (what a dict cannot hold)."""
    operation = rng.randrange(7)
    if operation == 0:
        return text[: rng.randrange(len(text) + 1)]
    if operation == 1:
        return text.replace("1", "NaN", 1)
    if operation == 2:
        return text.replace("1", "-Infinity", 1)
    if operation == 3:  # a duplicated key
        at = text.find('"Type"')
        return text if at < 0 else text[:at] + '"Type": "Pass", ' + text[at:]
    if operation == 4:
        return text.replace(":", ": 1e999 ,", 1)
    if operation == 5:
        return text.replace("1", "1" * 5000, 1)
    return "[" * 3000 + "]" * 3000


def corpus_definitions() -> list[dict[str, Any]]:
    """Every state machine definition of the conformance corpus (none when it is absent)."""
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.glob("*/*.json")):
        definition = json.loads(path.read_text()).get("definition")
        if isinstance(definition, dict) and "States" in definition:
            found.append(definition)
    return found


# --- request bodies shaped by botocore's model --------------------------------------------------------

ACCOUNT, OTHER_ACCOUNT = "123456789012", "210987654321"
SIMPLE_DEFINITION = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
DEFINITIONS = (
    SIMPLE_DEFINITION,
    "{",
    "NaN",
    "[" * 5000,
    '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1e999, "End": true}}}',
    json.dumps({"StartAt": "P"}),
)
PAYLOADS = ("{}", "NaN", "[" * 100_000, "1e999", '{"a": 1}', "x", "", "null")
SHAPE_WEIRD: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    10**20,
    1.5,
    "",
    "\u0000",
    "\U0001f600",
    [],
    {},
    [1],
    {"a": 1},
    "a" * 3000,
)
TOKENS = ("", "x", "a" * 5000, "eyJ4IjoxfQ==", "!!!", "e30=", "bnVsbA==", "\u4e2d", "AAAA" * 300)


def arns_around(machine: str, execution: str, activity: str) -> tuple[str, ...]:
    """Real ARNs, their near misses and other partitions' twins."""
    return (
        machine,
        machine + ":1",
        machine + ":99",
        machine + ":live",
        execution,
        activity,
        machine.replace("us-east-1", "eu-west-1"),
        machine.replace(ACCOUNT, OTHER_ACCOUNT),
        machine.replace("arn:aws:", "arn:aws-cn:"),
        machine.replace("stateMachine", "activity"),
        execution.replace(":execution:", ":express:"),
        execution + ":x",
        execution.replace(":execution:", ":mapRun:"),
        f"arn:aws:states:us-east-1:{ACCOUNT}:mapRun:robust/x:y",
        "arn:",
        "",
        f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:",
        machine + ":0",
        machine + ":-1",
        machine + ":99999999999999999999999",
        f"arn:aws:states:us-east-1:{ACCOUNT}:execution:robust:e:extra:more",
        "x" * 3000,
    )


class ShapedRequests:
    """Request bodies drawn from botocore's shapes of the Step Functions operations."""

    def __init__(self, rng: random.Random, arns: tuple[str, ...], tokens: tuple[str, ...]) -> None:
        self.rng, self.arns, self.tokens = rng, arns, tokens

    def value(self, shape: Any, name: str, depth: int = 0) -> Any:
        rng = self.rng
        if rng.random() < 0.1:
            return rng.choice(SHAPE_WEIRD)
        kind, lowered = shape.type_name, name.lower()
        if kind == "string":
            if "arn" in lowered:
                return rng.choice(self.arns)
            if "token" in lowered:
                return rng.choice(self.tokens)
            if lowered == "definition":
                return rng.choice(DEFINITIONS)
            if lowered in ("input", "output", "variables"):
                return rng.choice(PAYLOADS)
            if shape.enum:
                return rng.choice([*shape.enum, "bad"])
            return rng.choice(("robust", "e", "live", "", "a b", "\u4e2d", "x" * 3000))
        if kind in ("integer", "long"):
            return rng.choice((0, 1, 5, -1, 1000, 2**31, 2**63))
        if kind == "boolean":
            return rng.choice((True, False))
        if kind in ("double", "float"):
            return rng.choice((0.5, -1.0, 1e308))
        if kind == "list":
            return (
                []
                if depth > 3
                else [self.value(shape.member, name, depth + 1) for _ in range(rng.randint(0, 2))]
            )
        if kind == "map":
            return {"k": self.value(shape.value, name, depth + 1)}
        if kind == "structure":
            return self.structure(shape, depth + 1)
        return rng.choice(SHAPE_WEIRD)

    def structure(self, shape: Any, depth: int = 0) -> dict[str, Any]:
        body = {}
        for name, member in shape.members.items():
            if (name in shape.required_members and self.rng.random() > 0.05) or self.rng.random() < 0.4:
                body[name] = self.value(member, name, depth)
        return body


# --- whole HTTP requests ---------------------------------------------------------------------------

LONE_SURROGATES = ("\ud800", "\udfff", "a\udbffb", "\ud83d")  # half of an emoji's pair
ORIGINS = (
    None, None, None, "http://evil.example", "null", "http://localhost:3000", "file://", "http://127.0.0.1",
    "https://localhost", "chrome-extension://abc", "http://[::1]", "", "http://localhost:{port}",
)  # fmt: skip
HOSTS = (
    None, None, None, "127.0.0.1:{port}", "localhost:{port}", "evil.example", "sync-localhost:{port}",
    "[::1]:{port}", "localhost.evil.example", "", "127.0.0.1:0", "[::1", ":{port}", "a" * 300, "x.localhost",
)  # fmt: skip
CONTENT_TYPES = (
    "application/x-amz-json-1.0", "application/x-amz-json-1.0", "application/json", "text/plain",
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/json; charset=latin-1",
)  # fmt: skip
PATHS_HTTP = ("/", "/", "/", "/_emulator/mock-config", "/_emulator/health", "/_console/", "/_emulator/x")
METHODS = ("POST", "POST", "POST", "POST", "GET", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD")


def with_surrogates(value: Any, rng: random.Random, rate: float = 0.15) -> Any:
    """``value`` with some strings given a lone surrogate (keys too)."""
    if isinstance(value, str):
        if rng.random() < rate:
            at = rng.randint(0, len(value))
            return value[:at] + rng.choice(LONE_SURROGATES) + value[at:]
        return value
    if isinstance(value, list):
        return [with_surrogates(item, rng, rate) for item in value]
    if isinstance(value, dict):
        return {with_surrogates(k, rng, rate / 3): with_surrogates(v, rng, rate) for k, v in value.items()}
    return value


def fuzzed_definition(rng: random.Random) -> str:
    """A definition text: plausible, damaged, or damaged as text."""
    document = random_definition(rng)
    if rng.random() < 0.5:
        document = mutate(document, rng)
    if rng.random() < 0.2:
        document = with_surrogates(document, rng)
    text = json.dumps(document)
    if rng.random() < 0.1:
        text = mutate_text(text, rng)
    return text


def http_headers(rng: random.Random, port: int, operation: str | None) -> dict[str, str]:
    """Headers an SDK (three times in four), or a browser, a hurried script or an attacker would send."""
    hostile = rng.random() < 0.25
    headers: dict[str, str] = {}
    content_type = rng.choice(CONTENT_TYPES) if hostile else "application/x-amz-json-1.0"
    if operation is None and not hostile:
        content_type = "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    if operation is not None:
        headers["X-Amz-Target"] = rng.choice(
            (f"AWSStepFunctions.{operation}",) * 8 + ("AWSStepFunctions.", "Nope.ListStateMachines", "")
        )
    origin = rng.choice(ORIGINS) if hostile else None
    if origin is not None:
        headers["Origin"] = origin.format(port=port)
    host = rng.choice(HOSTS) if hostile else None
    if host is not None:
        headers["Host"] = host.format(port=port)
    if hostile and rng.random() < 0.3:
        headers["Access-Control-Request-Method"] = rng.choice(("POST", "PUT", "x"))
        headers["Access-Control-Request-Headers"] = "x-amz-target,content-type"
    if hostile and rng.random() < 0.3:
        headers["Sec-Fetch-Site"] = rng.choice(("cross-site", "same-site", "same-origin", "none"))
    if rng.random() < 0.3:
        account = rng.choice(("123456789012", "210987654321", "test", ""))
        region = rng.choice(("us-east-1", "eu-west-1", "x"))
        headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={account}/20240101/{region}/states/aws4_request, "
            "SignedHeaders=host, Signature=0"
        )
    return headers
