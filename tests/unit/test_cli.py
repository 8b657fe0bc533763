from __future__ import annotations

import pytest

from emulator.cli import parse_settings


def test_mock_module_flag_names_the_python_mocks_module() -> None:
    assert parse_settings(["--mock-module", "my_mocks"]).mock_module == "my_mocks"


def test_mock_module_flag_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFN_MOCK_MODULE", "from_env")
    assert parse_settings([]).mock_module == "from_env"
    assert parse_settings(["--mock-module", "from_flag"]).mock_module == "from_flag"
