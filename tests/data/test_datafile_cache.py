"""The cache of validated data files: a file is validated once, and again whenever it or
its schema changes, with the same errors as without the cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from openepa.datafiles import DataFileError, cache_dir, load_validated
from openepa.policies.loader import load_policy
from openepa.standards.loader import SCHEMA as STANDARD_SCHEMA
from openepa.standards.loader import load_standard
from tests.data.test_datafiles import HIGHFIELD, ST0072, broken_copy, problems


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("OPENEPA_CACHE_DIR", str(directory))
    return directory


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.json")) if directory.exists() else []


def copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    return target


def merit_level(d):
    d["modules"][0]["criteria"][0]["level"] = "merit"


def test_a_valid_file_is_remembered_and_later_loads_read_the_cache(cache, tmp_path):
    path = copy(ST0072, tmp_path)
    first = load_standard(path)
    [entry] = entries(cache)
    # Proof that the next load reads the entry rather than the file: an entry edited by
    # hand (which nothing else ever does) is what the next load returns.
    remembered = json.loads(entry.read_text(encoding="utf-8"))
    remembered["data"]["title"] = "Read from the cache"
    entry.write_text(json.dumps(remembered), encoding="utf-8")
    assert first.title != "Read from the cache"
    assert load_standard(path).title == "Read from the cache"


def test_a_file_changed_after_it_was_remembered_is_validated_again(cache, tmp_path):
    path = copy(ST0072, tmp_path)
    load_standard(path)
    broken = broken_copy(ST0072, tmp_path, merit_level)
    assert broken == path  # the same file, now with a broken rule
    with pytest.raises(DataFileError) as warm:
        load_standard(path)
    assert str(warm.value).startswith(f"{path}: ")
    assert problems(warm.value) == [
        ("$.modules[0].criteria[0].level", "'merit' is not one of ['pass', 'distinction']")
    ]
    assert len(entries(cache)) == 1  # the broken file is not remembered


def test_the_error_is_the_same_with_the_cache_on_or_off(cache, tmp_path, monkeypatch):
    path = broken_copy(ST0072, tmp_path, merit_level)
    with pytest.raises(DataFileError) as on:
        load_standard(path)
    monkeypatch.setenv("OPENEPA_CACHE_DIR", "")
    assert cache_dir() is None
    with pytest.raises(DataFileError) as off:
        load_standard(path)
    assert str(on.value) == str(off.value)


def test_a_valid_change_is_loaded_not_the_remembered_version(cache, tmp_path):
    path = copy(HIGHFIELD, tmp_path)
    assert load_policy(path).name == "Highfield Assessment"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["name"] = "Highfield Assessment Ltd"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert load_policy(path).name == "Highfield Assessment Ltd"
    assert len(entries(cache)) == 2


def test_a_changed_schema_validates_a_remembered_file_again(cache, tmp_path):
    path = copy(ST0072, tmp_path)
    schema = copy(STANDARD_SCHEMA, tmp_path)
    load_validated(path, schema)
    rules = yaml.safe_load(schema.read_text(encoding="utf-8"))
    rules["properties"]["title"]["maxLength"] = 5
    schema.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_validated(path, schema)
    assert [where for where, _ in problems(err.value)] == ["$.title"]


def test_a_damaged_entry_is_ignored_and_replaced(cache, tmp_path):
    path = copy(ST0072, tmp_path)
    expected = load_standard(path)
    [entry] = entries(cache)
    entry.write_text('{"data": {"reference": "ST00', encoding="utf-8")  # half written
    assert load_standard(path) == expected
    assert json.loads(entry.read_text(encoding="utf-8"))["data"]["reference"] == "ST0072"


def test_a_cache_that_cannot_be_written_is_not_used(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("OPENEPA_CACHE_DIR", str(blocked))
    assert load_standard(copy(ST0072, tmp_path)).reference == "ST0072"


def test_the_cache_lives_in_the_user_cache_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("OPENEPA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "openepa" / "datafiles"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "openepa" / "datafiles"


def test_a_file_that_is_not_utf8_names_the_byte(cache, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(ST0072.read_bytes().replace(b"title: ", b"title: caf\xe9 ", 1))
    with pytest.raises(DataFileError) as err:
        load_standard(path)
    [(where, rule)] = problems(err.value)
    assert where == "$"
    assert rule.startswith("is not UTF-8 text (byte ")
