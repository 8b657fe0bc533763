"""The `make bench` harness against a live emulator with tiny counts: checks the harness, not speed."""

from __future__ import annotations

import pytest

from bench import core, perf


@pytest.fixture(scope="module")
def round_result() -> dict:
    args = perf.parse_args(
        [
            "--quick",
            "--shared",
            "",
            "--only",
            "exec1000",
            "sync",
            "map",
            "choice",
            "parallel",
            "tp1",
            "jsonata",
        ]
    )
    return perf.run_round(core, perf.emulator_server(), args, 1)


def test_round_measures_start_up_and_memory(round_result):
    assert 0 < round_result["startup_s"] < 30
    assert round_result["rss_start_mb"] > 0
    assert round_result["rss_after_1000_mb"] > 0


def test_standard_scenarios_run_every_execution_to_success(round_result):
    assert round_result["exec1000_succeeded"] == 20
    assert round_result["exec1000_errors"] == 0
    assert round_result["sync_not_succeeded"] == 0
    assert round_result["map_status"] == "SUCCEEDED"
    assert round_result["map_output_len"] == 20
    assert round_result["start_n_1"] > 0
    assert round_result["start_errors_1"] == 0


def test_extra_scenarios_check_their_outcome(round_result):
    assert round_result["choice_loop_final"] == 2499
    assert round_result["parallel10_method"] == "sync"
    assert round_result["parallel10_ms"] > 0


def test_a_scenario_the_server_cannot_run_is_skipped_with_a_reason_or_measured(round_result):
    skipped = round_result["skipped"]
    assert set(skipped) <= {"jsonata"}
    assert "jsonata_map_s" in round_result or skipped["jsonata"]


def test_choice_loop_enters_exactly_the_requested_number_of_states():
    from bench.scenarios import choice_loop

    definition = choice_loop(5000)
    loops = definition["States"]["Check"]["Choices"][0]["NumericLessThan"]
    assert (loops + 1) + loops + 1 == 5000
