"""The emulator's own log: levels, the JSON format, and the noisy libraries kept quiet."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.log_format import NOISY_LOGGERS, JsonFormatter, configure_logging
from emulator.settings import Settings, lambda_options_from, load_handler_file, parse_lambda_environment


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


def test_a_json_line_carries_the_message_and_the_records_fields() -> None:
    record = logging.LogRecord(
        "emulator.executions", logging.WARNING, "x.py", 1, "execution %s", ("failed",), None
    )
    record.machine = "orders"
    record.duration_ms = 12.5
    document = json.loads(JsonFormatter().format(record))
    assert document["level"] == "WARNING"
    assert document["logger"] == "emulator.executions"
    assert document["message"] == "execution failed"
    assert (document["machine"], document["duration_ms"]) == ("orders", 12.5)
    assert document["time"].endswith("Z")


@pytest.mark.usefixtures("restore_logging")
def test_botocore_and_moto_stay_at_warning_even_at_debug() -> None:
    configure_logging("DEBUG", "json")
    assert logging.getLogger().level == logging.DEBUG
    assert isinstance(logging.getLogger().handlers[0].formatter, JsonFormatter)
    assert not logging.getLogger("botocore.endpoint").isEnabledFor(logging.INFO)
    assert not logging.getLogger("moto").isEnabledFor(logging.INFO)
    configure_logging("DEBUG", "text", aws_level="DEBUG")
    assert logging.getLogger("botocore.endpoint").isEnabledFor(logging.DEBUG)


def test_lambda_environment_items_and_the_handlers_files_object_form(tmp_path: Path) -> None:
    assert parse_lambda_environment(["orders=TABLE=t", "orders=URL=http://x?a=b", "report=STAGE=dev"]) == {
        "orders": {"TABLE": "t", "URL": "http://x?a=b"},
        "report": {"STAGE": "dev"},
    }
    with pytest.raises(ValueError, match="is not FUNCTION=NAME=VALUE"):
        parse_lambda_environment(["orders"])
    path = tmp_path / "handlers.json"
    path.write_text(
        json.dumps({"a": "m:f", "b": {"handler": "app.fn", "codeDir": "src", "timeout": 3, "memory": 256}})
    )
    assert load_handler_file(str(path)) == {"a": "m:f", "b": "app.fn"}
    assert lambda_options_from(str(path)) == {
        "b": {"codeDir": str(tmp_path / "src"), "timeout": 3, "memory": 256}
    }
    settings = Settings.from_environment({"SFN_LAMBDA_HANDLERS_FILE": str(path), "SFN_LOG_FORMAT": "JSON"})
    assert settings.lambda_handlers == {"a": "m:f", "b": "app.fn"}
    assert settings.log_format == "json"
