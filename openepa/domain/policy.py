"""One EPAO's rules (DESIGN.md §2 "Policy"), as loaded from openepa/policies/data/*.yaml.

Every value that an EPAO's published documents do not state is ``None``: the policy says
"the seed is silent" explicitly instead of inventing a number, and each rule that reads a
``None`` decides what silence means (usually: no limit is enforced, and the UI says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from openepa.domain.in_force import DatedRule, RuleVersion
from openepa.domain.standard import Grade


class Anchor(StrEnum):
    """The event a period is counted from."""

    GATEWAY = "gateway"  # gateway accepted
    FIRST_ACTIVITY = "first_activity"  # first EPA assessment activity
    FAIL_NOTIFICATION = "fail_notification"  # the apprentice was told of the fail
    FIRST_ATTEMPT = "first_attempt"  # the first attempt of the EPA (all methods)
    LAST_COMPONENT = "last_component"  # the last assessment component was completed
    ASSESSMENT = "assessment"  # the assessment a request concerns
    RESULTS_ISSUED = "results_issued"  # the statement of results was issued

    @property
    def words(self) -> str:
        """The anchor in a sentence: "3 months from <words>"."""
        return ANCHOR_WORDS[self]


ANCHOR_WORDS = {
    Anchor.GATEWAY: "gateway",
    Anchor.FIRST_ACTIVITY: "the first assessment activity",
    Anchor.FAIL_NOTIFICATION: "the fail notification",
    Anchor.FIRST_ATTEMPT: "the first attempt",
    Anchor.LAST_COMPONENT: "the last assessment component",
    Anchor.ASSESSMENT: "the assessment",
    Anchor.RESULTS_ISSUED: "the results being issued",
}


@dataclass(frozen=True)
class Period:
    """A length of time counted from an anchor: calendar months or working days."""

    anchor: Anchor
    months: int | None = None
    working_days: int | None = None
    #: The EPAO suggests rather than requires this period (seed 002's 3-month window).
    advisory: bool = False


@dataclass(frozen=True)
class Duration:
    """Minutes allowed for an assessment activity; a bound left None is not stated."""

    min_minutes: int | None = None
    max_minutes: int | None = None
    typical_minutes: int | None = None

    def allows(self, minutes: int) -> bool:
        if self.min_minutes is not None and minutes < self.min_minutes:
            return False
        return self.max_minutes is None or minutes <= self.max_minutes


@dataclass(frozen=True)
class EnglishMathsRule:
    """Which apprentices must show English and maths at gateway, by age at the start."""

    required_if_under_19_at_start: bool
    required_if_19_plus_at_start: bool
    level_2_attempt_required: bool
    #: EHCP or legacy statement → Entry Level 3 suffices (000 §2.2, 004).
    ehcp_entry_level_3: bool
    #: British Sign Language qualification may replace English (000 §2.2, 004).
    bsl_alternative: bool
    #: For 19+ at start, English and maths are required only where the employer includes
    #: them in the training plan (the national rule from 11 February 2025, DESIGN.md §3).
    training_plan_decides_19_plus: bool = False
    #: A restart counts the age at the original start (the same national rule).
    restart_uses_original_start: bool = False


@dataclass(frozen=True)
class GatewayPolicy:
    #: The EPAO's rule as it published it (the first version of ``english_maths_versions``).
    english_maths: EnglishMathsRule
    #: Evidence codes that must accompany a gateway submission (see EVIDENCE in eligibility).
    required_evidence: tuple[str, ...]
    showcase_format_chosen_at_gateway: bool
    showcase_submitted_at_gateway: bool
    notice_working_days: int | None
    #: Every version of the English and maths rule, oldest first (openepa.domain.in_force).
    english_maths_versions: DatedRule[EnglishMathsRule] | None = None

    def english_maths_dated(self) -> DatedRule[EnglishMathsRule]:
        """The dated versions; a policy built without changes has only its published rule."""
        if self.english_maths_versions is not None:
            return self.english_maths_versions
        return DatedRule((RuleVersion(self.english_maths, None, None, "", ""),))


@dataclass(frozen=True)
class ResitPolicy:
    #: Highest overall grade after any resit or retake; None = no cap.
    grade_cap: Grade | None
    #: The cap in words, citing its source (shown on results after a Fail).
    grade_cap_note: str
    window: Period | None
    all_methods_window: Period | None
    retake_checklist_required: bool
    resit_with_discussion_follow_up_minutes: int | None


@dataclass(frozen=True)
class SpecialConsiderationPolicy:
    before_working_days: int | None
    after_working_days: int | None


@dataclass(frozen=True)
class IqaSamplingPolicy:
    """The EPAO's IQA sampling plan as its policy states it; None where the seed is silent
    (openepa.domain.sampling then applies the product default)."""

    new_assessor_first_decisions: int | None = None
    sample_rate_percent: float | None = None
    always_sample: tuple[Grade, ...] | None = None


#: Every kind of judgement an assessor records on a marking sheet (Outcome values).
ALL_JUDGEMENTS = frozenset({"met", "not_met", "not_evidenced", "carried_over"})


@dataclass(frozen=True)
class MarkingPolicy:
    """What a submitted marking sheet must hold beyond its judgements.

    ``notes_required_for``: the judgements (Outcome values) that need an evidence note.
    Every seeded policy requires one for every judgement: an IQA, an enquiry reviewer or
    an appeal panel must be able to see the evidence behind each decision (Ofqual General
    Conditions of Recognition, H2 and the record-keeping of assessment decisions)."""

    notes_required_for: frozenset[str] = ALL_JUDGEMENTS


@dataclass(frozen=True)
class MissedAssessmentPolicy:
    """Whether an assessment the apprentice did not attend, or that could not go ahead,
    counts as an attempt. None where the EPAO's documents are silent (seeds 000, 002 and
    004 all are; 000 §5 only says rescheduling comes first): the product default then
    applies, "does not count; rebook" (issue 16, item 4). The setting is the choice the
    admin's decision page offers first; the admin decides either way."""

    counts_as_attempt: bool | None = None

    @property
    def counts(self) -> bool:
        return bool(self.counts_as_attempt)

    @property
    def is_product_default(self) -> bool:
        return self.counts_as_attempt is None


@dataclass(frozen=True)
class Policy:
    code: str
    name: str
    gateway: GatewayPolicy
    epa_window: Period | None
    results_deadline: Period | None
    release_requires_iqa: bool
    resits: ResitPolicy
    durations: dict[str, Duration]
    showcase_report_words_guide: int | None
    portfolio_evidence_max: int | None
    ai_declaration_required: bool
    special_consideration: SpecialConsiderationPolicy
    enquiry_window: Period | None
    appeal_window: Period | None
    #: Where each section's values come from, for maintainers (seed, section, line); never
    #: shown to people.
    sources: dict[str, str]
    iqa_sampling: IqaSamplingPolicy = field(default_factory=IqaSamplingPolicy)
    marking: MarkingPolicy = field(default_factory=MarkingPolicy)
    missed_assessments: MissedAssessmentPolicy = field(default_factory=MissedAssessmentPolicy)
    #: Working days an assessor has to accept or decline an allocation; None where the
    #: EPAO's documents are silent (openepa.domain.diary.DEFAULT_RESPONSE_WORKING_DAYS).
    response_working_days: int | None = None
    #: The published document (and section) each section's values come from, as people see
    #: it: "NQual EPA support pack v1.1 — Gateway". Keyed like ``sources``.
    published_sources: dict[str, str] = field(default_factory=dict)

    def cite(self, section: str) -> str:
        """The published source of a section ("resits.window"), else of the nearest section
        around it, else the EPAO's name: never a seed or line reference."""
        while section:
            if section in self.published_sources:
                return self.published_sources[section]
            section = section.rpartition(".")[0]
        return f"{self.name} policy"

    def duration(self, activity: str) -> Duration | None:
        """Activities: observation, discussion, showcase_interview, showcase_presentation."""
        return self.durations.get(activity)


#: The rule blocks of a policy that can change on a date, by the name used in data files.
DATED_BLOCKS = ("english_maths",)


def rule_in_force(policy: Policy, block: str, *, on: date) -> RuleVersion[Any]:
    """The version of one of the policy's rule blocks in force on a day. ``on`` is the day
    the block's changes are compared with (``policy.gateway.english_maths_dated()
    .compared_with``: for English and maths, the gateway date)."""
    if block == "english_maths":
        return policy.gateway.english_maths_dated().in_force(on)
    raise KeyError(f"{block!r} is not a dated rule block; known: {', '.join(DATED_BLOCKS)}")
