"""Loading the data files (standards, policies) with validation that names the broken rule.

A data file error says three things: which file, where inside it (a JSON path such as
``$.modules[3].criteria[0].level``) and which rule was broken, so whoever edits the file can
fix it without reading code.

Parsing a file's YAML and checking it against its JSON Schema cost far more than anything a
command such as ``openepa grade`` does with the data, and importing ``yaml`` and
``jsonschema`` more again. So a file found valid is remembered in a cache of validated files
(``$OPENEPA_CACHE_DIR``, else ``$XDG_CACHE_HOME/openepa/datafiles``, else
``~/.cache/openepa/datafiles``; ``OPENEPA_CACHE_DIR=`` empty turns it off), keyed by the
SHA-256 of the file's bytes, its schema's bytes and this module's source: a file or schema
that changes in any byte, or a new version of the validation, is a new key and is validated
again, with the same errors. Only valid files are remembered, the checks a JSON Schema
cannot express (the loaders' own) run on every load, and a cache that cannot be read or
written is simply not used. ``yaml`` and ``jsonschema`` are imported only on a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema

# Part of every cache key: raise it when what a cache entry holds changes shape.
CACHE_FORMAT = b"openepa-datafiles-1"


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


def json_path(parts: Iterable[str | int]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@cache
def _schema(schema_text: str) -> dict[str, Any]:
    """A schema, checked, once per process and content (not per path: a schema edited while
    a process runs is read again, as its cache key changes too)."""
    import jsonschema

    schema: dict[str, Any] = parse_yaml(schema_text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def parse_yaml(text: str) -> Any:
    """Safe YAML, with libyaml's C parser when PyYAML was built with it (ten times faster
    on the standard; the same safe constructor builds the values)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


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


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def load_validated(path: Path, schema_file: Path) -> dict[str, Any]:
    """Read a YAML data file and check it against its JSON Schema, or take it from the cache
    of files already found valid (see the module's docstring).

    Raises DataFileError listing every problem, not just the first.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(path, [Problem("$", f"cannot be read: {exc.strerror}")]) from exc
    schema = schema_file.read_bytes()
    key = _cache_key(raw, schema)
    data = _cached(key)
    if data is None:
        data = _validate(path, raw, schema.decode("utf-8"))
        _remember(key, data)
    return data


def _validate(path: Path, raw: bytes, schema: str) -> dict[str, Any]:
    import jsonschema
    import yaml

    try:
        data = parse_yaml(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataFileError(path, [Problem("$", f"is not UTF-8 text (byte {exc.start})")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "$"
        raise DataFileError(path, [Problem(where, f"is not valid YAML: {exc}")]) from exc
    validator = jsonschema.Draft202012Validator(_schema(schema))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise DataFileError(
            path, [Problem(json_path(list(e.absolute_path)), _describe(e)) for e in errors]
        )
    assert isinstance(data, dict)  # the schema requires an object at the top
    return data


def cache_dir() -> Path | None:
    """Where validated files are remembered; None when the cache is turned off or there is
    no home directory to keep it in."""
    configured = os.environ.get("OPENEPA_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    if not os.path.isabs(base):
        return None  # no home directory (expanduser left "~" as it was)
    return Path(base) / "openepa" / "datafiles"


@cache
def _validator_source() -> bytes:
    """This module's source, so that a change to how files are read and validated is a new
    cache key (an installed package's version would miss edits in a working copy)."""
    try:
        return Path(__file__).read_bytes()
    except OSError:
        return b""


def _cache_key(raw: bytes, schema: bytes) -> str:
    digest = hashlib.sha256(CACHE_FORMAT)
    for part in (_validator_source(), schema, raw):
        # Each part preceded by its length, so that no two different triples hash alike.
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _cached(key: str) -> dict[str, Any] | None:
    directory = cache_dir()
    if directory is None:
        return None
    try:
        entry = json.loads((directory / f"{key}.json").read_bytes())
    except (OSError, ValueError):
        return None  # absent, unreadable or half written: validate the file instead
    data = entry.get("data") if isinstance(entry, dict) else None
    return data if isinstance(data, dict) else None


def _remember(key: str, data: dict[str, Any]) -> None:
    directory = cache_dir()
    if directory is None:
        return
    try:
        text = json.dumps({"data": data}, ensure_ascii=False)
    except (TypeError, ValueError):
        return  # YAML gave a value JSON cannot hold (a date): validated on every load
    if json.loads(text)["data"] != data:
        return  # ... or one JSON would change (a number as a key)
    target = directory / f"{key}.json"
    partial = directory / f"{key}.{os.getpid()}.partial"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)  # atomic: a reader sees the whole entry or none
    except OSError:  # read-only or full: the next load validates again
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
