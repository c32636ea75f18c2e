"""The scheduling instance: its types and the reading of its published JSON format.

Every refusal is an `InstanceError` naming the JSON field (`methods[3].eligible`) and the
rule it breaks, so that `openepa schedule` can say exactly what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

#: Start times sit on a five-minute grid (issue 19, "Input").
GRID_MIN = 5
IN_PERSON = "in_person"
REMOTE = "remote"
MODES = (IN_PERSON, REMOTE)
DEFAULT_TIME_LIMIT_S = 60.0
MAX_TIME_LIMIT_S = 3600.0

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class InstanceError(Exception):
    """An instance (or a plan) that cannot be read: `where` is the JSON field, `rule` the
    rule it breaks."""

    def __init__(self, where: str, rule: str) -> None:
        super().__init__(f"{where}: {rule}")
        self.where = where
        self.rule = rule


@dataclass(frozen=True)
class Window:
    """An assessor's available time on one day, in minutes after midnight."""

    day: date
    start: int
    end: int


@dataclass(frozen=True)
class Assessor:
    id: str
    home_region: str
    regions: frozenset[str]
    remote: bool
    max_per_day: int
    max_minutes_per_day: int
    available: tuple[Window, ...]
    conflicts: frozenset[str]

    def windows_on(self, day: date) -> list[Window]:
        return [w for w in self.available if w.day == day]


@dataclass(frozen=True)
class Preferred:
    day: date
    start: int | None


@dataclass(frozen=True)
class Method:
    id: str
    apprentice: str
    method: str
    duration: int
    mode: str
    region: str | None
    earliest: date
    latest: date
    after: str | None
    eligible: tuple[str, ...]
    preferred: tuple[Preferred, ...] = ()

    @property
    def in_person(self) -> bool:
        return self.mode == IN_PERSON


@dataclass(frozen=True)
class Existing:
    """A booking already made: it occupies time and counts towards the daily limits, and
    is never moved. Its place is optional; when given as in person in a region, travel
    gaps apply to it as to any in-person method."""

    method: str
    assessor: str
    day: date
    start: int
    duration: int
    mode: str | None = None
    region: str | None = None

    @property
    def end(self) -> int:
        return self.start + self.duration


@dataclass(frozen=True)
class Instance:
    policy: str
    start: date
    end: date
    time_limit_s: float
    travel: Mapping[str, Mapping[str, int]]
    assessors: Mapping[str, Assessor]
    methods: Mapping[str, Method]
    existing: tuple[Existing, ...] = ()
    #: index of each method id in the input, so plans list methods in the input's order
    order: Mapping[str, int] = field(default_factory=dict)
    #: the methods that must come after each method (`after` read backwards)
    followers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def round_trip(self, assessor: Assessor, region: str) -> int:
        """Travel minutes for one in-person assessment: from the assessor's home region to
        the method's region and back (issue 19, "Input")."""
        return self.travel[assessor.home_region][region] + self.travel[region][assessor.home_region]

    def can_assess(self, assessor: Assessor, method: Method) -> bool:
        """Eligible, no conflict with the apprentice, and able to attend: covers the region
        in person, or works remotely. `eligible` does not already account for the last."""
        if assessor.id not in method.eligible or method.apprentice in assessor.conflicts:
            return False
        if method.in_person:
            return method.region in assessor.regions
        return assessor.remote


def minutes(text: str) -> int:
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def clock(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


# --- reading -------------------------------------------------------------------------


def _obj(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise InstanceError(where, "must be an object")
    return value


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise InstanceError(where, "must be a list")
    return value


def _req(data: dict[str, object], key: str, where: str) -> object:
    if key not in data:
        raise InstanceError(f"{where}.{key}" if where else key, "is required")
    return data[key]


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _str(data: dict[str, object], key: str, where: str) -> str:
    value = _req(data, key, where)
    if not isinstance(value, str) or not value.strip():
        raise InstanceError(_path(where, key), "must be a non-empty string")
    return value


def _int(data: dict[str, object], key: str, where: str, low: int, high: int) -> int:
    value = _req(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InstanceError(_path(where, key), f"must be a whole number from {low} to {high}")
    return value


def _bool(data: dict[str, object], key: str, where: str) -> bool:
    value = _req(data, key, where)
    if not isinstance(value, bool):
        raise InstanceError(_path(where, key), "must be true or false")
    return value


def _date(value: object, where: str) -> date:
    if not isinstance(value, str) or not _DATE.match(value):
        raise InstanceError(where, "must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InstanceError(where, "must be a date written YYYY-MM-DD") from None


def _time(value: object, where: str) -> int:
    if not isinstance(value, str) or not _TIME.match(value):
        raise InstanceError(where, "must be a time written HH:MM (24-hour)")
    return minutes(value)


def _in_horizon(day: date, where: str, start: date, end: date) -> date:
    if not start <= day <= end:
        raise InstanceError(
            where, f"must fall inside the horizon ({start.isoformat()} to {end.isoformat()})"
        )
    return day


def _ids(items: list[object], where: str) -> list[str]:
    out: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise InstanceError(f"{where}[{i}]", "must be a non-empty string")
        out.append(item)
    return out


def read_travel(raw: object) -> dict[str, dict[str, int]]:
    rows = _obj(raw, "regions")
    if not rows:
        raise InstanceError("regions", "must name at least one region")
    names = set(rows)
    travel: dict[str, dict[str, int]] = {}
    for name, row in rows.items():
        where = f"regions.{name}"
        row = _obj(row, where)
        if set(row) != names:
            missing = sorted(names - set(row))
            extra = sorted(set(row) - names)
            detail = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(extra)}"
            raise InstanceError(where, f"must give the travel minutes to every region ({detail})")
        travel[name] = {to: _int(row, to, where, 0, 24 * 60) for to in row}
    return travel


def _read_assessor(
    raw: object, where: str, travel: Mapping[str, object], start: date, end: date
) -> Assessor:
    data = _obj(raw, where)
    home = _str(data, "home_region", where)
    if home not in travel:
        raise InstanceError(f"{where}.home_region", "must be one of the regions")
    regions = _ids(_list(_req(data, "regions", where), f"{where}.regions"), f"{where}.regions")
    for i, region in enumerate(regions):
        if region not in travel:
            raise InstanceError(f"{where}.regions[{i}]", "must be one of the regions")
    windows: list[Window] = []
    for i, slot in enumerate(_list(_req(data, "available", where), f"{where}.available")):
        at = f"{where}.available[{i}]"
        slot = _obj(slot, at)
        day = _in_horizon(_date(_req(slot, "date", at), f"{at}.date"), f"{at}.date", start, end)
        begin = _time(_req(slot, "start", at), f"{at}.start")
        finish = _time(_req(slot, "end", at), f"{at}.end")
        if finish <= begin:
            raise InstanceError(f"{at}.end", "must be later than start")
        windows.append(Window(day, begin, finish))
    conflicts = data.get("conflicts", [])
    return Assessor(
        id=_str(data, "id", where),
        home_region=home,
        regions=frozenset(regions),
        remote=_bool(data, "remote", where),
        max_per_day=_int(data, "max_per_day", where, 0, 100),
        max_minutes_per_day=_int(data, "max_minutes_per_day", where, 0, 24 * 60),
        available=tuple(sorted(windows, key=lambda w: (w.day, w.start))),
        conflicts=frozenset(_ids(_list(conflicts, f"{where}.conflicts"), f"{where}.conflicts")),
    )


@dataclass(frozen=True)
class _Read:
    """What the methods and existing bookings are checked against while reading."""

    start: date
    end: date
    travel: Mapping[str, Mapping[str, int]]
    assessors: Mapping[str, Assessor]


def _read_method(raw: object, where: str, inst: _Read) -> Method:
    data = _obj(raw, where)
    start, end = inst.start, inst.end
    mode = _str(data, "mode", where)
    if mode not in MODES:
        raise InstanceError(f"{where}.mode", "must be in_person or remote")
    region = data.get("region")
    if mode == IN_PERSON:
        region = _str(data, "region", where)
        if region not in inst.travel:
            raise InstanceError(f"{where}.region", "must be one of the regions")
    elif region is not None and (not isinstance(region, str) or region not in inst.travel):
        raise InstanceError(f"{where}.region", "must be one of the regions or null")
    earliest = _in_horizon(
        _date(_req(data, "earliest", where), f"{where}.earliest"), f"{where}.earliest", start, end
    )
    latest = _in_horizon(
        _date(_req(data, "latest", where), f"{where}.latest"), f"{where}.latest", start, end
    )
    if latest < earliest:
        raise InstanceError(f"{where}.latest", "must not be before earliest")
    after = data.get("after")
    if after is not None and (not isinstance(after, str) or not after.strip()):
        raise InstanceError(f"{where}.after", "must be a method id or null")
    eligible_raw = data.get("eligible")
    if eligible_raw is None:
        raise InstanceError(f"{where}.eligible", "is required: the assessors who may assess it")
    eligible = _ids(_list(eligible_raw, f"{where}.eligible"), f"{where}.eligible")
    if not eligible:
        raise InstanceError(f"{where}.eligible", "must list at least one assessor")
    for i, a in enumerate(eligible):
        if a not in inst.assessors:
            raise InstanceError(f"{where}.eligible[{i}]", f"names an unknown assessor {a!r}")
    preferred: list[Preferred] = []
    for i, pref in enumerate(_list(data.get("preferred", []), f"{where}.preferred")):
        at = f"{where}.preferred[{i}]"
        pref = _obj(pref, at)
        day = _in_horizon(_date(_req(pref, "date", at), f"{at}.date"), f"{at}.date", start, end)
        begin = _time(pref["start"], f"{at}.start") if pref.get("start") is not None else None
        preferred.append(Preferred(day, begin))
    return Method(
        id=_str(data, "id", where),
        apprentice=_str(data, "apprentice", where),
        method=_str(data, "method", where),
        duration=_int(data, "duration_min", where, 1, 24 * 60),
        mode=mode,
        region=region,
        earliest=earliest,
        latest=latest,
        after=after,
        eligible=tuple(dict.fromkeys(eligible)),
        preferred=tuple(preferred),
    )


def _read_existing(raw: object, where: str, inst: _Read) -> Existing:
    data = _obj(raw, where)
    assessor = _str(data, "assessor", where)
    if assessor not in inst.assessors:
        raise InstanceError(f"{where}.assessor", f"names an unknown assessor {assessor!r}")
    day = _in_horizon(
        _date(_req(data, "date", where), f"{where}.date"),
        f"{where}.date",
        inst.start,
        inst.end,
    )
    mode = data.get("mode")
    if mode is not None and (not isinstance(mode, str) or mode not in MODES):
        raise InstanceError(f"{where}.mode", "must be in_person, remote or null")
    region = data.get("region")
    if region is not None and (not isinstance(region, str) or region not in inst.travel):
        raise InstanceError(f"{where}.region", "must be one of the regions or null")
    start = _time(_req(data, "start", where), f"{where}.start")
    duration = _int(data, "duration_min", where, 1, 24 * 60)
    if start + duration > 24 * 60:
        raise InstanceError(f"{where}.duration_min", "must end by midnight")
    return Existing(_str(data, "method", where), assessor, day, start, duration, mode, region)


def _unique(ids: list[str], where: str, key: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            raise InstanceError(f"{where}[{i}].{key}", f"repeats the id {value!r}")
        seen.add(value)


def _check_after(methods: dict[str, Method], existing: set[str], where: dict[str, int]) -> None:
    for m in methods.values():
        if m.after is None:
            continue
        at = f"methods[{where[m.id]}].after"
        if m.after == m.id:
            raise InstanceError(at, "must not name the method itself")
        if m.after not in methods and m.after not in existing:
            raise InstanceError(at, f"names an unknown method {m.after!r}")
    for m in methods.values():
        seen = [m.id]
        current = m.after
        while current is not None and current in methods:
            if current in seen:
                cycle = " → ".join([*seen[seen.index(current) :], current])
                raise InstanceError(
                    f"methods[{where[m.id]}].after",
                    f"makes a cycle ({cycle}): nothing could go first",
                )
            seen.append(current)
            current = methods[current].after


def read_instance(raw: object) -> Instance:
    """Read and validate an instance in the published JSON format (issue 19, "Input")."""
    data = _obj(raw, "instance")
    policy = _str(data, "policy", "")
    horizon = _obj(_req(data, "horizon", ""), "horizon")
    start = _date(_req(horizon, "start", "horizon"), "horizon.start")
    end = _date(_req(horizon, "end", "horizon"), "horizon.end")
    if end < start:
        raise InstanceError("horizon.end", "must not be before horizon.start")
    if (end - start).days > 366:
        raise InstanceError("horizon.end", "must be at most a year after horizon.start")
    limit = data.get("time_limit_s", DEFAULT_TIME_LIMIT_S)
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int | float)
        or not 0 < limit <= MAX_TIME_LIMIT_S
    ):
        raise InstanceError(
            "time_limit_s",
            f"must be a number of seconds above 0 and at most {MAX_TIME_LIMIT_S:.0f}",
        )
    travel = read_travel(_req(data, "regions", ""))
    raw_assessors = _list(_req(data, "assessors", ""), "assessors")
    assessors = [
        _read_assessor(a, f"assessors[{i}]", travel, start, end)
        for i, a in enumerate(raw_assessors)
    ]
    _unique([a.id for a in assessors], "assessors", "id")
    inst = _Read(start, end, travel, {a.id: a for a in assessors})
    raw_existing = _list(data.get("existing", []), "existing")
    existing = [_read_existing(e, f"existing[{i}]", inst) for i, e in enumerate(raw_existing)]
    _unique([e.method for e in existing], "existing", "method")
    raw_methods = _list(_req(data, "methods", ""), "methods")
    methods = [_read_method(m, f"methods[{i}]", inst) for i, m in enumerate(raw_methods)]
    _unique([m.id for m in methods], "methods", "id")
    booked = {e.method for e in existing}
    for i, m in enumerate(methods):
        if m.id in booked:
            raise InstanceError(f"methods[{i}].id", f"{m.id!r} is already booked in existing")
    order = {m.id: i for i, m in enumerate(methods)}
    by_id = {m.id: m for m in methods}
    _check_after(by_id, booked, order)
    return Instance(
        policy=policy,
        start=start,
        end=end,
        time_limit_s=float(limit),
        travel=travel,
        assessors=inst.assessors,
        methods=by_id,
        existing=tuple(existing),
        order=order,
        followers=_followers(methods),
    )


def _followers(methods: list[Method]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for m in methods:
        if m.after is not None:
            out.setdefault(m.after, []).append(m.id)
    return {k: tuple(v) for k, v in out.items()}
