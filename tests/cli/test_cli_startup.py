"""A quick `openepa grade` and `check-gateway`: they load only what grading and the gateway
check need (the data files from the cache of validated files once it is warm), print the
same output with the cache cold, warm or off, and still validate a data file a user changed.

Start-up time itself is measured by benchmarks/cli_startup.py, not asserted here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openepa.cli import main
from openepa.policies import loader as policy_loader
from tests.cli.test_cli import GATEWAY, full_sheet
from tests.data.test_datafiles import broken_copy

SCRIPT = Path(sys.executable).with_name("openepa")
# Never needed to grade a sheet or check a gateway file: the solver, the web framework, and
# (once the cache is warm) the YAML parser and the validator. `holidays` only counts working
# days, which neither command does.
NOT_FOR_GRADING = ("ortools", "django", "jsonschema", "yaml", "holidays")

LOADED_AFTER_MAIN = """
import contextlib, io, json, sys
from openepa.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(m.split(".")[0] for m in sys.modules)}))
"""


@pytest.fixture
def inputs(st0072, tmp_path) -> dict[str, list[str]]:
    sheet, gateway = tmp_path / "sheet.json", tmp_path / "gateway.json"
    sheet.write_text(json.dumps(full_sheet(st0072)), encoding="utf-8")
    gateway.write_text(json.dumps(GATEWAY), encoding="utf-8")
    return {"grade": ["grade", str(sheet)], "check-gateway": ["check-gateway", str(gateway)]}


def run(args: list[str], cache: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "OPENEPA_CACHE_DIR": str(cache)},
    )


def top_level_modules(args: list[str], cache: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", LOADED_AFTER_MAIN, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OPENEPA_CACHE_DIR": str(cache)},
    )
    result = json.loads(done.stdout)
    assert result["code"] == 0, done.stderr
    return set(result["modules"])


@pytest.mark.parametrize("command", ["grade", "check-gateway"])
def test_output_is_the_same_with_the_cache_cold_warm_or_off(inputs, tmp_path, command):
    cache = tmp_path / "cache"
    cold, warm, off = (
        run(inputs[command], cache),
        run(inputs[command], cache),
        run(inputs[command], ""),
    )
    assert cold.returncode == warm.returncode == off.returncode == 0, cold.stderr + off.stderr
    assert cold.stdout == warm.stdout == off.stdout
    assert len(list(cache.glob("*.json"))) == 4  # the standard and three policies
    result = json.loads(warm.stdout)
    if command == "grade":
        assert result["overall"] == "distinction"
    else:
        assert result["eligible"] is True


@pytest.mark.parametrize("command", ["grade", "check-gateway"])
def test_a_warm_call_loads_neither_the_validator_nor_the_solver(inputs, tmp_path, command):
    cache = tmp_path / "cache"
    cold = top_level_modules(inputs[command], cache)
    assert {"jsonschema", "yaml"} <= cold  # the first call did validate the files
    warm = top_level_modules(inputs[command], cache)
    assert warm.isdisjoint(NOT_FOR_GRADING), sorted(warm & set(NOT_FOR_GRADING))
    if command == "grade":
        assert "dateutil" not in warm  # grading computes no age nor months on programme


@pytest.fixture
def user_policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The EPAO policy files as a user edits them: a copy of the shipped ones."""
    directory = tmp_path / "policies"
    shutil.copytree(policy_loader.DATA_DIR, directory)
    monkeypatch.setattr(policy_loader, "DATA_DIR", directory)
    monkeypatch.setenv("OPENEPA_CACHE_DIR", str(tmp_path / "cache"))
    policy_loader.all_policies.cache_clear()
    yield directory
    policy_loader.all_policies.cache_clear()


def test_a_policy_file_changed_after_a_warm_call_is_refused_naming_file_path_and_rule(
    inputs, user_policies, capsys
):
    assert main(inputs["grade"]) == 0
    capsys.readouterr()
    broken = broken_copy(
        user_policies / "highfield.yaml",
        user_policies,
        lambda d: d["resits"].update(grade_cap="merit"),
    )
    policy_loader.all_policies.cache_clear()  # a new process, as the next command would be
    assert main(inputs["grade"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "openepa: a data file is invalid:\n"
        f"{broken}: $.resits.grade_cap: 'merit' is not one of ['pass', None]\n"
    )
