"""The rules a registration must meet that need no database, shared by the registration
page and the CSV bulk registration so both refuse exactly the same things.

Each check returns the problems it finds as (field, message) pairs, naming the field in
the words of the registration form (the CSV template uses the same field names)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

#: Apprentices are 16 or older when their apprenticeship starts: the seeds' age bands at
#: the start are "16-18" and "19+" (seed 002, gateway requirements; seed 003, "Expected
#: Starts 16-18 / 19+"). A younger age is a mistyped date of birth or start date.
MIN_AGE_AT_START = 16
NAME_MAX_LENGTH = 100  # Apprentice.given_name / family_name


@dataclass(frozen=True)
class Problem:
    """One rule broken: the field (or CSV column) it concerns and the rule in plain words."""

    field: str
    message: str


def birthday(date_of_birth: date, age: int) -> date:
    """The day someone turns `age`; a 29 February birthday falls on 28 February in other
    years, as `openepa.domain.eligibility.age_on` counts it. (Plain arithmetic: a CSV
    file checks this 30,000 times.)"""
    year = date_of_birth.year + age
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def date_problems(
    *, date_of_birth: date, start_date: date, planned_end_date: date
) -> list[Problem]:
    """Date of birth before the start and the apprentice at least 16 at the start (seeds
    002 and 003: age bands at the start are 16-18 and 19+); the planned end after the
    start (an apprenticeship has a duration, seed 000 §2.1)."""
    problems = []
    if date_of_birth >= start_date:
        problems.append(Problem("date_of_birth", "Date of birth must be before the start date."))
    elif start_date < birthday(date_of_birth, MIN_AGE_AT_START):
        problems.append(
            Problem(
                "date_of_birth",
                f"The apprentice must be at least {MIN_AGE_AT_START} on the start date "
                f"(apprenticeships start at 16: ST0072 assessment plan (IfATE)); check the date of birth.",
            )
        )
    if planned_end_date <= start_date:
        problems.append(
            Problem("planned_end_date", "Planned end date must be after the start date.")
        )
    return problems


def interaction_mode_problems(*, face_to_face: bool, non_facing: bool) -> list[Problem]:
    """At least one interaction mode: it decides which observation criteria apply
    (S9.1–S9.3 face-to-face, S9.4–S9.6 non-facing; seeds 001, 002, 003)."""
    if face_to_face or non_facing:
        return []
    return [
        Problem(
            "face_to_face",
            "Choose at least one interaction mode: face-to-face, non-facing or both "
            "(it decides which observation criteria apply).",
        )
    ]


def name_problem(value: str, *, label: str) -> str | None:
    """A name is given, fits the record (100 characters) and has no control characters
    (tabs and line breaks pasted from a spreadsheet cell)."""
    name = value.strip()
    if not name:
        return f"{label} is required."
    if len(name) > NAME_MAX_LENGTH:
        return f"{label} must be at most {NAME_MAX_LENGTH} characters (this has {len(name)})."
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        return f"{label} must not contain control characters."
    return None


def same_name(a: str, b: str) -> bool:
    """Names compared as a person reads them: case, accents' composition and extra spaces
    do not count."""

    def canonical(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).casefold().split())

    return canonical(a) == canonical(b)


def identity_problem(
    *,
    uln: str,
    recorded_given: str,
    recorded_family: str,
    recorded_birth: date,
    given_name: str,
    family_name: str,
    date_of_birth: date,
) -> str | None:
    """A ULN identifies one learner for life (ESFA ILR, ULN): registering it again (on
    another standard) must name the same person. A different date of birth or name means
    the ULN or the person is wrong."""
    if recorded_birth != date_of_birth:
        return f"ULN {uln} belongs to an apprentice with a different date of birth; check the ULN."
    if not (same_name(recorded_given, given_name) and same_name(recorded_family, family_name)):
        # The recorded name is not repeated: it may belong to another provider's apprentice.
        return f"ULN {uln} belongs to an apprentice with a different name; check the ULN."
    return None


def original_start_problem(*, original_start_date: date | None, start_date: date) -> Problem | None:
    """A restart's original start is on or before this start: the national English and
    maths rule of 11 February 2025 counts the age at it (apprenticeship service help
    centre, "Changes to English and maths requirements")."""
    if original_start_date is not None and original_start_date > start_date:
        return Problem(
            "original_start_date",
            "The original start date must be on or before the start date: it is when a "
            "restarted apprenticeship first started.",
        )
    return None
