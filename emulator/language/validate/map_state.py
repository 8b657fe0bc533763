"""Map state checks: the processor (ItemProcessor/Iterator), its config, items, limits, Label,
ItemReader, ItemBatcher and ResultWriter."""

from __future__ import annotations

from collections.abc import Callable

from emulator.language.errors import required_fields_message
from emulator.language.validate.context import JSONATA, Checker, join
from emulator.language.validate.diagnostics import INVALID_LABEL_NAME
from emulator.language.validate.expressions import check_path_field, check_payload_template
from emulator.language.validate.limits import (
    BATCHER_ALTERNATIVES,
    MAP_ALTERNATIVES,
    MAX_BATCH_INPUT_BYTES,
    MAX_READER_ITEMS,
    check_alternatives,
    check_jsonata_items,
)
from emulator.language.validate.schema import (
    ITEM_BATCHER_FIELDS,
    ITEM_READER_FIELDS,
    PROCESSOR_CONFIG_FIELDS,
    PROCESSOR_FIELDS,
    RESULT_WRITER_FIELDS,
    check_fields,
    check_integer,
    check_number,
    check_object,
    check_one_of,
    check_string,
    is_jsonata_expression,
)
from emulator.language.validate.values import label_problem
from emulator.language.validated import json_object, text
from emulator.model.types import JsonObject

CheckMachine = Callable[[Checker, JsonObject, str, frozenset[str]], None]

_MODES = ("INLINE", "DISTRIBUTED")
_EXECUTION_TYPES = ("STANDARD", "EXPRESS")
# ItemReader ReaderConfig / ResultWriter WriterConfig values, as input-output-itemreader.html and
# input-output-resultwriter.html list them.
_READER_ENUMS = (
    ("InputType", ("CSV", "JSON", "JSONL", "MANIFEST", "PARQUET")),
    ("CSVHeaderLocation", ("FIRST_ROW", "GIVEN")),
    ("CSVDelimiter", ("COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB")),
    ("ManifestType", ("S3_INVENTORY", "ATHENA_DATA")),
    ("Transformation", ("NONE", "LOAD_AND_FLATTEN")),
)
_WRITER_ENUMS = (("Transformation", ("NONE", "COMPACT", "FLATTEN")), ("OutputType", ("JSON", "JSONL")))
_PATH_FIELDS = (
    "ItemsPath",
    "MaxConcurrencyPath",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCountPath",
)


def check_map(
    checker: Checker, state: JsonObject, query_language: str, location: str, check_machine: CheckMachine
) -> None:
    jsonata = query_language == JSONATA
    _check_processor(checker, state, location, check_machine)
    check_integer(checker, state, "MaxConcurrency", location, minimum=0, jsonata=jsonata)
    check_integer(checker, state, "ToleratedFailureCount", location, minimum=0, jsonata=jsonata)
    check_number(
        checker, state, "ToleratedFailurePercentage", location, minimum=0, maximum=100, jsonata=jsonata
    )
    check_alternatives(checker, state, MAP_ALTERNATIVES, location)
    if jsonata:
        check_jsonata_items(checker, state, location)
    else:
        for name in _PATH_FIELDS:
            if name in state:
                check_path_field(checker, name, state[name], join(location, name), nullable=False)
        if "ItemSelector" in state:
            check_payload_template(checker, state["ItemSelector"], join(location, "ItemSelector"))
    if "Label" in state and check_string(checker, state, "Label", location):
        problem = label_problem(text(state["Label"]))
        if problem is not None:
            checker.error(problem, join(location, "Label"), INVALID_LABEL_NAME)
    _check_item_reader(checker, state, jsonata, location)
    _check_item_batcher(checker, state, jsonata, location)
    _check_result_writer(checker, state, jsonata, location)


def _check_processor(checker: Checker, state: JsonObject, location: str, check_machine: CheckMachine) -> None:
    if "ItemProcessor" in state and "Iterator" in state:
        checker.error("Field 'Iterator' is not supported", location)
        return
    if "ItemProcessor" not in state and "Iterator" not in state:
        checker.error(required_fields_message("ItemProcessor"), location)
        return
    field = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
    if not check_object(checker, state, field, location):
        return
    processor = json_object(state[field])
    processor_location = join(location, field)
    check_machine(checker, processor, processor_location, PROCESSOR_FIELDS)
    if "ProcessorConfig" in processor and check_object(
        checker, processor, "ProcessorConfig", processor_location
    ):
        _check_processor_config(
            checker, json_object(processor["ProcessorConfig"]), join(processor_location, "ProcessorConfig")
        )


def _check_processor_config(checker: Checker, config: JsonObject, location: str) -> None:
    check_fields(checker, config, PROCESSOR_CONFIG_FIELDS, (), location)
    mode = config.get("Mode", "INLINE")
    if "Mode" in config:
        check_one_of(checker, "Mode", mode, _MODES, location)
    if "ExecutionType" in config:
        if mode == "INLINE":
            checker.error("Field 'ExecutionType' is not supported", location)
        else:
            check_one_of(checker, "ExecutionType", config["ExecutionType"], _EXECUTION_TYPES, location)


def _check_item_reader(checker: Checker, state: JsonObject, jsonata: bool, location: str) -> None:
    if "ItemReader" not in state or not check_object(checker, state, "ItemReader", location):
        return
    reader = json_object(state["ItemReader"])
    reader_location = join(location, "ItemReader")
    check_fields(checker, reader, _for_language(ITEM_READER_FIELDS, jsonata), ("Resource",), reader_location)
    check_string(checker, reader, "Resource", reader_location)
    if check_object(checker, reader, "ReaderConfig", reader_location) and "ReaderConfig" in reader:
        config_location = join(reader_location, "ReaderConfig")
        reader_config = json_object(reader["ReaderConfig"])
        _check_enums(checker, reader_config, _READER_ENUMS, config_location)
        # "MaxItems … a limit of up to 100,000,000"; "either MaxItems or MaxItemsPath, but not both";
        # MaxItemsPath is JSONPath's (JSONata gives MaxItems an expression).
        check_integer(
            checker,
            reader_config,
            "MaxItems",
            config_location,
            minimum=0,
            maximum=MAX_READER_ITEMS,
            jsonata=jsonata,
        )
        if "MaxItemsPath" in reader_config:
            if jsonata:
                checker.error("Field 'MaxItemsPath' is not supported", config_location)
            else:
                check_path_field(
                    checker,
                    "MaxItemsPath",
                    reader_config["MaxItemsPath"],
                    join(config_location, "MaxItemsPath"),
                    nullable=False,
                )
        check_alternatives(checker, reader_config, (("MaxItems", "MaxItemsPath"),), config_location)
        check_string(checker, reader_config, "ItemsPointer", config_location)
        headers = reader_config.get("CSVHeaders")
        if reader_config.get("CSVHeaderLocation") == "GIVEN" and headers is None:
            checker.error("CSVHeaders is required when CSVHeaderLocation is GIVEN", config_location)
        elif headers is not None and not (
            isinstance(headers, list) and all(isinstance(header, str) for header in headers)
        ):
            checker.error(
                "The value for the field 'CSVHeaders' must be an ARRAY of STRING",
                join(config_location, "CSVHeaders"),
            )
    if not jsonata and "Parameters" in reader:
        check_payload_template(checker, reader["Parameters"], join(reader_location, "Parameters"))


def _check_item_batcher(checker: Checker, state: JsonObject, jsonata: bool, location: str) -> None:
    if "ItemBatcher" not in state or not check_object(checker, state, "ItemBatcher", location):
        return
    batcher = json_object(state["ItemBatcher"])
    batcher_location = join(location, "ItemBatcher")
    allowed = (
        ITEM_BATCHER_FIELDS - {"MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"}
        if jsonata
        else ITEM_BATCHER_FIELDS
    )
    check_fields(checker, batcher, allowed, (), batcher_location)
    check_integer(checker, batcher, "MaxItemsPerBatch", batcher_location, minimum=0, jsonata=jsonata)
    check_integer(
        checker,
        batcher,
        "MaxInputBytesPerBatch",
        batcher_location,
        minimum=0,
        maximum=MAX_BATCH_INPUT_BYTES,
        jsonata=jsonata,
    )
    check_alternatives(checker, batcher, BATCHER_ALTERNATIVES, batcher_location)
    if not jsonata:
        for name in ("MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"):
            if name in batcher:
                check_path_field(checker, name, batcher[name], join(batcher_location, name), nullable=False)


def _check_result_writer(checker: Checker, state: JsonObject, jsonata: bool, location: str) -> None:
    if "ResultWriter" not in state or not check_object(checker, state, "ResultWriter", location):
        return
    writer = json_object(state["ResultWriter"])
    writer_location = join(location, "ResultWriter")
    check_fields(checker, writer, _for_language(RESULT_WRITER_FIELDS, jsonata), (), writer_location)
    check_string(checker, writer, "Resource", writer_location)
    parameters = "Arguments" if jsonata else "Parameters"
    if "Resource" not in writer and "WriterConfig" not in writer:
        # "The ResultWriter field cannot be empty": WriterConfig, Resource and Parameters, or all three.
        checker.error(
            f"ResultWriter needs a WriterConfig, or a Resource and its {parameters}", writer_location
        )
    elif ("Resource" in writer) != (parameters in writer):
        # "Required field combinations": Resource and Parameters (Arguments) go together.
        checker.error(f"ResultWriter needs a Resource and its {parameters} together", writer_location)
    if check_object(checker, writer, "WriterConfig", writer_location) and "WriterConfig" in writer:
        _check_enums(
            checker, json_object(writer["WriterConfig"]), _WRITER_ENUMS, join(writer_location, "WriterConfig")
        )
    if not jsonata and "Parameters" in writer:
        check_payload_template(checker, writer["Parameters"], join(writer_location, "Parameters"))


def _check_enums(
    checker: Checker, node: JsonObject, enums: tuple[tuple[str, tuple[str, ...]], ...], location: str
) -> None:
    for name, values in enums:
        if name in node and not is_jsonata_expression(node[name]):
            check_one_of(checker, name, node[name], values, location)


def _for_language(fields: frozenset[str], jsonata: bool) -> frozenset[str]:
    return fields - {"Parameters"} if jsonata else fields - {"Arguments"}
