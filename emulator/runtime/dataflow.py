"""What a state reads and produces, in either query language, and the variables it assigns.

The engine owns the lifecycle (events, retries, waiting, branches); this module owns the data:
a JSONPath state's InputPath → Parameters → ResultSelector → ResultPath → OutputPath pipeline
(with ``$variable`` paths), a JSONata state's ``Arguments`` / ``Output`` / typed fields evaluated
with ``$states`` and the variables, and ``Assign`` in both. Assignments are computed against the
variables as they were when the state was entered and parked on the flow's ``Chain``
(``chain.assigned``); the engine records and stores them when the state exits.

Binding rules (AWS): every JSONata field sees ``$states.input`` (the state input), ``$states.context``
and the variables in scope; ``$states.result`` only in ``Output`` / ``Assign`` of Task, Parallel and
Map; ``$states.errorOutput`` only in a catcher's ``Output`` / ``Assign``. A JSONPath ``Assign`` reads
``$`` as the state's result (after ResultSelector), the effective input for Choice and Wait, and the
error output in a catcher.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import TypeVar

from emulator.language.errors import StatesError
from emulator.language.evaluate import field_errors
from emulator.language.evaluate.io import apply_input_path, apply_output_path, apply_result_path
from emulator.language.evaluate.jsonata import (
    NOT_AVAILABLE,
    JsonataBindings,
    JsonataExpression,
    JsonataTemplate,
    NotAvailable,
    QueryEvaluationError,
)
from emulator.language.evaluate.jsonpath import JsonPath
from emulator.language.evaluate.templates import PayloadTemplate
from emulator.language.evaluate.variables import Assignment
from emulator.language.states.choice_state import ChoiceState, choose_rule
from emulator.language.states.common import Catcher, StateCommon
from emulator.language.states.fail_state import FailState, failure_of, jsonata_failure_of
from emulator.language.states.map_state import (
    MapState,
    integer_at,
    items_of,
    jsonata_max_concurrency,
    max_concurrency_of,
)
from emulator.language.states.parallel_state import ParallelState
from emulator.language.states.pass_state import PassState
from emulator.language.states.task_state import TaskState
from emulator.language.states.wait_state import WaitState, jsonata_wait_seconds, wait_seconds
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json
from emulator.runtime.clock import Clock
from emulator.runtime.evaluation import Evaluations
from emulator.runtime.recorder import Chain

T = TypeVar("T")

# The states whose work has a result (ResultSelector, ResultPath, ``$states.result``).
ResultState = TaskState | ParallelState | MapState


class DataFlow:
    """The data side of running states, for one engine (its random generator and clock).

    The steps are synchronous; a unit runs a JSONata state's steps through ``evaluated`` (the
    evaluation budget and, for a long one, a thread: ``runtime/evaluation.py``). JSONPath steps
    are called directly: their cost is bounded by the payload (paths, intrinsics, and Choice rules,
    whose StringMatches is a linear glob)."""

    __slots__ = ("rng", "clock", "evaluations")

    def __init__(self, rng: random.Random, clock: Clock, evaluations: Evaluations | None = None) -> None:
        self.rng = rng
        self.clock = clock
        self.evaluations = evaluations or Evaluations()

    async def evaluated(self, step: Callable[..., T], *args: object) -> T:
        """``step(*args)`` under the evaluation budget (see ``runtime/evaluation.py``)."""
        return await self.evaluations.run(step, *args)

    def bindings(
        self,
        value: Json,
        context: Mapping[str, Json],
        chain: Chain,
        result: Json | NotAvailable = NOT_AVAILABLE,
        error_output: Json | NotAvailable = NOT_AVAILABLE,
    ) -> JsonataBindings:
        return JsonataBindings(
            states_input=value,
            context=context,
            variables=chain.variables,
            states_result=result,
            states_error_output=error_output,
            rng=self.rng,
            now_milliseconds=int(self.clock.now() * 1000),
        )

    # --- shared steps -------------------------------------------------------------------------

    def effective_input(
        self, common: StateCommon, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> Json:
        """JSONPath: the input after InputPath. JSONata states have no InputPath."""
        if common.is_jsonata:
            return value
        return apply_input_path(common.input_path, value, context, chain.variables)

    def assign_jsonpath(
        self, assign: Assignment | None, dollar: Json, context: Mapping[str, Json], chain: Chain
    ) -> None:
        if assign is not None:
            chain.assigned = assign.evaluate_jsonpath(dollar, context, chain.variables, self.rng)

    def _jsonata_exit(
        self,
        assign: Assignment | None,
        output: JsonataTemplate | None,
        default: Json,
        bindings: JsonataBindings,
        chain: Chain,
    ) -> Json:
        """JSONata ``Assign`` then ``Output`` with the same (pre-state) bindings."""
        if assign is not None:
            chain.assigned = assign.evaluate_jsonata(bindings)
        return default if output is None else output.evaluate(bindings)

    def finish(
        self, state: ResultState, value: Json, result: Json, context: Mapping[str, Json], chain: Chain
    ) -> Json:
        """The output of a state with a result (Task, Parallel, Map), assignments parked on ``chain``."""
        common = state.common
        if common.is_jsonata:
            bindings = self.bindings(value, context, chain, result=result)
            return self._jsonata_exit(common.assign, common.output, result, bindings, chain)
        variables = chain.variables
        if state.result_selector is not None:
            result = state.result_selector.evaluate(result, context, self.rng, variables)
        self.assign_jsonpath(common.assign, result, context, chain)
        output = apply_result_path(state.result_path, value, result)
        return apply_output_path(common.output_path, output, context, variables)

    def caught(
        self,
        catcher: Catcher,
        common: StateCommon,
        value: Json,
        error_output: dict[str, Json],
        context: Mapping[str, Json],
        chain: Chain,
    ) -> Json:
        """The output of a state whose error ``catcher`` caught (its assignments parked on ``chain``)."""
        chain.assigned = None
        if common.is_jsonata:
            bindings = self.bindings(value, context, chain, error_output=error_output)
            return self._jsonata_exit(catcher.assign, catcher.output, error_output, bindings, chain)
        self.assign_jsonpath(catcher.assign, error_output, context, chain)
        return apply_result_path(catcher.result_path, value, error_output)

    def arguments(
        self,
        common: StateCommon,
        parameters: PayloadTemplate | None,
        value: Json,
        context: Mapping[str, Json],
        chain: Chain,
    ) -> Json:
        """What a Task sends / a Parallel gives its branches: JSONata ``Arguments`` or JSONPath
        InputPath + ``Parameters`` (``parameters`` is the compiled template or None)."""
        if common.is_jsonata:
            if common.arguments is None:
                return value
            return common.arguments.evaluate(self.bindings(value, context, chain))
        effective = apply_input_path(common.input_path, value, context, chain.variables)
        if parameters is None:
            return effective
        return parameters.evaluate(effective, context, self.rng, chain.variables)

    def seconds(
        self,
        field: str,
        literal: int | None,
        expression: JsonataExpression | None,
        path: JsonPath | None,
        value: Json,
        context: Mapping[str, Json],
        chain: Chain,
    ) -> int | None:
        """TimeoutSeconds / HeartbeatSeconds (``field``): a literal, a JSONata expression (against the
        state input) or a JSONPath path (``value`` is then the effective input); a positive integer."""
        if expression is not None:
            found = int(expression.evaluate(self.bindings(value, context, chain), expected="integer"))
            if found <= 0:
                raise field_errors.expression_not_positive(expression.text, field, found)
            return found
        if path is None:
            return literal
        path_field = f"{field}Path"
        found = integer_at(path, path_field, value, context, chain.variables)
        if found <= 0:
            raise field_errors.path_value_not_positive(path_field, found, path.text)
        return found

    # --- the simple states --------------------------------------------------------------------

    def run_pass(self, state: PassState, value: Json, context: Mapping[str, Json], chain: Chain) -> Json:
        common = state.common
        if common.is_jsonata:
            return self._jsonata_exit(
                common.assign, common.output, value, self.bindings(value, context, chain), chain
            )
        variables = chain.variables
        effective = apply_input_path(common.input_path, value, context, variables)
        if state.has_result:
            result = state.result
        elif state.parameters is not None:
            result = state.parameters.evaluate(effective, context, self.rng, variables)
        else:
            result = effective
        self.assign_jsonpath(common.assign, result, context, chain)
        output = apply_result_path(state.result_path, value, result)
        return apply_output_path(common.output_path, output, context, variables)

    def run_choice(
        self, state: ChoiceState, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> tuple[Json, str | None]:
        common = state.common
        if common.is_jsonata:
            bindings = self.bindings(value, context, chain)
            rule = choose_rule(state, value, context, chain.variables, bindings)
            if rule is None:
                output = self._jsonata_exit(common.assign, state.default_output, value, bindings, chain)
                return output, state.default
            return self._jsonata_exit(rule.assign, rule.output, value, bindings, chain), rule.next
        variables = chain.variables
        effective = apply_input_path(common.input_path, value, context, variables)
        rule = choose_rule(state, effective, context, variables)
        self.assign_jsonpath(common.assign if rule is None else rule.assign, effective, context, chain)
        target = state.default if rule is None else rule.next
        return apply_output_path(common.output_path, effective, context, variables), target

    def wait_seconds(
        self, state: WaitState, value: Json, context: Mapping[str, Json], chain: Chain, now: float
    ) -> tuple[float, Json]:
        """(seconds to wait, the effective input the state passes on)."""
        if state.common.is_jsonata:
            if state.seconds_expression is None and state.timestamp_expression is None:
                return wait_seconds(state, value, context, now), value
            return jsonata_wait_seconds(state, self.bindings(value, context, chain), now), value
        effective = apply_input_path(state.common.input_path, value, context, chain.variables)
        return wait_seconds(state, effective, context, now, chain.variables), effective

    def pass_through(
        self, common: StateCommon, value: Json, effective: Json, context: Mapping[str, Json], chain: Chain
    ) -> Json:
        """The output of Wait and Succeed (their input, reshaped by OutputPath or ``Output``)."""
        if common.is_jsonata:
            return self._jsonata_exit(
                common.assign, common.output, value, self.bindings(value, context, chain), chain
            )
        self.assign_jsonpath(common.assign, effective, context, chain)
        return apply_output_path(common.output_path, effective, context, chain.variables)

    def failure(
        self, state: FailState, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> StatesError:
        if state.common.is_jsonata:
            return jsonata_failure_of(state, self.bindings(value, context, chain))
        return failure_of(state, value, context, self.rng, chain.variables)

    # --- Map ----------------------------------------------------------------------------------

    def map_items(
        self, state: MapState, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> tuple[Json, list[Json], int]:
        """(the Map's effective input, its items, its MaxConcurrency)."""
        if not state.common.is_jsonata:
            effective = apply_input_path(state.common.input_path, value, context, chain.variables)
            listed = items_of(state, effective, context, chain.variables)
            return effective, listed, max_concurrency_of(state, effective, context, chain.variables)
        bindings = self.bindings(value, context, chain)
        if state.items is None:
            items = value
            if not isinstance(items, list):
                raise QueryEvaluationError(f"Map state input must be an array but was: {to_json_text(items)}")
        else:
            items = state.items.evaluate(bindings)
            if not isinstance(items, list):
                raise field_errors.template_not_of_type(state.items, "array", items)
        return value, items, jsonata_max_concurrency(state, bindings)

    def map_item(
        self,
        state: MapState,
        effective: Json,
        index: int,
        item: Json,
        context: Mapping[str, Json],
        chain: Chain,
    ) -> Json:
        """The input of iteration ``index`` (ItemSelector with ``$$.Map.Item``)."""
        if state.common.is_jsonata:
            template = state.jsonata_item_selector
            if template is None:
                return item
            item_context = dict(context)
            item_context["Map"] = {"Item": {"Index": index, "Value": item}}
            return template.evaluate(self.bindings(effective, item_context, chain))
        selector = state.item_selector
        if selector is None:
            return item
        item_context = dict(context)
        item_context["Map"] = {"Item": {"Index": index, "Value": item}}
        return selector.evaluate(effective, item_context, self.rng, chain.variables)
