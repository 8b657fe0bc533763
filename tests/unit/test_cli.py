from __future__ import annotations

import pytest

from emulator.cli import parse_settings


def test_mock_module_flag_names_the_python_mocks_module() -> None:
    assert parse_settings(["--mock-module", "my_mocks"]).mock_module == "my_mocks"


def test_mock_module_flag_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFN_MOCK_MODULE", "from_env")
    assert parse_settings([]).mock_module == "from_env"
    assert parse_settings(["--mock-module", "from_flag"]).mock_module == "from_flag"


def test_clock_flag_and_sfn_clock_variable_choose_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_settings([]).clock == "real"
    assert parse_settings(["--clock", "virtual"]).clock == "virtual"
    monkeypatch.setenv("SFN_CLOCK", "auto")
    assert parse_settings([]).clock == "auto"
    with pytest.raises(SystemExit):
        parse_settings(["--clock", "sometimes"])


def test_run_and_test_are_commands_and_flags_alone_still_serve() -> None:
    from emulator.cli import COMMANDS

    assert set(COMMANDS) == {"run", "test"}
    assert parse_settings(["--port", "9999"]).port == 9999
