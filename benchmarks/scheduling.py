"""Scheduling benchmark (issue 16, "Benchmark" S1–S5): seeded synthetic months scheduled by
the greedy planner and by the optimiser through the same engine as `openepa schedule`.

    .venv/bin/python benchmarks/scheduling.py                    # S1 size, seeds 1 2 3
    .venv/bin/python benchmarks/scheduling.py --apprentices 300 --assessors 20 --seeds 1
    .venv/bin/python benchmarks/scheduling.py --write 7 --apprentices 40 --assessors 6 > x.json

S1's month: 3,000 apprentices and 200 assessors, 20 working days, nine regions. Each
apprentice has three methods to book (the ST0072 showcase interview, 30 minutes; the
practical observation, 60; the professional discussion, 60, on a later day than the
observation): 9,000 methods. The observation is always in person, the discussion half
the time and the showcase interview three times in ten, so 60% of methods are in person.
A window is about 12 working days; each apprentice has about 6 eligible assessors, taken
from those who cover their region; 3% of assessor–provider pairs are conflicted (the
assessor lists every apprentice of that provider). Instances are generated from the seed
(random.Random(seed)), so the seeds are the committed instances; `--write` prints one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openepa.scheduling.check import check_plan  # noqa: E402
from openepa.scheduling.engine import schedule  # noqa: E402
from openepa.scheduling.greedy import CROWDED  # noqa: E402
from openepa.scheduling.instance import Instance, read_instance  # noqa: E402
from openepa.scheduling.plan import max_load, travel_minutes  # noqa: E402
from openepa.scheduling.replan import replan  # noqa: E402

START = date(2027, 1, 4)  # a Monday: four working weeks
WEEKS = 4
#: nine regions on a rough map (x, y in tens of miles); travel grows with distance
REGIONS = {
    "north-east": (6, 0),
    "north-west": (3, 1),
    "yorkshire": (6, 2),
    "east-midlands": (6, 4),
    "west-midlands": (4, 4),
    "east": (9, 5),
    "london": (7, 7),
    "south-east": (8, 8),
    "south-west": (2, 8),
}
PROVIDERS = 60


def _travel() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for a, (ax, ay) in REGIONS.items():
        out[a] = {}
        for b, (bx, by) in REGIONS.items():
            distance = ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5
            out[a][b] = 30 if a == b else int(round((30 + 22 * distance) / 5) * 5)
    return out


def _working_days() -> list[date]:
    return [
        START + timedelta(days=d)
        for d in range(WEEKS * 7)
        if (START + timedelta(days=d)).weekday() < 5
    ]


def _nearest(region: str, k: int) -> list[str]:
    x, y = REGIONS[region]
    others = sorted(
        (r for r in REGIONS if r != region),
        key=lambda r: (REGIONS[r][0] - x) ** 2 + (REGIONS[r][1] - y) ** 2,
    )
    return others[:k]


def generate(seed: int, apprentices: int = 3000, assessors: int = 200) -> dict[str, Any]:
    rng = random.Random(seed)
    days = _working_days()
    regions = list(REGIONS)
    people: list[dict[str, Any]] = []
    for i in range(assessors):
        home = regions[i % len(regions)]
        covers = [home, *_nearest(home, rng.choice([0, 1, 1, 2]))]
        available = []
        for day in days:
            if rng.random() < 0.72:
                if rng.random() < 0.2:
                    available.append({"date": day.isoformat(), "start": "09:00", "end": "12:30"})
                    available.append({"date": day.isoformat(), "start": "13:30", "end": "17:00"})
                else:
                    available.append({"date": day.isoformat(), "start": "09:00", "end": "17:00"})
        people.append(
            {
                "id": f"A{i + 1}",
                "home_region": home,
                "regions": covers,
                "remote": rng.random() < 0.75,
                "max_per_day": rng.choice([3, 3, 4, 4, 4]),
                "max_minutes_per_day": 420,
                "available": available,
                "conflicts": [],
                "_providers": {p for p in range(PROVIDERS) if rng.random() < 0.03},
            }
        )
    methods: list[dict[str, Any]] = []
    by_region = {r: [a for a in people if r in a["regions"]] for r in regions}
    for n in range(apprentices):
        ap = f"AP{n + 1}"
        provider = rng.randrange(PROVIDERS)
        region = rng.choice(regions)
        for a in people:
            if provider in a["_providers"]:
                a["conflicts"].append(ap)
        pool = by_region[region] or people
        eligible = [a["id"] for a in rng.sample(pool, min(6, len(pool)))]
        first = rng.randrange(0, 9)
        last = min(first + 11, len(days) - 1)
        plan = [
            ("showcase_interview", 30, rng.random() < 0.3, first, last, None),
            ("observation", 60, True, first, last - 1, None),
            ("discussion", 60, rng.random() < 0.5, first + 1, last, "observation"),
        ]
        ids = {kind: f"M{3 * n + k + 1}" for k, (kind, *_rest) in enumerate(plan)}
        for kind, minutes, in_person, lo, hi, after in plan:
            preferred = []
            if rng.random() < 0.3:
                day = days[rng.randint(lo, hi)]
                start = (
                    None
                    if rng.random() < 0.5
                    else f"{rng.randint(9, 15):02d}:{rng.choice(['00', '30'])}"
                )
                preferred.append({"date": day.isoformat(), "start": start})
            methods.append(
                {
                    "id": ids[kind],
                    "apprentice": ap,
                    "method": kind,
                    "duration_min": minutes,
                    "mode": "in_person" if in_person else "remote",
                    "region": region if in_person else None,
                    "earliest": days[lo].isoformat(),
                    "latest": days[hi].isoformat(),
                    "after": ids[after] if after else None,
                    "eligible": eligible,
                    "preferred": preferred,
                }
            )
    existing = []
    for a in people:
        del a["_providers"]
        for k in range(rng.choice([0, 0, 1, 2])):
            slot = rng.choice(a["available"]) if a["available"] else None
            if slot:
                existing.append(
                    {
                        "method": f"X{a['id']}-{k}",
                        "assessor": a["id"],
                        "date": slot["date"],
                        "start": slot["start"],
                        "duration_min": 60,
                    }
                )
    # one booking per assessor and day at most, so existing bookings never clash
    existing = list({(e["assessor"], e["date"]): e for e in reversed(existing)}.values())
    return {
        "policy": "nqual",
        "horizon": {"start": days[0].isoformat(), "end": days[-1].isoformat()},
        "time_limit_s": 60,
        "regions": _travel(),
        "assessors": people,
        "methods": methods,
        "existing": existing,
    }


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _run(instance: Instance, engine: str, seconds: float, workers: int) -> dict[str, Any]:
    parts: list[Any] = []
    wall, cpu = time.perf_counter(), _cpu()
    plan = schedule(instance, engine=engine, seconds=seconds, workers=workers, parts=parts)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    # S3: parts fully placed whose travel bound the solver proved (a part that kept the
    # greedy placements, or ran out of time, has none)
    proven = [p for p in parts if p.placed == p.methods and p.travel_bound > 0]
    return {
        "plan": plan,
        "placed": len(plan.assignments),
        # unplaced for want of time (the rest have no capable assessor available at all,
        # or follow such a method), the only ones an optimiser could recover
        "crowded": sum(1 for u in plan.unplaced if u.reason.startswith(CROWDED)),
        "travel": travel_minutes(instance, plan.assignments),
        "load": max_load(plan.assignments),
        "wall": wall,
        "cpu": cpu,
        "violations": len(check_plan(instance, plan)),
        "proven": f"{len(proven)}/{len(parts)}",
        "proven_gap": (
            sum(p.travel - p.travel_bound for p in proven) / sum(p.travel_bound for p in proven)
            if proven
            else None
        ),
        "max_part_gap": max(
            ((p.travel - p.travel_bound) / p.travel_bound for p in proven), default=None
        ),
        "engine": plan.summary["engine"],
    }


def _busiest_day(plan: Any) -> tuple[str, date]:
    counts: dict[tuple[str, date], int] = {}
    for a in plan.assignments:
        counts[(a.assessor, a.day)] = counts.get((a.assessor, a.day), 0) + 1
    return max(sorted(counts), key=lambda k: counts[k])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apprentices", type=int, default=3000)
    parser.add_argument("--assessors", type=int, default=200)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--seconds", type=float, default=60.0, help="optimiser time limit")
    parser.add_argument("--workers", type=int, default=2, help="solver threads")
    parser.add_argument("--write", type=int, metavar="SEED", help="print the instance of SEED")
    args = parser.parse_args()
    if args.write is not None:
        json.dump(generate(args.write, args.apprentices, args.assessors), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    print(
        f"{args.apprentices} apprentices, {args.assessors} assessors, "
        f"{args.seconds:.0f} s limit, {args.workers} solver threads"
    )
    head = (
        "| seed | engine | methods | placed % | unplaced (for want of time) | travel min | max load | wall s | "
        "CPU s | parts with a proven travel bound | gap to it (worst part) | violations |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    replans = []
    for seed in args.seeds:
        instance = read_instance(generate(seed, args.apprentices, args.assessors))
        n = len(instance.methods)
        for engine in ("greedy", "cp-sat"):
            r = _run(instance, engine, args.seconds, args.workers)
            gap = (
                f"{r['proven_gap']:.2%} ({r['max_part_gap']:.2%})"
                if r["proven_gap"] is not None
                else "–"
            )
            proven = r["proven"] if engine == "cp-sat" else "–"
            print(
                f"| {seed} | {r['engine']} | {n} | {100 * r['placed'] / n:.2f} | {n - r['placed']} ({r['crowded']}) | "
                f"{r['travel']} | {r['load']} | {r['wall']:.1f} | {r['cpu']:.1f} | {proven} | "
                f"{gap} | {r['violations']} |",
                flush=True,
            )
        assessor, day = _busiest_day(r["plan"])
        cpu = _cpu()
        done = replan(instance, r["plan"], assessor, day)
        replans.append(
            (seed, assessor, day, done, _cpu() - cpu, len(check_plan(done.instance, done.plan)))
        )
    print("\nS5: re-planning after the busiest assessor cancels their busiest day\n")
    print("| seed | cancelled | displaced | re-placed | moved | wall s | CPU s | violations |")
    print("|---|---|---|---|---|---|---|---|")
    for seed, assessor, day, done, cpu, violations in replans:
        print(
            f"| {seed} | {assessor} {day.isoformat()} | {done.displaced} | "
            f"{done.displaced - done.unplaced} | {done.moved} | {done.seconds:.2f} | {cpu:.2f} | "
            f"{violations} |"
        )


if __name__ == "__main__":
    main()
