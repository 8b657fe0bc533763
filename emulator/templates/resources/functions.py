"""AWS::Lambda::Function as a local function (emulator/service/functions.py): the code folder the
template names (a local ``Code`` path, SAM's ``CodeUri``, a CDK asset folder, or an inline
``ZipFile`` written out as ``index.py``), ``Handler``, ``Environment``, ``Timeout``, ``MemorySize``
and ``Runtime``. Functions of other runtimes are left to ``LAMBDA_ENDPOINT`` (``sam local
start-lambda``), and the load report says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emulator.service.aws_resources import endpoint_of
from emulator.service.functions import FunctionConfig, put_local_function
from emulator.templates.intrinsics import Created
from emulator.templates.resources.base import LoadContext

# SAM's CodeUri / CloudFormation's local Code are rewritten to this bucket with the folder as key
# before the SAM transform (which only accepts S3 locations), and read back here.
LOCAL_CODE_BUCKET = "sfn-emulator-local-code"
ASSET_PATH = "aws:asset:path"  # CDK's metadata naming a function's asset folder


def _code_dir(
    load: LoadContext, logical_id: str, properties: dict[str, Any], resource: dict[str, Any]
) -> Path | str:
    """The code folder, or why the code cannot be had offline."""
    metadata = resource.get("Metadata") or {}
    if isinstance(metadata, dict) and isinstance(metadata.get(ASSET_PATH), str):
        return load.local_path(metadata[ASSET_PATH], logical_id, f"Metadata.{ASSET_PATH}")
    code = properties.get("Code")
    if isinstance(code, str):  # `aws cloudformation package`'s input form: a local path
        return load.local_path(code, logical_id, "Code")
    if not isinstance(code, dict):
        raise load.error("is required", logical_id, "Code")
    if "ZipFile" in code:
        folder = load.work_dir / load.scope.stack_name / logical_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.py").write_text(str(code["ZipFile"]), encoding="utf-8")
        return folder
    if code.get("S3Bucket") == LOCAL_CODE_BUCKET:
        return load.local_path(code.get("S3Key"), logical_id, "CodeUri")
    if "ImageUri" in code:
        return "a container image function runs only at LAMBDA_ENDPOINT"
    return f"its code is in S3 (s3://{code.get('S3Bucket')}/{code.get('S3Key')}) and cannot be read offline"


async def function(
    load: LoadContext, logical_id: str, properties: dict[str, Any], resource: dict[str, Any]
) -> Created:
    name = properties.get("FunctionName") or load.generated_name(logical_id, 64)
    arn = load.arn("lambda", f"function:{name}")
    created = Created(name, {"Arn": arn}, physical_id=arn)
    runtime = str(properties.get("Runtime") or "")
    external = endpoint_of(load.env, "lambda")
    code_dir = _code_dir(load, logical_id, properties, resource)
    if runtime and not runtime.startswith("python"):
        created.note = f"runtime {runtime} is not run by the emulator: invoked at LAMBDA_ENDPOINT"
        if not external:
            created.status = "NOT_RUNNABLE"
            created.note += " (not set: run e.g. `sam local start-lambda` and set LAMBDA_ENDPOINT to it)"
        return created
    if isinstance(code_dir, str):
        created.status = "NOT_RUNNABLE" if not external else created.status
        created.note = code_dir + ("; invoked at LAMBDA_ENDPOINT" if external else "")
        return created
    handler = properties.get("Handler")
    if not isinstance(handler, str) or "." not in handler:
        raise load.error("is required as module.function (e.g. app.handler)", logical_id, "Handler")
    variables = (properties.get("Environment") or {}).get("Variables") or {}
    timeout = properties.get("Timeout")
    memory = properties.get("MemorySize")
    reserved = properties.get("ReservedConcurrentExecutions")
    put_local_function(
        load.env,
        FunctionConfig(
            name=name,
            handler=handler,
            code_dir=str(code_dir),
            environment={str(key): _text(value) for key, value in variables.items()},
            timeout_seconds=float(timeout) if timeout is not None else None,
            memory_size_mb=int(memory) if memory is not None else None,
            runtime=runtime or None,
            reserved_concurrency=int(reserved) if reserved is not None else None,
            source=load.file,
        ),
    )
    created.note = f"runs {handler} from {code_dir}"
    return created


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


FUNCTION_HANDLERS = {"AWS::Lambda::Function": function}
