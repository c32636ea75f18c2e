"""Assessors' diaries while a plan is being built: what each assessor already has on each
day (existing bookings and methods placed so far), and where a method could still start.

Used by the planners (greedy, the CP-SAT model's fixed parts, re-planning); the checker
keeps its own reading of the rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from openepa.scheduling.instance import GRID_MIN, IN_PERSON, Assessor, Instance, Method, Window


@dataclass(frozen=True)
class Slot:
    label: str
    start: int
    end: int
    region: str | None  # in-person work only: travel gaps apply


def on_grid(value: int) -> int:
    """The first grid time at or after `value`."""
    return -(-value // GRID_MIN) * GRID_MIN


class Diary:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.slots: dict[tuple[str, date], list[Slot]] = defaultdict(list)
        #: the day each method is on: existing bookings and placements so far
        self.days: dict[str, date] = {}
        self.load: dict[str, int] = defaultdict(int)
        for e in instance.existing:
            region = e.region if e.mode == IN_PERSON else None
            self.slots[(e.assessor, e.day)].append(Slot(e.method, e.start, e.end, region))
            self.days[e.method] = e.day

    def add(self, method: Method, assessor: str, day: date, start: int) -> None:
        region = method.region if method.in_person else None
        self.slots[(assessor, day)].append(Slot(method.id, start, start + method.duration, region))
        self.days[method.id] = day
        self.load[assessor] += 1

    def remove(self, method: Method, assessor: str, day: date) -> None:
        self.slots[(assessor, day)] = [
            s for s in self.slots[(assessor, day)] if s.label != method.id
        ]
        self.days.pop(method.id, None)
        self.load[assessor] -= 1

    def room(self, assessor: Assessor, day: date, duration: int) -> bool:
        """The daily count and minutes limits leave room for one more of `duration`."""
        slots = self.slots.get((assessor.id, day), [])
        used = sum(s.end - s.start for s in slots)
        return len(slots) < assessor.max_per_day and used + duration <= assessor.max_minutes_per_day

    def blocked(self, assessor: str, day: date, method: Method) -> list[tuple[int, int]]:
        """Stretches where `method` may not run: other bookings, widened by the travel
        needed between in-person work in different regions."""
        out = []
        travel = self.instance.travel
        for s in self.slots.get((assessor, day), []):
            before = after = 0
            if method.in_person and s.region is not None and s.region != method.region:
                assert method.region is not None
                before = travel[method.region][s.region]
                after = travel[s.region][method.region]
            out.append((s.start - before, s.end + after))
        return out

    def first_start(
        self, assessor: Assessor, day: date, method: Method, prefer: int | None = None
    ) -> int | None:
        """The earliest grid start (or `prefer`, when it fits) inside one window."""
        if not self.room(assessor, day, method.duration):
            return None
        blocks = self.blocked(assessor.id, day, method)
        windows = assessor.windows_on(day)
        if prefer is not None and any(
            self._fits(w, prefer, method.duration, blocks) for w in windows
        ):
            return prefer
        for w in windows:
            start = self._earliest_in(w, method.duration, blocks)
            if start is not None:
                return start
        return None

    @staticmethod
    def _fits(w: Window, start: int, duration: int, blocks: list[tuple[int, int]]) -> bool:
        if start % GRID_MIN or start < w.start or start + duration > w.end:
            return False
        return all(start >= end or start + duration <= begin for begin, end in blocks)

    @staticmethod
    def _earliest_in(w: Window, duration: int, blocks: list[tuple[int, int]]) -> int | None:
        start = on_grid(w.start)
        moved = True
        while moved and start + duration <= w.end:
            moved = False
            for begin, end in blocks:
                if start < end and start + duration > begin:
                    start = on_grid(end)
                    moved = True
        return start if start + duration <= w.end else None
