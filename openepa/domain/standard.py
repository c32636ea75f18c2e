"""The shape of an apprenticeship standard as OpenEPA uses it.

The values come from a data file (openepa/standards/data/*.yaml); these classes only
describe it. Vocabulary from DESIGN.md §2: Standard → AssessmentMethod → Module → Criterion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from openepa.domain.in_force import DatedRule, RuleVersion


class Method(StrEnum):
    SHOWCASE = "showcase"
    OBSERVATION = "observation"
    DISCUSSION = "discussion"


class Level(StrEnum):
    PASS = "pass"
    DISTINCTION = "distinction"


class InteractionMode(StrEnum):
    FACE_TO_FACE = "face_to_face"
    NON_FACING = "non_facing"


class Grade(StrEnum):
    """Method and overall grades, lowest first (ordering is used by caps and properties)."""

    FAIL = "fail"
    PASS = "pass"
    DISTINCTION = "distinction"

    @property
    def rank(self) -> int:
        return _GRADE_RANK[self]


_GRADE_RANK = {Grade.FAIL: 0, Grade.PASS: 1, Grade.DISTINCTION: 2}


@dataclass(frozen=True)
class Amplification:
    term: str
    text: str


@dataclass(frozen=True)
class Criterion:
    code: str
    text: str
    level: Level
    method: Method
    module: str
    #: None when the criterion applies to every interaction mode.
    interaction_mode: InteractionMode | None = None
    #: Wording that differs by interaction mode (B17.1), keyed by mode.
    wording_by_mode: dict[InteractionMode, str] = field(default_factory=dict)
    outcome: str = ""  # "The apprentice will …" statement the criterion belongs to
    amplification: tuple[Amplification, ...] = ()
    ksbs: tuple[str, ...] = ()
    guidance: str = ""

    def applies_to(self, modes: frozenset[InteractionMode]) -> bool:
        """S9.1–S9.3 face-to-face only, S9.4–S9.6 non-facing only (seed 001, 002, 003)."""
        return self.interaction_mode is None or self.interaction_mode in modes

    def text_for(self, modes: frozenset[InteractionMode]) -> str:
        """The wording an assessor sees for these modes (B17.1 has two wordings)."""
        if not self.wording_by_mode:
            return self.text
        return (
            " / ".join(
                self.wording_by_mode[m]
                for m in InteractionMode
                if m in modes and m in self.wording_by_mode
            )
            or self.text
        )


@dataclass(frozen=True)
class Prompt:
    """A "What do I need to KNOW / DO / SHOW" heading and its questions (seed 001)."""

    kind: str  # "know" | "do" | "show"
    items: tuple[str, ...]


@dataclass(frozen=True)
class Module:
    code: str
    name: str
    prompts: tuple[Prompt, ...] = ()


@dataclass(frozen=True)
class AssessmentMethod:
    code: Method
    name: str
    order: int
    #: Distinction criteria that must be met, on top of every pass criterion.
    distinction_required: int
    #: Weighting in the assessment plan's weighted average (seed 003 §8); data only.
    weight_percent: int | None
    #: Method that not-evidenced criteria of this method may be carried over to (seed 002).
    carry_over_to: Method | None = None


@dataclass(frozen=True)
class GatewayRequirements:
    """On-programme minimum before gateway (seed 000 §2.1, seed 003 §2)."""

    min_days_on_programme: int
    min_months_on_programme: int


@dataclass(frozen=True)
class Standard:
    reference: str
    version: str
    title: str
    level: int
    methods: tuple[AssessmentMethod, ...]
    modules: tuple[Module, ...]
    criteria: tuple[Criterion, ...]
    gateway: GatewayRequirements
    assessment_plan: str = ""
    #: The plan's version and the EPA's qualification number as Ofqual's data returns
    #: report them (None: not recorded, reported as -2).
    assessment_plan_version: str | None = None
    qualification_number: str | None = None
    ksbs: dict[str, str] = field(default_factory=dict)
    option: str | None = None
    #: Where each part comes from, for maintainers (seed and section); never shown.
    sources: dict[str, str] = field(default_factory=dict)
    #: Every version of the gateway minimums, oldest first, each with where its figures
    #: are published (openepa.domain.in_force); None: only ``gateway``, source unstated.
    gateway_versions: DatedRule[GatewayRequirements] | None = None

    def gateway_dated(self) -> DatedRule[GatewayRequirements]:
        if self.gateway_versions is not None:
            return self.gateway_versions
        return DatedRule((RuleVersion(self.gateway, None, None, "", ""),))

    #: The published documents each part comes from, as people see them ("ST0072 assessment
    #: plan (IfATE) — §2"), keyed like ``sources`` (plus "gateway").
    published_sources: dict[str, str] = field(default_factory=dict)

    def method(self, code: Method) -> AssessmentMethod:
        return next(m for m in self.methods if m.code == code)

    def criterion(self, code: str) -> Criterion | None:
        return self._by_code.get(code)

    @property
    def _by_code(self) -> dict[str, Criterion]:
        # Cached on the frozen instance; criteria never change after load.
        cached: dict[str, Criterion] | None = self.__dict__.get("_by_code_cache")
        if cached is None:
            cached = {c.code: c for c in self.criteria}
            object.__setattr__(self, "_by_code_cache", cached)
        return cached

    def criteria_for(
        self, method: Method, modes: frozenset[InteractionMode], level: Level | None = None
    ) -> tuple[Criterion, ...]:
        """The criteria of one method that apply to an apprentice's interaction modes."""
        return tuple(
            c
            for c in self.criteria
            if c.method == method and c.applies_to(modes) and (level is None or c.level == level)
        )
