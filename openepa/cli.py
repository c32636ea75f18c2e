"""The `openepa` command: grade a marking sheet, check gateway eligibility, schedule
assessments, list the data.

Exit codes: 0 for a result (graded, incomplete, eligible or not, a plan even with unplaced
methods), 1 when `schedule --check` finds violations, 2 for invalid input with a message
naming the field and the rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from openepa.datafiles import DataFileError
from openepa.domain.eligibility import Eligibility, Requirement, check_gateway
from openepa.domain.grading import EpaResult, SheetError, method_result_fields
from openepa.domain.jsontypes import Json
from openepa.domain.sheet import grade_epa
from openepa.domain.standard import Level
from openepa.policies.loader import all_policies
from openepa.sheets import MarkingSheet, read_gateway_case, read_marking_sheet
from openepa.standards.loader import all_standards

if TYPE_CHECKING:
    from openepa.scheduling.instance import Instance
    from openepa.scheduling.plan import Plan

EXIT_VIOLATIONS = 1
EXIT_INVALID = 2
EXIT_BUG = 3


class InputError(Exception):
    pass


def _read_stdin() -> bytes:
    """Standard input's bytes (decoded by the caller, so that non-UTF-8 input gets a
    message); a text stream without bytes underneath (as tests substitute) is taken as is."""
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer.read() if buffer is not None else sys.stdin.read().encode("utf-8")


def _read_json(path: str) -> object:
    """The JSON document at `path` (or standard input for "-"), read as UTF-8. Input that
    is not UTF-8, not JSON, or nested too deeply to read is refused with a message (exit 2),
    never a traceback."""
    name = "standard input" if path == "-" else path
    try:
        raw = _read_stdin() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot be read: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 text (byte {exc.start + 1} cannot be read); save it as UTF-8"
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise InputError(f"{name}: not valid JSON: nested too deeply to read") from exc


def grade_json(sheet: MarkingSheet, result: EpaResult) -> dict[str, Json]:
    methods: dict[str, Json] = {}
    for method in sheet.standard.methods:
        if method.code in result.methods:
            methods[method.code.value] = method_result_fields(result.methods[method.code])
        else:
            methods[method.code.value] = {
                "grade": None,
                "attempt": None,
                "kind": None,
                "pass_met": 0,
                "pass_required": len(
                    sheet.standard.criteria_for(method.code, sheet.modes, Level.PASS)
                ),
                "distinction_met": 0,
                "distinction_required": method.distinction_required,
                "reasons": [f"no attempt of the {method.code.value} yet"],
            }
    return {
        "standard": sheet.standard.reference,
        "policy": sheet.policy.code,
        "methods": methods,
        "overall": result.overall.value,
        "capped": result.capped,
        "reasons": list(result.reasons),
    }


def _requirement_json(r: Requirement) -> dict[str, Json]:
    return {"requirement": r.code, "reason": r.reason, "source": r.source}


def eligibility_json(standard: str, policy: str, result: Eligibility) -> dict[str, Json]:
    return {
        "standard": standard,
        "policy": policy,
        "eligible": result.eligible,
        "unmet": [_requirement_json(r) for r in result.unmet],
        "met": [_requirement_json(r) for r in result.requirements if r.met],
        "days_on_programme": result.days_on_programme,
        "months_on_programme": result.months_on_programme,
        "age_at_start": result.age_at_start,
        "english_maths_required": result.english_maths_required,
        "english_maths_rule": result.english_maths_rule,
        "english_maths_why": result.english_maths_why,
        "english_required": result.english_required,
        "maths_required": result.maths_required,
    }


def cmd_grade(args: argparse.Namespace) -> dict[str, Json]:
    sheet = read_marking_sheet(_read_json(args.sheet))
    result = grade_epa(sheet.standard, sheet.policy, sheet.modes, sheet.attempts)
    return grade_json(sheet, result)


def cmd_check_gateway(args: argparse.Namespace) -> dict[str, Json]:
    standard, policy, case = read_gateway_case(_read_json(args.file))
    return eligibility_json(standard.reference, policy.code, check_gateway(standard, policy, case))


def cmd_standards(args: argparse.Namespace) -> dict[str, Json]:
    return {
        "standards": [
            {
                "reference": s.reference,
                "version": s.version,
                "title": s.title,
                "level": s.level,
                "methods": {
                    m.code.value: {
                        "pass": len(
                            [c for c in s.criteria if c.method == m.code and c.level == Level.PASS]
                        ),
                        "distinction": len(
                            [
                                c
                                for c in s.criteria
                                if c.method == m.code and c.level == Level.DISTINCTION
                            ]
                        ),
                        "distinction_required": m.distinction_required,
                    }
                    for m in s.methods
                },
            }
            for s in all_standards().values()
        ],
        "policies": [{"code": p.code, "name": p.name} for p in all_policies().values()],
    }


def cmd_demo(args: argparse.Namespace) -> dict[str, Json]:
    """Set up the configured database (DATABASE_URL, else the embedded SQLite file) and
    create the demo EPAO with `--apprentices` apprentices: a bigger set for benchmarks."""
    import os
    import time

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
    django.setup()
    from django.core.management import call_command

    from openepa.demo import do_seed_demo
    from openepa.enrolments.models import Enrolment
    from openepa.enrolments.queries import counts_by_state

    if args.apprentices < 1:
        raise InputError("--apprentices: must be at least 1")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference_data", verbosity=0)
    started = time.perf_counter()

    def say(message: str) -> None:
        if args.verbose:
            print(
                f"openepa demo: {time.perf_counter() - started:7.1f} s  {message}", file=sys.stderr
            )

    from openepa.demo.volume import VolumeError

    try:
        logins = do_seed_demo(apprentices=args.apprentices, seed=args.seed, fast=args.fast, say=say)
    except VolumeError as exc:
        raise InputError(str(exc)) from exc
    return {
        "apprentices": args.apprentices,
        "seconds": round(time.perf_counter() - started, 1),
        "states": {state.value: n for state, n in counts_by_state(Enrolment.objects.all()) if n},
        "logins": [login.email for login in logins],
    }


def cmd_check_demo(args: argparse.Namespace) -> dict[str, Json]:
    """Check a sample of the configured database's enrolments by the domain's rules
    (openepa.demo.check); exit 1 with the problems if any."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
    django.setup()
    from openepa.demo.check import check_demo

    if args.sample < 1:
        raise InputError("--sample: must be at least 1")
    checked = check_demo(args.sample, seed=args.seed)
    report = checked.as_dict()
    if checked.problems:
        violations = [{"message": p} for p in checked.problems]
        raise Violations({**report, "violations": violations}, checked.problems)
    return report


class Violations(Exception):
    """`schedule --check` found violations: printed, then exit 1."""

    def __init__(self, output: dict[str, Json], messages: Sequence[str]) -> None:
        super().__init__("the plan breaks the instance's rules")
        self.output = output
        self.messages = messages


class PlanFailedCheck(Exception):
    """The engine's plan broke a rule: a bug, reported instead of printing the plan."""


def cmd_schedule(args: argparse.Namespace) -> dict[str, Json]:
    """Plan the instance (or check a plan against it); the engine is imported here so the
    other commands never load the solver."""
    from openepa.scheduling.check import check_plan
    from openepa.scheduling.engine import PlanRejected, schedule
    from openepa.scheduling.instance import InstanceError, read_instance
    from openepa.scheduling.plan import plan_json, read_plan

    try:
        instance = read_instance(_read_json(args.instance))
        if instance.policy not in all_policies():
            raise InstanceError("policy", f"must be one of {', '.join(sorted(all_policies()))}")
        if args.check is not None:
            plan = read_plan(_read_json(args.check))
            violations = check_plan(instance, plan)
            output: dict[str, Json] = {
                "violations": [
                    {"method": v.method, "rule": v.rule, "message": v.message} for v in violations
                ],
                "assignments": len(plan.assignments),
                "unplaced": len(plan.unplaced),
            }
            if violations:
                raise Violations(output, [v.message for v in violations])
            return output
        if args.cancel is not None and args.replan is None:
            raise InputError("--cancel: only with --replan PLAN.json, the plan to re-plan")
        if args.replan is not None:
            return _replan(instance, read_plan(_read_json(args.replan)), args.cancel)
        if args.time_limit is not None and not 0 < args.time_limit <= 3600:
            raise InputError("--time-limit: must be above 0 and at most 3600 seconds")
        return plan_json(schedule(instance, engine=args.engine, seconds=args.time_limit))
    except PlanRejected as exc:
        raise PlanFailedCheck(str(exc)) from exc
    except InstanceError as exc:
        raise InputError(f"invalid input: {exc.where}: {exc.rule}") from exc


def _replan(instance: Instance, plan: Plan, cancel: str | None) -> dict[str, Json]:
    from datetime import date

    from openepa.scheduling.check import check_plan
    from openepa.scheduling.plan import plan_json
    from openepa.scheduling.replan import replan

    assessor, _, day = (cancel or "").partition("@")
    if assessor not in instance.assessors:
        raise InputError("--cancel: must be ASSESSOR@YYYY-MM-DD naming an assessor of the instance")
    try:
        cancelled = date.fromisoformat(day)
    except ValueError:
        raise InputError("--cancel: the day must be written YYYY-MM-DD") from None
    before = check_plan(instance, plan)
    if before:
        raise InputError(f"--replan: the plan breaks the instance's rules: {before[0].message}")
    done = replan(instance, plan, assessor, cancelled)
    output = plan_json(done.plan)
    output["summary"] = {
        "displaced": done.displaced,
        "moved": done.moved,
        "unplaced_displaced": done.unplaced,
        "seconds": round(done.seconds, 2),
    }
    return output


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openepa", description="OpenEPA end-point assessment rules."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser(
        "grade", help="grade a marking sheet (JSON) and print the result as JSON"
    )
    grade.add_argument("sheet", help="path to the marking sheet, or - for standard input")
    grade.set_defaults(func=cmd_grade)
    gateway = sub.add_parser("check-gateway", help="check gateway eligibility (JSON in, JSON out)")
    gateway.add_argument("file", help="path to the gateway file, or - for standard input")
    gateway.set_defaults(func=cmd_check_gateway)
    sched = sub.add_parser(
        "schedule",
        help="propose an assessor, day and start time for each method of an instance (JSON)",
    )
    sched.add_argument("instance", help="path to the instance, or - for standard input")
    sched.add_argument(
        "--check", metavar="PLAN", help="check this plan against the instance instead"
    )
    sched.add_argument(
        "--engine", choices=["cp-sat", "greedy"], default="cp-sat", help="default cp-sat"
    )
    sched.add_argument(
        "--time-limit", type=float, metavar="S", help="seconds (default: the instance's)"
    )
    sched.add_argument(
        "--replan", metavar="PLAN", help="re-plan this plan after --cancel ASSESSOR@DATE"
    )
    sched.add_argument("--cancel", metavar="ASSESSOR@DATE", help="the day an assessor cancels")
    sched.set_defaults(func=cmd_schedule)
    standards = sub.add_parser("standards", help="list the loaded standards and EPAO policies")
    standards.set_defaults(func=cmd_standards)
    demo = sub.add_parser(
        "demo", help="create the demo EPAO in the configured database (idempotent)"
    )
    demo.add_argument("--apprentices", type=int, default=200, help="how many (default 200)")
    demo.add_argument("--seed", type=int, default=2026, help="the random seed (default 2026)")
    demo.add_argument(
        "--fast",
        action="store_true",
        help="replay 250 template apprentices and copy them in bulk for the rest "
        "(100,000 in minutes; into a new database)",
    )
    demo.add_argument("--verbose", action="store_true", help="say what --fast is writing")
    demo.set_defaults(func=cmd_demo)
    check_demo = sub.add_parser(
        "check-demo",
        help="check a sample of the demo's enrolments: timelines, grades, rows (exit 1 if not)",
    )
    check_demo.add_argument("--sample", type=int, default=500, help="how many (default 500)")
    check_demo.add_argument("--seed", type=int, default=1, help="the sample's random seed")
    check_demo.set_defaults(func=cmd_check_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        output = args.func(args)
    except InputError as exc:
        print(f"openepa: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except SheetError as exc:
        print(f"openepa: invalid input: {exc.where}: {exc.rule}", file=sys.stderr)
        return EXIT_INVALID
    except DataFileError as exc:
        print(f"openepa: a data file is invalid:\n{exc}", file=sys.stderr)
        return EXIT_INVALID
    except Violations as exc:
        json.dump(exc.output, sys.stdout, indent=2)
        sys.stdout.write("\n")
        for message in exc.messages:
            print(f"openepa: {message}", file=sys.stderr)
        return EXIT_VIOLATIONS
    except PlanFailedCheck as exc:
        print(f"openepa: internal error, the plan failed its own check: {exc}", file=sys.stderr)
        return EXIT_BUG
    json.dump(output, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
