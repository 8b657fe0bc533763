"""The local function registry: exact names before the longest prefix; put replaces; changes count."""

from __future__ import annotations

from emulator.integrations.lambda_functions import FunctionConfig, LocalFunctions


def test_exact_names_win_over_prefixes_and_the_longest_prefix_wins() -> None:
    functions = LocalFunctions(
        [FunctionConfig("a*", "m.a"), FunctionConfig("ab*", "m.ab"), FunctionConfig("abc", "m.abc")]
    )
    assert functions.find("abc").handler == "m.abc"  # type: ignore[union-attr]
    assert functions.find("abd").handler == "m.ab"  # type: ignore[union-attr]
    assert functions.find("ax").handler == "m.a"  # type: ignore[union-attr]
    assert functions.find("b") is None and "b" not in functions


def test_put_replaces_and_remove_forgets_and_both_raise_the_version() -> None:
    functions = LocalFunctions.from_mapping({"f": "old.handler"})
    version = functions.version
    functions.put(FunctionConfig("f", "new.handler", environment={"K": "V"}, source="template.yaml"))
    assert functions.find("f").handler == "new.handler"  # type: ignore[union-attr]
    assert [config.name for config in functions.all()] == ["f"]
    functions.remove("f")
    assert functions.find("f") is None and not functions
    assert functions.version == version + 2
    functions.remove("f")  # nothing to remove: no change
    assert functions.version == version + 2
