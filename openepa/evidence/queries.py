"""Reads of showcase evidence, for an enrolment the caller already had access to."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from openepa.domain.standard import Criterion
from openepa.enrolments.domain_data import standard_of
from openepa.enrolments.models import Enrolment
from openepa.evidence.models import EvidenceFile, EvidenceTag
from openepa.evidence.suggestions import showcase_criteria


def portfolio(enrolment: Enrolment) -> QuerySet[EvidenceFile]:
    """The live pieces, each with its tags (two queries, whatever the number of pieces)."""
    return (
        EvidenceFile.objects.filter(enrolment=enrolment, removed_at__isnull=True)
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("tags", queryset=EvidenceTag.objects.order_by("id")))
    )


@dataclass(frozen=True)
class CriterionEvidence:
    criterion: Criterion
    pieces: list[EvidenceFile]


@dataclass(frozen=True)
class ShowcaseMap:
    """The portfolio seen criterion by criterion."""

    pieces: list[EvidenceFile]
    criteria: list[CriterionEvidence]

    def for_code(self, code: str) -> list[EvidenceFile]:
        return next((row.pieces for row in self.criteria if row.criterion.code == code), [])

    @property
    def gaps(self) -> list[Criterion]:
        """The showcase criteria no piece of evidence is tagged with."""
        return [row.criterion for row in self.criteria if not row.pieces]

    @property
    def untagged(self) -> list[EvidenceFile]:
        return [piece for piece in self.pieces if not piece.tags.all()]


def showcase_map(enrolment: Enrolment) -> ShowcaseMap:
    """Each showcase criterion with the pieces tagged to it (in upload order)."""
    pieces = list(portfolio(enrolment))
    tagged: dict[str, list[EvidenceFile]] = {}
    for piece in pieces:
        for tag in piece.tags.all():
            tagged.setdefault(tag.criterion_code, []).append(piece)
    criteria = showcase_criteria(standard_of(enrolment))
    return ShowcaseMap(pieces, [CriterionEvidence(c, tagged.get(c.code, [])) for c in criteria])


def next_untagged(enrolment: Enrolment, *, after: EvidenceFile) -> EvidenceFile | None:
    """The next live piece after `after` (in upload order) that has no tag yet."""
    return (
        EvidenceFile.objects.filter(
            enrolment=enrolment, removed_at__isnull=True, tags__isnull=True, pk__gt=after.pk
        )
        .order_by("id")
        .first()
    )
