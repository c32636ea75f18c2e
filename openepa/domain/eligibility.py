"""Gateway eligibility: may this apprentice pass through gateway into the EPA?

The result lists every unmet requirement with its reason and source, never just the first,
so a provider can fix everything in one go (seed 000 §2.2: "Apprentices will not be
accepted at EPA Gateway if the evidence required is not sufficiently met").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from openepa.domain.dates import days_on_programme, full_months_on_programme
from openepa.domain.in_force import ComparedWith, RuleVersion, long_date
from openepa.domain.policy import EnglishMathsRule, Policy
from openepa.domain.standard import Standard


class QualificationLevel(StrEnum):
    """Highest English or maths level achieved, lowest first."""

    NONE = "none"
    ENTRY_3 = "entry_3"
    LEVEL_1 = "level_1"
    LEVEL_2 = "level_2"

    @property
    def rank(self) -> int:
        return list(QualificationLevel).index(self)


class ShowcaseFormat(StrEnum):
    REPORT = "report"
    PRESENTATION = "presentation"


#: Evidence codes a gateway submission can carry, with the words the UI and reasons use.
EVIDENCE = {
    "gateway_meeting_record": "EPA gateway meeting record",
    "employer_sign_off": "employer sign-off that the apprentice is ready for EPA",
    "provider_sign_off": "training provider sign-off",
    "showcase_format_choice": "choice of showcase format (report or presentation)",
    "showcase_submission": "the apprentice showcase",
    "adjustment_request_form": "reasonable adjustment request form",
}


@dataclass(frozen=True)
class GatewayCase:
    start_date: date
    date_of_birth: date
    gateway_date: date
    english: QualificationLevel
    maths: QualificationLevel
    english_level_2_attempted: bool = False
    maths_level_2_attempted: bool = False
    #: Education, health and care plan or legacy statement (seed 000 §2.2, seed 004).
    ehcp: bool = False
    #: Holds a British Sign Language qualification, BSL being their primary language.
    bsl_qualification: bool = False
    adjustment_requested: bool = False
    showcase_format: ShowcaseFormat | None = None
    evidence: frozenset[str] = frozenset()
    #: The employer keeps English (and, separately, maths) in the training plan; each matters
    #: only for 19+ at start under the national rule from 11 February 2025.
    english_in_training_plan: bool = False
    maths_in_training_plan: bool = False
    #: The first start of a restarted apprenticeship; None when it has not restarted.
    original_start_date: date | None = None

    def day(self, compared_with: ComparedWith) -> date:
        """The day of this case a dated rule's changes are compared with. A gateway check
        has no assessment yet, so an assessment-dated rule is taken as at the gateway."""
        if compared_with == ComparedWith.START_DATE:
            return self.start_date
        return self.gateway_date


#: Each requirement's name as people read it (the code stays internal).
REQUIREMENT_LABELS = {
    "days_on_programme": "Days on programme",
    "months_on_programme": "Months on programme",
    "english": "English",
    "maths": "Maths",
    "english_level_2_attempt": "Level 2 English attempt",
    "maths_level_2_attempt": "Level 2 maths attempt",
    "showcase_format": "Showcase format chosen",
    **{code: words[:1].upper() + words[1:] for code, words in EVIDENCE.items()},
}


@dataclass(frozen=True)
class Requirement:
    code: str
    met: bool
    reason: str
    #: The published document the rule comes from, as people read it.
    source: str

    @property
    def label(self) -> str:
        return REQUIREMENT_LABELS[self.code]


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    requirements: tuple[Requirement, ...]
    days_on_programme: int
    months_on_programme: int
    age_at_start: int
    english_maths_required: bool
    #: The English and maths rule applied and why it applied (its summary, from when, and
    #: its published source).
    english_maths_rule: str = ""
    #: Why English and maths are or are not required for this apprentice under that rule.
    english_maths_why: str = ""
    #: Each subject on its own (``english_maths_required`` is true when either is).
    english_required: bool = False
    maths_required: bool = False

    @property
    def unmet(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if not r.met)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on a day (a 29 February birthday ages on 28 February)."""
    # Imported here so that `openepa grade`, which reads this module's vocabulary but
    # computes no age, starts without dateutil (openepa.domain.dates does the same).
    from dateutil.relativedelta import relativedelta

    return relativedelta(day, date_of_birth).years


def _time_on_programme(standard: Standard, case: GatewayCase) -> list[Requirement]:
    """At least 12 months and at least 366 days on programme (seed 000 §2.1, seed 003 §2),
    as the figures in force for this case say; the source names where each is published."""
    dated = standard.gateway_dated()
    version = dated.in_force(case.day(dated.compared_with))
    days = days_on_programme(case.start_date, case.gateway_date)
    months = full_months_on_programme(case.start_date, case.gateway_date)
    need_days = version.rule.min_days_on_programme
    need_months = version.rule.min_months_on_programme
    source = version.source
    return [
        Requirement(
            "days_on_programme",
            days >= need_days,
            f"{days} days on programme by the gateway date; at least {need_days} are required",
            source,
        ),
        Requirement(
            "months_on_programme",
            months >= need_months,
            f"{months} full months on programme by the gateway date; at least {need_months} are required",
            source,
        ),
    ]


def english_maths_required(rule: EnglishMathsRule, age_at_start: int, in_plan: bool) -> bool:
    """Mandatory for 16–18 at the start; for 19+ as the EPAO published (optional under seed
    002, required under seed 000 §2.2 and seed 004) until the national rule of 11 February
    2025, then only where the employer keeps English and maths in the training plan
    (DESIGN.md §3 "Rules that changed after the seeds were written")."""
    if age_at_start < 19:
        return rule.required_if_under_19_at_start
    if rule.training_plan_decides_19_plus:
        return in_plan
    return rule.required_if_19_plus_at_start


def subjects_required(rule: EnglishMathsRule, age_at_start: int, case: GatewayCase) -> Subjects:
    """English and maths decided one by one: the help centre's "English and/or maths" in the
    training plan means a 19+ apprentice may have one in the plan and not the other."""
    return Subjects(
        english=english_maths_required(rule, age_at_start, case.english_in_training_plan),
        maths=english_maths_required(rule, age_at_start, case.maths_in_training_plan),
    )


@dataclass(frozen=True)
class Subjects:
    english: bool
    maths: bool

    @property
    def either(self) -> bool:
        return self.english or self.maths

    def words(self) -> str:
        if self.english and self.maths:
            return "English and maths required"
        if self.english:
            return "English required, maths not required"
        if self.maths:
            return "maths required, English not required"
        return "not required"


def age_start_date(rule: EnglishMathsRule, case: GatewayCase) -> date:
    """The start whose age counts: the original start of a restart where the rule says so
    (the national rule of 11 February 2025), else this enrolment's start."""
    if rule.restart_uses_original_start and case.original_start_date is not None:
        return case.original_start_date
    return case.start_date


def _plan_words(case: GatewayCase) -> str:
    if case.english_in_training_plan and case.maths_in_training_plan:
        return "English and maths are in the training plan"
    if case.english_in_training_plan:
        return "English is in the training plan but maths is not"
    if case.maths_in_training_plan:
        return "maths is in the training plan but English is not"
    return "English and maths are not in the training plan"


def _why(rule: EnglishMathsRule, case: GatewayCase, age: int, required: Subjects) -> str:
    counted = age_start_date(rule, case)
    when = (
        f"aged {age} at the original start ({long_date(counted)}) of this restarted apprenticeship"
        if counted != case.start_date
        else f"aged {age} at the start"
    )
    if age >= 19 and rule.training_plan_decides_19_plus:
        return f"{when}, and {_plan_words(case)}: {required.words()}"
    return f"{when}: {'required' if required.either else 'not required'}"


def _english_maths(
    version: RuleVersion[EnglishMathsRule], case: GatewayCase, required: Subjects
) -> list[Requirement]:
    """Level 1 English and maths, and a Level 2 attempt where the policy asks (seed 000 §2.2,
    002, 004); EHCP → Entry Level 3; BSL qualification instead of English (000 §2.2, 004)."""
    rule = version.rule
    source = version.source
    ehcp = case.ehcp and rule.ehcp_entry_level_3
    minimum = QualificationLevel.ENTRY_3 if ehcp else QualificationLevel.LEVEL_1
    minimum_words = "Entry Level 3 (education, health and care plan)" if ehcp else "Level 1"
    bsl = case.bsl_qualification and rule.bsl_alternative
    english_ok = case.english.rank >= minimum.rank or bsl
    english_words = f"English at {minimum_words}" + (
        " or a British Sign Language qualification" if rule.bsl_alternative else ""
    )
    out = [
        Requirement(
            "english",
            english_ok,
            f"{english_words} is required; recorded: "
            + (
                "British Sign Language qualification"
                if bsl
                else case.english.value.replace("_", " ")
            ),
            source,
        ),
        Requirement(
            "maths",
            case.maths.rank >= minimum.rank,
            f"maths at {minimum_words} is required; recorded: {case.maths.value.replace('_', ' ')}",
            source,
        ),
    ]
    # With an EHCP the minimum is Entry Level 3 (000 §2.2), so a Level 2 attempt is not asked.
    if rule.level_2_attempt_required and not ehcp:
        english_l2 = (
            case.english_level_2_attempted or case.english == QualificationLevel.LEVEL_2 or bsl
        )
        maths_l2 = case.maths_level_2_attempted or case.maths == QualificationLevel.LEVEL_2
        out.append(
            Requirement(
                "english_level_2_attempt",
                english_l2,
                "a record of an attempt at Level 2 English is required",
                source,
            )
        )
        out.append(
            Requirement(
                "maths_level_2_attempt",
                maths_l2,
                "a record of an attempt at Level 2 maths is required",
                source,
            )
        )
    # Only the subjects this apprentice needs (one may be in the training plan, not the other).
    wanted = ("english",) * required.english + ("maths",) * required.maths
    return [r for r in out if r.code.startswith(wanted)]


def _evidence(policy: Policy, case: GatewayCase) -> list[Requirement]:
    source = policy.cite("gateway")
    needed = list(policy.gateway.required_evidence)
    if case.adjustment_requested:
        needed.append("adjustment_request_form")  # "where relevant" (seed 000 §2.2)
    out = [
        Requirement(code, code in case.evidence, f"{EVIDENCE[code]} is required", source)
        for code in needed
    ]
    if policy.gateway.showcase_format_chosen_at_gateway:
        out.append(
            Requirement(
                "showcase_format",
                case.showcase_format is not None,
                "the showcase format (report or presentation) must be chosen at gateway",
                source,
            )
        )
    return out


def check_gateway(standard: Standard, policy: Policy, case: GatewayCase) -> Eligibility:
    """Every gateway requirement of the standard and the EPAO's policy, met or not, with why."""
    dated = policy.gateway.english_maths_dated()
    version = dated.in_force(case.day(dated.compared_with))
    age = age_on(case.date_of_birth, age_start_date(version.rule, case))
    required = subjects_required(version.rule, age, case)
    requirements = _time_on_programme(standard, case)
    requirements += _english_maths(version, case, required)
    requirements += _evidence(policy, case)
    return Eligibility(
        eligible=all(r.met for r in requirements),
        requirements=tuple(requirements),
        days_on_programme=days_on_programme(case.start_date, case.gateway_date),
        months_on_programme=full_months_on_programme(case.start_date, case.gateway_date),
        age_at_start=age,
        english_maths_required=required.either,
        english_maths_rule=version.why,
        english_maths_why=_why(version.rule, case, age, required),
        english_required=required.english,
        maths_required=required.maths,
    )
