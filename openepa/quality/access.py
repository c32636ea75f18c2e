"""Who may see and review an IQA sample. The EPAO's IQAs review; its admins follow the
samples read-only; anyone else gets a 404, the same answer as a missing id.

Independence (seed 003 §9): internal quality assurance "must be completed by an appropriately
qualified person, and that person must not have been involved in any aspect of the delivery
or assessment of the programme they are quality assuring". An IQA who also assesses may
not review a decision of an apprentice whose EPA they assessed any part of, and an IQA who
also works for the apprentice's training provider may not review that apprentice's EPA."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, is_epao_iqa, roles_of
from openepa.assessments.models import Attempt
from openepa.quality.models import IqaSample

SOURCE = "ST0072 assessment plan (IfATE) — §9"


def independence_problem(user: User, attempt: Attempt) -> str | None:
    """Why `user` may not quality-assure this decision, in words, or None."""
    enrolment = attempt.enrolment
    if attempt.assessor_id == user.pk:
        return (
            "You assessed this decision, so you cannot quality-assure it: internal quality "
            "assurance is done by someone not involved in assessing what they quality-assure "
            f"({SOURCE}). Another IQA of the EPAO will review it."
        )
    if Attempt.objects.filter(enrolment_id=enrolment.pk, assessor_id=user.pk).exists():
        return (
            "You assessed part of this apprentice's EPA, so you cannot quality-assure it: "
            "internal quality assurance is done by someone not involved in assessing what they "
            f"quality-assure ({SOURCE}). Another IQA of the EPAO will review it."
        )
    if enrolment.provider_id in roles_of(user).orgs(Role.PROVIDER):
        return (
            "You work for this apprentice's training provider, so you cannot quality-assure "
            "their EPA: internal quality assurance is done by someone not involved in "
            f"delivering what they quality-assure ({SOURCE}). Another IQA of the EPAO will "
            "review it."
        )
    return None


def may_amend_as_iqa(user: User, attempt: Attempt) -> bool:
    """An IQA of the EPAO amends a sheet only as the outcome of reviewing its open sample,
    and never a decision they may not quality-assure (openepa.quality.actions)."""
    if not is_epao_iqa(user, attempt.enrolment.epao_id):
        return False
    sample = IqaSample.objects.filter(attempt_id=attempt.pk).first()
    return (
        sample is not None
        and sample.state != IqaSample.State.SIGNED_OFF
        and independence_problem(user, attempt) is None
    )


def access_sample(user: User, sample_id: int) -> IqaSample:
    """A sample `user` may open: an IQA or admin of the decision's EPAO. An IQA sees even a
    sample they may not review, so the page can say why instead of hiding it silently."""
    try:
        sample = IqaSample.objects.select_related(
            "attempt__booking__enrolment__apprentice",
            "attempt__booking__enrolment__standard",
            "attempt__booking__enrolment__policy",
            "attempt__booking__assessor",
            "attempt__enrolment",
            "attempt__assessor",
            "attempt__updated_by",
            "reviewer",
        ).get(pk=sample_id)
    except IqaSample.DoesNotExist:
        raise Http404("No such IQA sample") from None
    epao_id = sample.attempt.enrolment.epao_id
    if not (is_epao_iqa(user, epao_id) or is_epao_admin(user, epao_id)):
        raise Http404("No such IQA sample")
    return sample
