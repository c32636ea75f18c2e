"""How long `openepa grade` and `openepa check-gateway` take per call, start-up included.

Runs each command N times in fresh processes, interleaved with `python -c pass` (the
interpreter's own start-up, the floor no command can beat), and prints per call the median
and 95th percentile of the wall time and of the CPU time (user + system, from
``resource.getrusage(RUSAGE_CHILDREN)``). On a shared, loaded machine the wall time
includes waiting for a core; the CPU time is what the process itself spent and is the
steadier figure.

The commands run with ``OPENEPA_CACHE_DIR`` pointing at a fresh directory: "warm" rows run
after one call has filled the cache of validated data files (every later call of a user),
"cold" rows empty it before each call (the first call after installing or changing a file).
Python's compiled bytecode is kept as for an installed package (pip compiles it when it
installs; here in a temporary ``PYTHONPYCACHEPREFIX``), except in the "no .pyc" row, which
runs with ``PYTHONDONTWRITEBYTECODE=1`` in an editable install: OpenEPA's own modules are
compiled from source on every call, as in a development environment that sets it.
Then ``python -X importtime`` of one warm `grade` call lists the packages that cost the most
to import. With ``--instructions`` each case also runs once under valgrind's callgrind,
which counts the instructions the call executed: slow (about a minute), but the same count
however loaded the machine is.

Run from the project root: ``.venv/bin/python -m benchmarks.cli_startup --runs 40``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from openepa.domain.standard import InteractionMode, Level
from openepa.standards.loader import all_standards

GATEWAY_CASE = {
    "policy": "highfield",
    "start_date": "2025-01-06",
    "date_of_birth": "2007-06-01",
    "gateway_date": "2026-01-07",
    "english": "level_1",
    "maths": "level_1",
    "showcase_format": "presentation",
    "evidence": [
        "gateway_meeting_record",
        "employer_sign_off",
        "provider_sign_off",
        "showcase_format_choice",
    ],
}


def marking_sheet() -> dict[str, Any]:
    """ST0072 with every criterion of every method met face to face: a distinction, the
    most work the grader does for one sheet."""
    standard = all_standards()["ST0072"]
    modes = frozenset({InteractionMode.FACE_TO_FACE})
    attempts = []
    for day, method in enumerate(standard.methods, start=2):
        codes = [
            c.code
            for level in (Level.PASS, Level.DISTINCTION)
            for c in standard.criteria_for(method.code, modes, level)
        ]
        attempts.append(
            {
                "method": method.code.value,
                "kind": "first",
                "date": f"2026-03-{day:02d}",
                "judgements": dict.fromkeys(codes, "met"),
            }
        )
    return {
        "standard": standard.reference,
        "policy": "highfield",
        "interaction_modes": [InteractionMode.FACE_TO_FACE.value],
        "attempts": attempts,
    }


def openepa_command() -> list[str]:
    """The installed `openepa` script, as a user runs it (else `python -m openepa`)."""
    script = Path(sys.executable).with_name("openepa")
    return [str(script)] if script.exists() else [sys.executable, "-m", "openepa"]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Case(NamedTuple):
    argv: list[str]
    env: dict[str, str]
    before: Callable[[], None]  # run before each call, untimed


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call; fails loudly if the command fails."""
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}")
    return wall, children_cpu() - cpu


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


Timings = dict[str, list[float]]


def measure(cases: dict[str, Case], runs: int) -> tuple[Timings, Timings]:
    """Each case `runs` times, round-robin so that load from elsewhere falls on all alike."""
    walls: Timings = defaultdict(list)
    cpus: Timings = defaultdict(list)
    for _ in range(runs):
        for name, case in cases.items():
            case.before()
            wall, cpu = run_once(case.argv, case.env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return walls, cpus


def print_table(walls: Timings, cpus: Timings) -> None:
    print(f"{'command':<30} {'wall p50':>9} {'wall p95':>9} {'CPU p50':>8} {'CPU p95':>8}  (ms)")
    for name in walls:
        w, c = walls[name], cpus[name]
        print(
            f"{name:<30} {statistics.median(w) * 1000:>9.1f} {p95(w) * 1000:>9.1f}"
            f" {statistics.median(c) * 1000:>8.1f} {p95(c) * 1000:>8.1f}"
        )


def import_offenders(argv: list[str], env: dict[str, str], top: int) -> None:
    """`python -X importtime` of one call: self time summed by top-level package."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], env=env, capture_output=True, check=False
    )
    by_package: dict[str, int] = defaultdict(int)
    for line in done.stderr.decode().splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:") :].split("|"))
        by_package[name.split(".")[0]] += int(self_us)
    total = sum(by_package.values())
    print(f"\nimports of one warm call ({argv[-2]}): {total / 1000:.1f} ms in all; top packages:")
    for name, us in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {name:<36} {us / 1000:>7.1f} ms")


def instructions(cases: dict[str, Case]) -> None:
    """Instructions executed by one call of each case, counted by callgrind."""
    if shutil.which("valgrind") is None:
        print("\n--instructions needs valgrind, which is not installed")
        return
    print("\ninstructions per call (valgrind --tool=callgrind), millions:")
    for name, (argv, env, before) in cases.items():
        before()
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
            env=env,
            capture_output=True,
            check=False,
        )
        found = re.search(r"Collected : (\d+)", done.stderr.decode())
        if done.returncode != 0 or found is None:
            raise SystemExit(f"{' '.join(argv)} failed under valgrind:\n{done.stderr.decode()}")
        print(f"  {name:<30} {int(found[1]) / 1e6:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="calls per command (default 30)")
    parser.add_argument("--top", type=int, default=12, help="packages listed from importtime")
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions with callgrind"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="openepa-cli-bench-"))
    try:
        sheet, gateway, cache = work / "sheet.json", work / "gateway.json", work / "cache"
        sheet.write_text(json.dumps(marking_sheet()), encoding="utf-8")
        gateway.write_text(json.dumps(GATEWAY_CASE), encoding="utf-8")
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "OPENEPA_CACHE_DIR": str(cache),
            "PYTHONPYCACHEPREFIX": str(work / "pycache"),
        }
        no_pyc = {**os.environ, "OPENEPA_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}
        no_pyc.pop("PYTHONPYCACHEPREFIX", None)
        openepa = openepa_command()
        grade = [*openepa, "grade", str(sheet)]
        check = [*openepa, "check-gateway", str(gateway)]

        def keep() -> None:
            pass

        def empty_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cases = {
            "python -c pass": Case([sys.executable, "-c", "pass"], env, keep),
            "openepa grade (warm)": Case(grade, env, keep),
            "openepa check-gateway (warm)": Case(check, env, keep),
            "openepa grade (cold)": Case(grade, env, empty_cache),
            "openepa grade (warm, no .pyc)": Case(grade, no_pyc, keep),
        }
        for argv in ([sys.executable, "-c", "pass"], grade, check):
            run_once(argv, env)  # fills the caches (data files, bytecode) for the warm rows
        walls, cpus = measure(cases, args.runs)
        print(f"{args.runs} calls each, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        print_table(walls, cpus)
        run_once(grade, env)
        import_offenders(["-m", "openepa", "grade", str(sheet)], env, args.top)
        if args.instructions:
            run_once(grade, env)
            instructions(cases)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
