"""The JSON value type used throughout."""

from __future__ import annotations

from typing import TypeAlias

# Payloads are plain Python JSON values (dict/list/str/int/float/bool/None). They are treated as
# immutable by convention: code that needs a changed value builds a new container.
Json: TypeAlias = "dict[str, Json] | list[Json] | str | int | float | bool | None"
JsonObject: TypeAlias = "dict[str, Json]"
