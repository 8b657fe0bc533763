"""A Lambda function whose behaviour the event chooses (``{"case": …}``): what it returns or raises."""

import collections
import datetime
import decimal
import logging
import math

Point = collections.namedtuple("Point", "x y")


class CustomError(Exception):
    pass


class MessageOnly(Exception):
    """An exception that keeps its text in an attribute and gives Exception no args."""

    def __init__(self):
        self.message = "kept as an attribute"


RESULTS = {
    "none": None,
    "true": True,
    "false": False,
    "int": 7,
    "float": 1.5,
    "string": "text",
    "unicode": "café ☕",
    "list": [1, "a", None],
    "object": {"a": {"b": [1, 2]}},
    "empty_object": {},
    "empty_list": [],
    "big_int": 2**70,
    "decimal": decimal.Decimal("1.10"),
    "decimal_nan": decimal.Decimal("NaN"),
    "nan": math.nan,
    "infinity": -math.inf,
    "tuple": (1, 2),
    "named_tuple": Point(1, 2),
    "int_keys": {1: "one", False: "no", None: "none", 2.5: "half"},
    "nested_bytes": {"b": b"bytes"},
    "bytes": b'{"raw": true}',
    "datetime": datetime.datetime(2024, 1, 1),
    "set": {1},
    "bytearray": bytearray(b"x"),
}


async def _coroutine():
    return "never awaited"


def handler(event, context):
    case = event["case"]
    if case == "coroutine":  # an async function's result: Lambda's Python runtime does not await it
        result = _coroutine()
        result.close()
        return result
    if case == "raise_builtin":
        raise ValueError("bad value")
    if case == "raise_custom":
        raise CustomError("custom text")
    if case == "raise_without_args":
        raise MessageOnly()
    if case == "raise_non_string_args":
        raise Exception(42, {"k": "v"})
    if case == "raise_single_number":
        raise KeyError(3)
    if case == "raise_unicode":
        raise RuntimeError("échec")
    if case == "raise_chained":
        try:
            {}["missing"]
        except KeyError as error:
            raise RuntimeError("wrapped") from error
    if case == "log":
        print("printed line")
        logging.getLogger().info("info line")
        logging.getLogger().debug("debug line")
        return "logged"
    if case == "context":
        client = context.client_context
        return {
            "arn": context.invoked_function_arn,
            "version": context.function_version,
            "custom": client.custom if client else None,
            "app_title": client.client.app_title if client and client.client else None,
            "identity": context.identity.cognito_identity_id,
            "memory": context.memory_limit_in_mb,
        }
    return RESULTS[case]
