"""Whether an assessor may be allocated to an assessment on a given day (seed 003 §6, §9).

The assessment plan for ST0072 (seed 003) sets the assessor requirements for every EPAO
alike; the three EPAOs' documents (seeds 000, 002, 004) say nothing different, so the
thresholds are the standard's rule, kept here in one place (ASSESSMENT_PLAN) rather than
in each EPAO's policy file. Pure functions: no database, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from openepa.domain.dates import add_months, long_date


class Qualification(StrEnum):
    """Seed 003 §6: "hold or working towards a qualification to undertake assessment and
    verification activity (i.e. PGCE, Cert Ed or Assessor/Verifier qualifications) and/or
    have significant knowledge and expertise in providing consistent and appropriate
    judgements"."""

    NONE = "none"
    WORKING_TOWARDS = "working_towards"
    HELD = "held"
    EXPERTISE = "expertise"


#: Statuses that satisfy seed 003 §6's qualification requirement.
QUALIFYING = frozenset({Qualification.HELD, Qualification.WORKING_TOWARDS, Qualification.EXPERTISE})


@dataclass(frozen=True)
class Thresholds:
    """The numbers of the assessor requirements."""

    #: Seed 003 §6: "current occupational competence of 2 years or more".
    competence_years: int
    #: Seed 003 §9: "Standardisation meetings should be undertaken annually".
    standardisation_months: int


#: ST0072's assessment plan (seed 003 §6, §9); the EPAOs' documents add nothing stricter.
ASSESSMENT_PLAN = Thresholds(competence_years=2, standardisation_months=12)


@dataclass(frozen=True)
class Unavailable:
    """A period the assessor marked themselves unavailable (both days included)."""

    starts_on: date
    ends_on: date
    note: str = ""

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class AssessorFacts:
    """What the assessor profile records, as the rule reads it."""

    name: str
    competence_years: int
    qualification: Qualification
    #: Every standardisation event the assessor attended (attendance recorded).
    standardised_on: tuple[date, ...] = ()
    unavailable: tuple[Unavailable, ...] = field(default=())
    remote_capable: bool = True


def last_standardised(facts: AssessorFacts, on: date) -> date | None:
    """The latest standardisation attended on or before `on`: one attended after the
    assessment cannot have prepared the assessor for it."""
    before = [d for d in facts.standardised_on if d <= on]
    return max(before) if before else None


def standardised_until(last: date | None, thresholds: Thresholds = ASSESSMENT_PLAN) -> date | None:
    """The last assessment date a standardisation attended on `last` covers (seed 003 §9)."""
    return add_months(last, thresholds.standardisation_months) if last else None


def allocation_refusals(
    facts: AssessorFacts,
    *,
    on: date,
    remote: bool = False,
    thresholds: Thresholds = ASSESSMENT_PLAN,
) -> list[str]:
    """Every reason the assessor cannot be allocated to an assessment on `on`, in plain
    words naming the rule and its source; empty when they can.

    - occupational competence of at least `competence_years` years (seed 003 §6);
    - an assessor qualification held or being worked towards, or significant expertise in
      consistent judgements (seed 003 §6);
    - a standardisation event attended no more than `standardisation_months` months before
      the assessment (seed 003 §9: annually; §7: "participates in regular standardisation");
    - not marked unavailable that day (the assessor's availability calendar);
    - able to assess remotely when the assessment is remote (the assessor profile).
    """
    who = f"{facts.name} cannot be allocated"
    out: list[str] = []
    need = thresholds.competence_years
    if facts.competence_years < need:
        years = "year" if facts.competence_years == 1 else "years"
        out.append(
            f"{who}: {facts.competence_years} {years} of occupational competence recorded, "
            f"fewer than the {need} years the assessment plan requires (ST0072 assessment plan (IfATE) — §6)."
        )
    if facts.qualification not in QUALIFYING:
        out.append(
            f"{who}: holds no assessor qualification and is not working towards one "
            "(ST0072 assessment plan (IfATE) — §6: hold or work towards a qualification to undertake assessment, or have "
            "significant expertise in consistent judgements)."
        )
    last = last_standardised(facts, on)
    months = thresholds.standardisation_months
    if last is None:
        out.append(
            f"{who}: has attended no standardisation event on or before {long_date(on)} "
            f"(ST0072 assessment plan (IfATE) — §9: standardisation at least every {months} months)."
        )
    elif on > add_months(last, months):
        out.append(
            f"{who}: last standardisation attended on {long_date(last)}, more than {months} "
            f"months before {long_date(on)} (ST0072 assessment plan (IfATE) — §9: at least yearly)."
        )
    for period in facts.unavailable:
        if period.covers(on):
            span = (
                long_date(period.starts_on)
                if period.starts_on == period.ends_on
                else f"{long_date(period.starts_on)} to {long_date(period.ends_on)}"
            )
            note = f" ({period.note})" if period.note else ""
            out.append(f"{who}: marked unavailable on {span}{note}.")
            break
    if remote and not facts.remote_capable:
        out.append(
            f"{who}: not recorded as able to assess remotely, and this assessment is held "
            "remotely (assessor profile)."
        )
    return out
