from __future__ import annotations

from pathlib import Path

import pytest

from bench import jsonata_diff
from bench.jsonata_cases import FAMILIES, Case
from bench.jsonata_diff import Answer, our_answer, same


def test_without_node_the_tool_skips_with_a_message(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path):
    monkeypatch.setattr(jsonata_diff.shutil, "which", lambda name: None)
    assert jsonata_diff.main(["--cache", str(tmp_path)]) == 0
    assert "skipped, node and npm are needed" in capsys.readouterr().out


def test_our_answers_take_the_form_of_the_reference_answers():
    assert our_answer(Case("$states.input.a * 2", {"a": 2.5})) == Answer("value", json="5")
    assert our_answer(Case("$states.input.missing", {})) == Answer("undefined")
    assert our_answer(Case("function($x){$x}", {})) == Answer("function")
    assert our_answer(Case("[1/0]", {})) == Answer("nonfinite")
    assert our_answer(Case("$uppercase(1)", {})) == Answer(
        "error", code="T0410", message='Argument 1 of function "uppercase" does not match function signature'
    )
    assert our_answer(Case("1 +", {})).code == "S0207"


def test_a_non_finite_result_and_jsonata_js_failing_on_it_are_one_answer():
    assert same(Answer("error", code="D1001", message="Number out of range: null"), Answer("nonfinite"))
    assert not same(Answer("value", json="1"), Answer("value", json="1.0"))


def test_every_family_cites_a_jsonata_documentation_page_and_cases_are_distinct():
    for family in FAMILIES:
        assert family.source.startswith("https://docs.jsonata.org/"), family.name
        keys = [(case.expression, repr(case.input)) for case in family.cases]
        assert len(keys) == len(set(keys)), family.name
    assert sum(len(family.cases) for family in FAMILIES) > 1500  # several hundred rows was the aim
