"""The local function registry: exact names before the longest prefix; put replaces; changes count."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_a_handlers_files_options_become_the_functions_configuration(tmp_path: Path) -> None:
    from emulator.app import local_functions_from
    from emulator.settings import Settings

    path = tmp_path / "handlers.json"
    path.write_text(
        json.dumps(
            {
                "orders": {
                    "handler": "app.orders",
                    "codeDir": "src",
                    "timeout": 3,
                    "memory": 256,
                    "runtime": "python3.11",
                    "reservedConcurrency": 0,
                }
            }
        )
    )
    settings = Settings.from_environment({"SFN_LAMBDA_HANDLERS_FILE": str(path)})
    (config,) = local_functions_from(settings).all()
    assert (config.handler, config.code_dir, config.timeout_seconds, config.memory_size_mb) == (
        "app.orders",
        str(tmp_path / "src"),
        3.0,
        256,
    )
    assert (config.runtime, config.reserved_concurrency) == ("python3.11", 0)
