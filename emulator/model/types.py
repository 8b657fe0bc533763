"""The JSON value type used throughout."""

from __future__ import annotations

from typing import TypeAlias, Union

# Payloads are plain Python JSON values (dict/list/str/int/float/bool/None). They are treated as
# immutable by convention: code that needs a changed value builds a new container.
# A recursive alias; written with ``Union`` so that it is also a runtime object (modules build
# other aliases from it, e.g. ``Json | Awaitable[Json]``).
Json: TypeAlias = Union["dict[str, Json]", "list[Json]", str, int, float, bool, None]
JsonObject: TypeAlias = dict[str, Json]
