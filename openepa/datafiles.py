"""Loading the data files (standards, policies) with validation that names the broken rule.

A data file error says three things: which file, where inside it (a JSON path such as
``$.modules[3].criteria[0].level``) and which rule was broken, so whoever edits the file can
fix it without reading code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

#: libyaml's parser when PyYAML was built with it (the wheels are): several times faster than
#: the pure-Python one, which stays the fallback. Both are "safe" loaders (no Python objects).
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    where: str  # JSON path inside the file
    rule: str  # plain-English rule that was broken


class DataFileError(ValueError):
    def __init__(self, file: Path | str, problems: list[Problem]) -> None:
        self.file = str(file)
        self.problems = problems
        lines = [f"{self.file}: {p.where}: {p.rule}" for p in problems]
        super().__init__("\n".join(lines))


def json_path(parts: Iterator[Any] | list[Any]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@cache
def _schema(schema_file: Path) -> dict[str, Any]:
    with schema_file.open(encoding="utf-8") as fh:
        schema: dict[str, Any] = yaml.load(fh, Loader=SafeLoader)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _describe(error: jsonschema.ValidationError) -> str:
    # jsonschema's messages quote the whole offending instance, which for a module is pages
    # long; keep the rule and a short view of the value.
    if error.validator == "additionalProperties":
        return f"unknown key ({error.message.split('(')[-1].rstrip(')')})"
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator in {"enum", "const"}:
        return f"{_short(error.instance)} is not one of {error.validator_value}"
    if error.validator == "type":
        return f"{_short(error.instance)} must be of type {error.validator_value}"
    if error.validator == "pattern":
        return f"{_short(error.instance)} does not match the pattern {error.validator_value}"
    return error.message if len(error.message) < 200 else error.message[:200] + "…"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def load_validated(path: Path, schema_file: Path) -> dict[str, Any]:
    """Read a YAML data file and check it against its JSON Schema.

    Raises DataFileError listing every problem, not just the first.
    """
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=SafeLoader)
    except OSError as exc:
        raise DataFileError(path, [Problem("$", f"cannot be read: {exc.strerror}")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "$"
        raise DataFileError(path, [Problem(where, f"is not valid YAML: {exc}")]) from exc
    validator = jsonschema.Draft202012Validator(_schema(schema_file))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise DataFileError(
            path, [Problem(json_path(list(e.absolute_path)), _describe(e)) for e in errors]
        )
    assert isinstance(data, dict)  # the schema requires an object at the top
    return data
