"""The shape of JSON that OpenEPA writes (the CLI's output, the Apprenticeship Assessment
Service's request bodies, the scheduling engine's instances and plans) and reads.

Written values are typed `Json`, so mypy checks that only what `json.dumps` can write goes
into them; values read from outside are `object` until checked, never trusted as `Any`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: A JSON value as written: read-only containers, so a `dict[str, str]` or `list[int]` is one.
type Json = str | int | float | bool | Sequence[Json] | Mapping[str, Json] | None
#: A JSON object as written.
type JsonObject = Mapping[str, Json]


def as_json(value: object, where: str = "$") -> Json:
    """`value` (read with `json.loads`, or built in code) checked to be JSON all the way
    down, so it can be written back as `Json`; a TypeError names the first part that is not."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [as_json(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        out: dict[str, Json] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: the key {key!r} is not a string")
            out[key] = as_json(item, f"{where}.{key}")
        return out
    raise TypeError(f"{where}: {type(value).__name__} is not a JSON value")


def as_json_object(value: object, where: str = "$") -> dict[str, Json]:
    """As `as_json`, for a JSON object."""
    checked = as_json(value, where)
    if not isinstance(checked, dict):
        raise TypeError(f"{where}: not a JSON object")
    return checked
