from __future__ import annotations

from pathlib import Path

from bench import core
from bench.perf import load_core, render
from bench.report import METRICS, Summary, format_table, ratio, summarise


def test_summarise_takes_median_min_and_max_over_rounds_that_have_the_key():
    rounds = [
        {"round": 1, "map_s": 0.05, "startup_s": 0.2},
        {"round": 2, "map_s": 0.03},
        {"round": 3, "map_s": 0.04, "startup_s": 0.4},
    ]
    summary = summarise(rounds)
    assert summary["map_s"] == Summary(0.04, 0.03, 0.05, 3)
    assert summary["startup_s"] == Summary(0.3, 0.2, 0.4, 2)
    assert "round" not in summary


def test_summarise_ignores_booleans_text_and_missing_values():
    rounds = [{"ok": True, "map_status": "SUCCEEDED", "map_s": None}, {"map_s": 2}]
    assert summarise(rounds) == {"map_s": Summary(2.0, 2.0, 2.0, 1)}


def test_ratio_is_none_without_both_numbers_or_with_a_zero_divisor():
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(1.0, None) is None
    assert ratio(1.0, 0.0) is None


def test_table_marks_targets_met_and_missed():
    table = format_table(
        {"startup_s": Summary(0.5, 0.4, 0.6, 3), "rss_start_mb": Summary(40, 39, 41, 3)},
    )
    lines = {line.split("  ")[0]: line for line in table.splitlines()}
    assert lines["start-up to first answer (s)"].endswith("<= 0.3 MISS")
    assert lines["RSS idle (MB)"].endswith("<= 50 ok")
    assert "0.5" in lines["start-up to first answer (s)"] and "0.6" in lines["start-up to first answer (s)"]


def test_table_adds_a_peer_column_with_our_ratio_and_rows_only_the_peer_has():
    ours = {"start_rps_8": Summary(3000, 2900, 3100, 3)}
    peer = {"start_rps_8": Summary(1500, 1500, 1500, 1), "map_s": Summary(18, 18, 18, 1)}
    table = format_table(ours, {"moto": peer}, {"sqs": "not served"})
    header, _, *rows = table.splitlines()
    assert header.split()[-2:] == ["moto", "ours/moto"]
    rps = next(r for r in rows if r.startswith("StartExecution req/s, 8 threads"))
    assert rps.split()[-2:] == ["1,500", "2"]
    map_row = next(r for r in rows if r.startswith("inline Map"))
    assert map_row.split()[-2:] == ["18", "-"]
    assert rows[-1] == "skipped sqs: not served"


def test_every_metric_key_is_unique():
    keys = [metric.key for metric in METRICS]
    assert len(keys) == len(set(keys))


def test_render_states_request_rates_as_a_fraction_of_the_echo_server():
    document = {
        "rounds": {
            "emulator": [{"start_rps_8": 2000.0, "skipped": {"jsonata": "rejected"}}],
            "echo": [{"start_rps_8": 4000.0}],
        }
    }
    text = render(document)
    assert "StartExecution req/s, 8 thread(s): 2,000 = 50% of the echo server's 4,000" in text
    assert "skipped jsonata: rejected" in text


def test_percentile_interpolates_between_neighbours():
    assert core.pct([], 50) is None
    assert core.pct([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert core.pct([5.0, 1.0, 3.0], 100) == 5.0


def test_chain_of_pass_links_each_state_to_the_next_and_ends_on_the_last():
    definition = core.chain_of_pass(3)
    assert definition["StartAt"] == "P0"
    assert definition["States"]["P0"]["Next"] == "P1"
    assert definition["States"]["P2"] == {"Type": "Pass", "End": True}


def test_load_core_uses_the_shared_harness_when_present(tmp_path: Path):
    assert load_core(None) is core
    assert load_core(tmp_path) is core
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "peer_bench.py").write_text("MARK = 'shared'\n")
    assert load_core(tmp_path).MARK == "shared"
