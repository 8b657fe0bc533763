from __future__ import annotations

from emulator.cli import parse_settings
from emulator.settings import Settings


def test_defaults_match_step_functions_local() -> None:
    settings = Settings.from_environment({})
    assert settings.port == 8083
    assert settings.host == "127.0.0.1"
    assert settings.account_id == "123456789012"
    assert settings.region == "us-east-1"
    assert settings.wait_time_scale == 1.0


def test_step_functions_local_environment_names_are_read() -> None:
    settings = Settings.from_environment(
        {
            "AWS_ACCOUNT_ID": "111111111111",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "WAIT_TIME_SCALE": "0",
            "LAMBDA_ENDPOINT": "http://127.0.0.1:3001",
            "SFN_MOCK_CONFIG": "/tmp/MockConfigFile.json",
        }
    )
    assert settings.account_id == "111111111111"
    assert settings.region == "eu-west-1"
    assert settings.wait_time_scale == 0.0
    assert settings.endpoints == {"lambda": "http://127.0.0.1:3001"}
    assert settings.mock_config_path == "/tmp/MockConfigFile.json"


def test_flags_override_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    settings = parse_settings(["--port", "9999", "--region", "ap-south-1", "--wait-time-scale", "0.5"])
    assert (settings.port, settings.region, settings.wait_time_scale) == (9999, "ap-south-1", 0.5)


def test_sfn_endpoint_variables_name_any_service_and_win_over_the_step_functions_local_ones() -> None:
    settings = Settings.from_environment(
        {
            "SQS_ENDPOINT": "http://old:1",
            "SFN_ENDPOINT_SQS": "http://new:1",
            "SFN_ENDPOINT_SECRETSMANAGER": "http://secrets:2",
            "SFN_ENDPOINT_COGNITO_IDP": "http://idp:3",
            "SFN_ENDPOINT_SFN": "http://states:4",
            "SFN_ENDPOINT_EVENTBRIDGE": "http://events:5",
            "SFN_ENDPOINT_": "http://nothing:6",
            "SFN_ENDPOINT_KINESIS": "",
        }
    )
    assert settings.endpoints == {
        "sqs": "http://new:1",
        "secretsmanager": "http://secrets:2",
        "cognito-idp": "http://idp:3",
        "states": "http://states:4",
        "events": "http://events:5",
    }
