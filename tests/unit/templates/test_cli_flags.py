"""``--template`` (repeatable) and ``--parameter-overrides`` as ``sam deploy`` takes them, and their
environment variables (SFN_TEMPLATES, SFN_PARAMETER_OVERRIDES, SFN_TEMPLATE_RELOAD)."""

from __future__ import annotations

import pytest

from emulator.cli import parse_settings
from emulator.settings import Settings, parse_parameter_overrides


def test_templates_and_overrides_from_the_command_line() -> None:
    settings = parse_settings(
        [
            "--template",
            "a.yaml",
            "--template",
            "cdk.out",
            "--parameter-overrides",
            "Stage=dev",
            "TableName=orders",
        ]
    )
    assert settings.template_paths == ("a.yaml", "cdk.out")
    assert settings.parameter_overrides == {"Stage": "dev", "TableName": "orders"}
    assert settings.template_reload is True


def test_sam_deploys_long_override_form_and_values_holding_equals_signs() -> None:
    assert parse_parameter_overrides(["ParameterKey=Stage,ParameterValue=prod", "Query=a=b"]) == {
        "Stage": "prod",
        "Query": "a=b",
    }


def test_an_override_without_a_value_is_refused() -> None:
    with pytest.raises(SystemExit):
        parse_settings(["--template", "a.yaml", "--parameter-overrides", "Stage"])


def test_the_environment_variables() -> None:
    settings = Settings.from_environment(
        {
            "SFN_TEMPLATES": "/p/template.yaml, /p/cdk.out",
            "SFN_PARAMETER_OVERRIDES": "A=1 B=2",
            "SFN_TEMPLATE_RELOAD": "0",
        }
    )
    assert settings.template_paths == ("/p/template.yaml", "/p/cdk.out")
    assert settings.parameter_overrides == {"A": "1", "B": "2"}
    assert settings.template_reload is False
