"""Registering many apprentices from one CSV file: the columns, and the checks of each row
that need no database (issue 4 item 5). The rules are those of the registration page
(`openepa.domain.registration`, `openepa.domain.uln`); this module adds only what a file
brings: column names, text to dates and yes/no, and the same ULN on two rows.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first apprentice
row 2. Dates are ISO `YYYY-MM-DD` or `DD/MM/YYYY` (how spreadsheets in the UK export them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from openepa.domain.registration import (
    Problem,
    date_problems,
    interaction_mode_problems,
    name_problem,
    original_start_problem,
)
from openepa.domain.uln import validate_uln

#: The columns of the file, in the template's order, with what each holds.
COLUMNS: dict[str, str] = {
    "uln": "Unique learner number: 10 digits with its check digit",
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth, YYYY-MM-DD or DD/MM/YYYY",
    "email": "Email address (may be blank)",
    "employer": "The employer's name as OpenEPA knows it",
    "provider": "The training provider's name (required when an EPAO admin uploads)",
    "start_date": "Apprenticeship start date",
    "planned_end_date": "Planned end date",
    "face_to_face": "yes if the apprentice deals with customers face to face",
    "non_facing": "yes if the apprentice deals with customers by phone, email, chat",
    "ehcp": "yes if they have an education, health and care plan or legacy statement",
    "bsl": "yes if British Sign Language is their primary language",
    "original_start_date": "Restarts only: when the apprenticeship first started",
    "english_in_training_plan": "yes if the employer keeps English in the training plan",
    "maths_in_training_plan": "yes if the employer keeps maths in the training plan",
}
#: Yes/no columns; the optional ones (all but the interaction modes) are "no" when blank
#: or absent, as on the registration page.
FLAG_COLUMNS = (
    "face_to_face",
    "non_facing",
    "ehcp",
    "bsl",
    "english_in_training_plan",
    "maths_in_training_plan",
)
REQUIRED_COLUMNS = (
    "uln",
    "given_name",
    "family_name",
    "date_of_birth",
    "employer",
    "start_date",
    "planned_end_date",
    "face_to_face",
    "non_facing",
)
LABELS = {
    "uln": "ULN",
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "email": "Email address",
    "employer": "Employer",
    "provider": "Training provider",
    "start_date": "Start date",
    "planned_end_date": "Planned end date",
    "face_to_face": "Face to face",
    "non_facing": "Non facing",
    "ehcp": "EHCP",
    "bsl": "BSL",
    "original_start_date": "Original start date",
    "english_in_training_plan": "English in training plan",
    "maths_in_training_plan": "Maths in training plan",
    "row": "Row",
}
#: Each column's heading as the template and the pages write it (column_key reads it back).
HEADINGS = {key: LABELS[key] for key in COLUMNS} | {
    "email": "Email",
    "provider": "Provider",
    "start_date": "Start date",
}
#: The row the CSV template shows as an example (HESA's worked-example ULN).
EXAMPLE_ROW = {
    "uln": "9276308686",
    "given_name": "Grace",
    "family_name": "Hopper",
    "date_of_birth": "2006-12-09",
    "email": "grace.hopper@example.org",
    "employer": "Harbour Bank",
    "provider": "Coastal Training",
    "start_date": "2025-02-03",
    "planned_end_date": "2026-03-31",
    "face_to_face": "yes",
    "non_facing": "no",
    "ehcp": "no",
    "bsl": "no",
    "original_start_date": "",
    "english_in_training_plan": "no",
    "maths_in_training_plan": "no",
}
FIRST_DATA_ROW = 2  # row 1 is the header

_YES = frozenset({"yes", "y", "true", "1", "x"})
_NO = frozenset({"no", "n", "false", "0", ""})
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def column_key(heading: str) -> str:
    """`Date of birth`, `date-of-birth` and ` DATE_OF_BIRTH ` all name `date_of_birth`;
    `Face-to-face` names `face_to_face`."""
    return re.sub(r"[\s\-]+", "_", heading.strip().lstrip("\ufeff").casefold())


@dataclass(frozen=True)
class Header:
    """Where each known column is in the file, or why the header cannot be used."""

    positions: dict[str, int]
    width: int  # how many headings, blank ones included
    problems: tuple[str, ...]


def read_header(headings: Sequence[str]) -> Header:
    """Every required column present, none twice, none unknown (a misspelt `non_facing`
    would otherwise read as "no" on every row). Blank headings (trailing commas a
    spreadsheet adds) are ignored."""
    positions: dict[str, int] = {}
    problems = []
    for index, heading in enumerate(headings):
        key = column_key(heading)
        if not key:
            continue
        if key not in COLUMNS:
            problems.append(f"Unknown column “{heading.strip()}”.")
        elif key in positions:
            problems.append(f"Column “{HEADINGS[key]}” appears twice.")
        else:
            positions[key] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        problems.append("Missing columns: " + ", ".join(HEADINGS[c] for c in missing) + ".")
    if problems:
        problems.append(
            "The columns are: " + ", ".join(HEADINGS.values()) + " (see the CSV template)."
        )
    return Header(positions, len(headings), tuple(problems))


@dataclass(frozen=True)
class RowData:
    """One valid row, typed: what a registration needs apart from the organisations'
    records, which the database resolves from `employer` and `provider`."""

    uln: str
    given_name: str
    family_name: str
    date_of_birth: date
    email: str
    employer: str
    provider: str
    start_date: date
    planned_end_date: date
    face_to_face: bool
    non_facing: bool
    ehcp: bool
    bsl: bool
    english_in_training_plan: bool = False
    maths_in_training_plan: bool = False
    original_start_date: date | None = None


@dataclass
class Row:
    """One row of the file: its number, its text, the typed data when every check of the
    file passed, and every problem found (by this module and by the database checks)."""

    number: int
    values: dict[str, str]
    data: RowData | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def name(self) -> str:
        return f"{self.values.get('given_name', '')} {self.values.get('family_name', '')}".strip()


def parse_date(text: str) -> date | None:
    """`YYYY-MM-DD`, or `DD/MM/YYYY` as UK spreadsheets export dates; None when neither or
    not a real day. Two-digit years are refused: 01/02/07 could be 1907 or 2007."""
    text = text.strip()
    try:
        if _ISO.fullmatch(text):
            return date.fromisoformat(text)
        uk = _UK.fullmatch(text)
        if uk:
            day, month, year = (int(g) for g in uk.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def parse_flag(text: str) -> bool | None:
    """yes/no (also y/n, true/false, 1/0, x for ticked); blank is no; None otherwise."""
    value = text.strip().casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def check_row(number: int, cells: Sequence[str], header: Header, *, provider_required: bool) -> Row:
    """Every check of one row that needs no database, each problem naming its column.
    The same rules as the registration page: ULN (ESFA ILR rules DD01, ULN_04), names,
    dates (seed 002/003 ages, start before planned end), interaction modes (seeds
    001-003)."""
    values = {
        key: cells[i].strip() if i < len(cells) else "" for key, i in header.positions.items()
    }
    row = Row(number, values)
    if any(c.strip() for c in cells[header.width :]):
        row.problems.append(
            Problem("row", f"The row has {len(cells)} values; the header has {header.width}.")
        )
    uln_problem = validate_uln(values["uln"])
    if uln_problem:
        row.problems.append(Problem("uln", uln_problem))
    for key in ("given_name", "family_name"):
        problem = name_problem(values[key], label=LABELS[key])
        if problem:
            row.problems.append(Problem(key, problem))
    if not values["employer"]:
        row.problems.append(Problem("employer", "Employer is required."))
    if provider_required and not values.get("provider"):
        row.problems.append(
            Problem("provider", "Training provider is required when an EPAO admin uploads.")
        )
    dates = {
        key: _date(row, values, key) for key in ("date_of_birth", "start_date", "planned_end_date")
    }
    flags = {key: _flag(row, values, key) for key in FLAG_COLUMNS}
    birth, start, end = dates["date_of_birth"], dates["start_date"], dates["planned_end_date"]
    original = (
        _date(row, values, "original_start_date") if values.get("original_start_date") else None
    )
    if birth and start and end:
        row.problems.extend(
            date_problems(date_of_birth=birth, start_date=start, planned_end_date=end)
        )
    restart = start and original_start_problem(original_start_date=original, start_date=start)
    if isinstance(restart, Problem):
        row.problems.append(restart)
    face, non = flags["face_to_face"], flags["non_facing"]
    if face is not None and non is not None:
        row.problems.extend(interaction_mode_problems(face_to_face=face, non_facing=non))
    if row.problems or birth is None or start is None or end is None:
        return row
    if face is None or non is None:
        return row
    row.data = RowData(
        uln=values["uln"],
        given_name=values["given_name"],
        family_name=values["family_name"],
        date_of_birth=birth,
        email=values.get("email", ""),
        employer=values["employer"],
        provider=values.get("provider", ""),
        start_date=start,
        planned_end_date=end,
        face_to_face=face,
        non_facing=non,
        ehcp=bool(flags["ehcp"]),
        bsl=bool(flags["bsl"]),
        english_in_training_plan=bool(flags["english_in_training_plan"]),
        maths_in_training_plan=bool(flags["maths_in_training_plan"]),
        original_start_date=original,
    )
    return row


def _date(row: Row, values: Mapping[str, str], key: str) -> date | None:
    text = values.get(key, "")
    if not text:
        row.problems.append(Problem(key, f"{LABELS[key]} is required."))
        return None
    parsed = parse_date(text)
    if parsed is None:
        row.problems.append(
            Problem(key, f"{LABELS[key]} “{text}” is not a date as YYYY-MM-DD or DD/MM/YYYY.")
        )
    return parsed


def _flag(row: Row, values: Mapping[str, str], key: str) -> bool | None:
    text = values.get(key, "")
    parsed = parse_flag(text)
    if parsed is None:
        row.problems.append(Problem(key, f"Write yes or no in {HEADINGS[key]}, not “{text}”."))
    return parsed


def mark_duplicate_ulns(rows: Iterable[Row]) -> None:
    """A ULN on two rows of the file is an error on each, naming the rows (one enrolment
    per ULN and standard, issue 3 §3): registering the first would make the second a
    duplicate, and which one is right is for the user to say."""
    by_uln: dict[str, list[Row]] = {}
    for row in rows:
        uln = row.values.get("uln", "")
        if uln and validate_uln(uln) is None:
            by_uln.setdefault(uln, []).append(row)
    for uln, same in by_uln.items():
        if len(same) < 2:
            continue
        numbers = [r.number for r in same]
        listed = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
        for row in same:
            row.problems.append(Problem("uln", f"ULN {uln} is on rows {listed} of this file."))
            row.data = None
