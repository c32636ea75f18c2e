"""The CP-SAT model (OR-Tools) behind the optimiser (issue 16 §5 "Engine").

Decomposition. The month is split into parts: an apprentice's methods always share a part
(so the order between them, `after`, is a constraint of the part); apprentices go to the
region of their in-person work, in parts of at most PART_SIZE methods taken by window, and
apprentices with remote work only come last. The greedy plan is the warm start: all its
bookings are in the diary from the outset, and each part in turn takes its own out and is
solved against everything else, hinted with them. So a part always has the greedy
placements to fall back on (kept when the solver finds nothing better in time) and can
only improve on them; what an earlier part freed is there for the later ones.

Model of a part. A method's choice is an assessor, a day and a free stretch of that
assessor's day (an availability window less the fixed bookings, widened by the travel
time when those are in person in another region). The part's in-person work is all in one
region, so no travel is needed between its own methods, and methods packed back to back
from a stretch's first grid time, each rounded up to the 5-minute grid, fit exactly when
their rounded minutes fit the stretch: the model is a set of knapsacks rather than a
scheduling model, small enough to solve a month in a minute. Daily count and minutes limits
hold per assessor and day. Start times come afterwards (`_pack`).

Objective, weighted in this order: unplaced methods, days away from the target day (the
preferred date, else the first allowed), travel minutes, the largest assessor load. A
second, shorter solve per part keeps the placed count and lateness and minimises travel
alone; its proven bound is the part's travel bound.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ortools.sat.python import cp_model

from openepa.scheduling.diary import Diary, on_grid
from openepa.scheduling.greedy import CROWDED, first_day, unplaced_reason
from openepa.scheduling.instance import GRID_MIN, Instance, Method
from openepa.scheduling.plan import Assignment

W_UNPLACED = 1_000_000
W_LATE_DAY = 200
W_TRAVEL_MIN = 1
W_MAX_LOAD = 50
#: methods per part (an apprentice's methods are never split)
PART_SIZE = 300
DEBUG = False


@dataclass
class PartResult:
    name: str
    methods: int
    placed: int
    travel: int
    travel_bound: int
    status: str
    seconds: float


@dataclass
class Result:
    assignments: list[Assignment]
    parts: list[PartResult] = field(default_factory=list)

    @property
    def travel_bound(self) -> int:
        return sum(p.travel_bound for p in self.parts)


@dataclass(frozen=True)
class _Option:
    method: Method
    assessor: str
    day: date
    stretch: tuple[int, int]
    late: int
    travel: int
    #: on a day with in-person work in another region, in-person and remote work see
    #: different stretches (travel gaps apply to the first only): the day then takes one
    #: kind or the other, and its knapsacks are the kind's
    kind: str = ""


def parts_of(instance: Instance, methods: list[Method]) -> list[tuple[str, list[Method]]]:
    """An apprentice's methods stay in one part, so the order between them (`after`) is a
    constraint of the part. They go to the region of their in-person work; apprentices
    with none are the remote work, shared out last."""

    chains: dict[str, list[Method]] = defaultdict(list)
    for m in methods:
        chains[m.apprentice].append(m)
    by_region: dict[str, list[list[Method]]] = defaultdict(list)
    for chain in chains.values():
        region = next((m.region for m in chain if m.in_person and m.region), None)
        by_region[region or ""].append(chain)
    out: list[tuple[str, list[Method]]] = []
    for region in sorted(by_region, key=lambda r: (r == "", r)):
        # By window, in parts of at most PART_SIZE methods: small enough for the solver
        # to improve on the hint within its share of the time.
        ordered = sorted(by_region[region], key=lambda c: min((m.earliest, m.latest) for m in c))
        name = f"in person, {region}" if region else "remote"
        part: list[Method] = []
        number = 1
        for chain in ordered:
            if part and len(part) + len(chain) > PART_SIZE:
                out.append((f"{name} {number}", part))
                part, number = [], number + 1
            part.extend(chain)
        if part:
            out.append((f"{name} {number}", part))
    return out


def _stretches(diary: Diary, assessor_id: str, day: date, method: Method) -> list[tuple[int, int]]:
    """The free stretches of an assessor's day for `method`, from a grid time."""
    assessor = diary.instance.assessors[assessor_id]
    blocks = sorted(diary.blocked(assessor_id, day, method))
    out = []
    for w in assessor.windows_on(day):
        free = []
        cursor = w.start
        for begin, end in blocks:
            if end <= cursor:
                continue
            if begin >= w.end:
                break
            if begin > cursor:
                free.append((cursor, begin))
            cursor = max(cursor, end)
        if cursor < w.end:
            free.append((cursor, w.end))
        out += [(on_grid(b), e) for b, e in free if e - on_grid(b) >= GRID_MIN]
    return out


def _rounded(duration: int) -> int:
    return on_grid(duration)


def _day_range(
    instance: Instance, diary: Diary, m: Method, part: set[str]
) -> tuple[date, date] | None:
    """The days the method may take given the bookings outside its part: after the method
    it follows, before any method that follows it."""
    first: date | None = m.earliest
    if m.after is not None and m.after not in part:
        first = first_day(diary, m)
    if first is None:
        return None
    last = m.latest
    for other in instance.followers.get(m.id, ()):
        if other not in part and other in diary.days:
            last = min(last, diary.days[other] - timedelta(days=1))
    return (first, last) if first <= last else None


def _options(instance: Instance, diary: Diary, methods: list[Method]) -> list[_Option]:
    options: list[_Option] = []
    cache: dict[tuple[str, date, bool], list[tuple[int, int]]] = {}
    part = {m.id for m in methods}
    # The part's in-person work is all in one region; remote work needs no travel gap.
    in_person = next((m for m in methods if m.in_person), None)
    remote = next((m for m in methods if not m.in_person), None)

    def stretches(a_id: str, day: date, person: bool) -> list[tuple[int, int]]:
        key = (a_id, day, person)
        if key not in cache:
            probe = in_person if person else remote
            cache[key] = _stretches(diary, a_id, day, probe) if probe else []
        return cache[key]

    for m in methods:
        span = _day_range(instance, diary, m, part)
        if span is None:
            continue
        first, last = span
        target = next((p.day for p in m.preferred if first <= p.day <= last), first)
        for a_id in m.eligible:
            assessor = instance.assessors[a_id]
            if not instance.can_assess(assessor, m):
                continue
            travel = instance.round_trip(assessor, m.region) if m.in_person and m.region else 0
            day = first
            while day <= last:
                if diary.room(assessor, day, m.duration):
                    own = stretches(a_id, day, m.in_person)
                    other = stretches(a_id, day, not m.in_person)
                    kind = "" if own == other else ("in_person" if m.in_person else "remote")
                    late = abs((day - target).days)
                    for stretch in own:
                        if stretch[1] - stretch[0] >= m.duration:
                            options.append(_Option(m, a_id, day, stretch, late, travel, kind))
                day += timedelta(days=1)
    return options


def _solve_part(
    instance: Instance,
    diary: Diary,
    methods: list[Method],
    hint: dict[str, Assignment],
    deadline: float,
    workers: int,
) -> tuple[list[_Option], int, int, str]:
    """Returns the chosen options, the part's travel bound, the number of methods with at
    least one option, and the solver status."""
    options = _options(instance, diary, methods)
    if not options:
        return [], 0, 0, "empty"
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in options]
    by_method: dict[str, list[int]] = defaultdict(list)
    by_stretch: dict[tuple[str, date, str, tuple[int, int]], list[int]] = defaultdict(list)
    kinds: dict[tuple[str, date], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    by_day: dict[tuple[str, date], list[int]] = defaultdict(list)
    by_assessor: dict[str, list[int]] = defaultdict(list)
    for i, o in enumerate(options):
        by_method[o.method.id].append(i)
        by_stretch[(o.assessor, o.day, o.kind, o.stretch)].append(i)
        if o.kind:
            kinds[(o.assessor, o.day)][o.kind].append(i)
        by_day[(o.assessor, o.day)].append(i)
        by_assessor[o.assessor].append(i)
    placed: list[cp_model.IntVar] = []
    for idx in by_method.values():
        model.add_at_most_one(x[i] for i in idx)
        placed.extend(x[i] for i in idx)
    day_kind: dict[tuple[str, date], cp_model.IntVar] = {}
    for key, both in kinds.items():
        if len(both) == 2:
            day_kind[key] = y = model.new_bool_var("")  # true: the day takes in-person work
            for i in both["in_person"]:
                model.add_implication(x[i], y)
            for i in both["remote"]:
                model.add_implication(x[i], ~y)
    for (_, _, _, (begin, end)), idx in by_stretch.items():
        sizes = [_rounded(options[i].method.duration) for i in idx]
        if sum(sizes) > end - begin:
            model.add(sum(s * x[i] for s, i in zip(sizes, idx, strict=True)) <= end - begin)
    for (a_id, day), idx in by_day.items():
        assessor = instance.assessors[a_id]
        slots = diary.slots.get((a_id, day), [])
        count_left = assessor.max_per_day - len(slots)
        minutes_left = assessor.max_minutes_per_day - sum(s.end - s.start for s in slots)
        if len(idx) > count_left:
            model.add(sum(x[i] for i in idx) <= count_left)
        durations = [options[i].method.duration for i in idx]
        if sum(durations) > minutes_left:
            model.add(sum(d * x[i] for d, i in zip(durations, idx, strict=True)) <= minutes_left)
    horizon = (instance.end - instance.start).days + 2
    # A method followed by a booking outside the part (kept in place) must stay placed.
    part = {m.id for m in methods}
    for m in methods:
        if any(f not in part and f in diary.days for f in instance.followers.get(m.id, ())):
            if m.id not in by_method:
                return [], 0, len(by_method), "INFEASIBLE"
            model.add(sum(x[i] for i in by_method[m.id]) == 1)
    for m_id, idx in by_method.items():
        before = instance.methods[m_id].after
        if before is None or before not in by_method:
            if before is not None and before not in diary.days:
                model.add(sum(x[i] for i in idx) == 0)  # what must come first has no place
            continue
        pidx = by_method[before]
        model.add(sum(x[i] for i in idx) <= sum(x[i] for i in pidx))
        day_m = sum((options[i].day - instance.start).days * x[i] for i in idx)
        day_p = sum((options[i].day - instance.start).days * x[i] for i in pidx)
        model.add(day_m >= day_p + 1 - horizon * (1 - sum(x[i] for i in idx)))
    top = model.new_int_var(0, len(options) + max(diary.load.values(), default=0), "max_load")
    for a_id, idx in by_assessor.items():
        model.add(diary.load[a_id] + sum(x[i] for i in idx) <= top)
    n_placed = sum(placed)
    lateness = cp_model.LinearExpr.weighted_sum(x, [o.late for o in options])
    travel = cp_model.LinearExpr.weighted_sum(x, [o.travel for o in options])
    model.minimize(
        W_UNPLACED * (len(by_method) - n_placed)
        + W_LATE_DAY * lateness
        + W_TRAVEL_MIN * travel
        + W_MAX_LOAD * top
    )
    # A complete, feasible hint: the hint's placement where the model can express it,
    # nothing for a method where it cannot (nor for what must follow that method).
    hinted: dict[str, int] = {}
    for i, o in enumerate(options):
        h = hint.get(o.method.id)
        if (
            h
            and (h.assessor, h.day) == (o.assessor, o.day)
            and o.stretch[0] <= h.start < o.stretch[1]
        ):
            hinted[o.method.id] = i
    person_days = {
        (options[i].assessor, options[i].day)
        for i in hinted.values()
        if options[i].kind == "in_person"
    }
    for m_id, i in list(hinted.items()):
        if options[i].kind == "remote" and (options[i].assessor, options[i].day) in person_days:
            del hinted[m_id]
    for m_id in list(hinted):
        before = instance.methods[m_id].after
        while before is not None and before in by_method:
            if before not in hinted:
                hinted.pop(m_id, None)
                break
            before = instance.methods[before].after
    hinted_load: dict[str, int] = defaultdict(int)
    chosen_idx = set(hinted.values())
    for i, o in enumerate(options):
        model.add_hint(x[i], i in chosen_idx)
        hinted_load[o.assessor] += i in chosen_idx
    for (a_id, day), y in day_kind.items():
        model.add_hint(y, (a_id, day) in person_days)
    model.add_hint(top, max((diary.load[a] + hinted_load[a] for a in by_assessor), default=0))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    # The model is built: what is left of the part's time goes 70/30 to the two solves.
    solver.parameters.max_time_in_seconds = max(0.05, 0.7 * (deadline - time.perf_counter()))
    solver.parameters.log_search_progress = DEBUG
    solver.parameters.symmetry_level = 0
    solver.parameters.max_presolve_iterations = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], 0, len(by_method), solver.status_name(status)
    values = [solver.boolean_value(v) for v in x]
    found_placed = sum(values)
    found_late = sum(o.late for o, v in zip(options, values, strict=True) if v)
    found_travel = sum(o.travel for o, v in zip(options, values, strict=True) if v)
    # Second solve: same placed count and lateness, travel alone; its bound is the part's.
    model.clear_hints()  # type: ignore[no-untyped-call]
    for i, v in enumerate(values):
        model.add_hint(x[i], v)
    model.add(n_placed >= found_placed)
    model.add(lateness <= found_late)
    model.minimize(travel)
    second = cp_model.CpSolver()
    second.parameters.num_workers = workers
    second.parameters.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
    status2 = second.solve(model)
    bound = found_travel
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = int(-(-second.best_objective_bound // 1))
        if second.objective_value < found_travel:
            values = [second.boolean_value(v) for v in x]
    status_name = solver.status_name(status)
    chosen = [o for o, v in zip(options, values, strict=True) if v]
    return chosen, min(bound, found_travel), len(by_method), status_name


def _pack(instance: Instance, diary: Diary, chosen: list[_Option]) -> list[Assignment]:
    """Start times: each stretch's methods back to back from its first grid time, a
    preferred start honoured when the rest still fits after it."""
    per_stretch: dict[tuple[str, date, str, tuple[int, int]], list[_Option]] = defaultdict(list)
    for o in chosen:
        per_stretch[(o.assessor, o.day, o.kind, o.stretch)].append(o)
    out: list[Assignment] = []
    for (a_id, day, _, (begin, end)), opts in per_stretch.items():
        wishes = {
            o.method.id: next(
                (p.start for p in o.method.preferred if p.day == day and p.start is not None), None
            )
            for o in opts
        }
        opts.sort(key=lambda o: (wishes[o.method.id] is None, wishes[o.method.id] or 0))
        cursor = begin
        rest = sum(_rounded(o.method.duration) for o in opts)
        for o in opts:
            start = cursor
            wish = wishes[o.method.id]
            if wish is not None and wish % GRID_MIN == 0 and wish > cursor and wish + rest <= end:
                start = wish
            rest -= _rounded(o.method.duration)
            cursor = start + _rounded(o.method.duration)
            diary.add(o.method, a_id, day, start)
            out.append(Assignment(o.method.id, a_id, day, start))
    return out


def _reserved(
    instance: Instance, part: list[Method], hint: dict[str, Assignment]
) -> tuple[list[Assignment], list[Assignment]]:
    """The hint's placements of a part: those the model re-plans, and those it keeps as
    they are. A day that takes in-person and remote work of the part together cannot be
    expressed by the model when travel gaps apply to one kind only (see _Option.kind), so
    the remote work of such a day stays where the hint put it."""
    placed = [hint[m.id] for m in part if m.id in hint]
    in_person_days = {(a.assessor, a.day) for a in placed if instance.methods[a.method].in_person}
    pinned = [
        a
        for a in placed
        if not instance.methods[a.method].in_person and (a.assessor, a.day) in in_person_days
    ]
    kept = {a.method for a in pinned}
    return [a for a in placed if a.method not in kept], pinned


def _weight(
    instance: Instance, diary: Diary, part: list[Method], hint: dict[str, Assignment]
) -> int:
    """A part's claim on the time: its size, five times over when the hint leaves one of
    its methods unplaced for want of time (the unplaced come first in the objective)."""
    crowded = any(
        m.id not in hint and unplaced_reason(instance, m, diary.days).startswith(CROWDED)
        for m in part
    )
    return len(part) * (5 if crowded else 1)


def solve(
    instance: Instance,
    hint: list[Assignment],
    seconds: float,
    workers: int = 2,
    diary: Diary | None = None,
    methods: list[Method] | None = None,
) -> Result:
    """Plan `methods` (all by default) into `diary` within about `seconds`."""
    started = time.perf_counter()
    diary = diary if diary is not None else Diary(instance)
    todo = list(instance.methods.values()) if methods is None else methods
    by_method = {a.method: a for a in hint}
    # The hint's bookings hold their time until their own part is solved, so each part
    # can keep the hint's placements (a feasible start) and only improves on them.
    for a in hint:
        diary.add(instance.methods[a.method], a.assessor, a.day, a.start)
    parts = parts_of(instance, todo)
    weights = [_weight(instance, diary, part, by_method) for _, part in parts]
    left_weight = sum(weights) or 1
    result = Result([])
    for (name, part), weight in zip(parts, weights, strict=True):
        part_started = time.perf_counter()
        remaining = seconds - (part_started - started)
        share = remaining * weight / left_weight
        left_weight -= weight
        reserved, pinned = _reserved(instance, part, by_method)
        for a in reserved:
            diary.remove(instance.methods[a.method], a.assessor, a.day)
        pinned_ids = {a.method for a in pinned}
        free = [m for m in part if m.id not in pinned_ids]
        chosen: list[_Option] = []
        if remaining < 0.5:  # out of time: the hint's placements stand
            bound, status = 0, "not solved (time limit)"
        else:
            chosen, bound, _, status = _solve_part(
                instance, diary, free, by_method, part_started + share, workers
            )
        if status in ("OPTIMAL", "FEASIBLE", "empty") and len(chosen) >= len(reserved):
            placed = pinned + _pack(instance, diary, chosen)
        else:
            # No solution in time, or fewer placed than the hint: the hint's stand.
            placed = reserved + pinned
            for a in reserved:
                diary.add(instance.methods[a.method], a.assessor, a.day, a.start)
            bound = 0  # nothing proven about the hint's placements: 0 is a safe bound
        result.assignments.extend(placed)
        travel = sum(
            instance.round_trip(instance.assessors[a.assessor], m.region)
            for a in placed
            if (m := instance.methods[a.method]).in_person and m.region
        )
        result.parts.append(
            PartResult(
                name,
                len(part),
                len(placed),
                travel,
                bound,
                status,
                time.perf_counter() - part_started,
            )
        )
    return result
