"""An enrolment's standard, EPAO policy and interaction modes as the domain reads them.

One place for these three lookups, used by every context that asks the domain a question
about an enrolment (gateway, bookings, marking, results)."""

from __future__ import annotations

from openepa.domain.policy import Policy
from openepa.domain.standard import InteractionMode, Standard
from openepa.enrolments.models import Enrolment
from openepa.policies import loader as policy_loader
from openepa.standards import loader as standard_loader


def standard_of(enrolment: Enrolment) -> Standard:
    standard = standard_loader.get_standard(enrolment.standard.reference)
    if standard is None:  # the reference rows are loaded from the same files
        raise LookupError(f"no data file for standard {enrolment.standard.reference}")
    return standard


def policy_of(enrolment: Enrolment) -> Policy:
    """Looked up through the loader module (not a bound name) so that a test can substitute
    a policy variant."""
    policy = policy_loader.get_policy(enrolment.policy.code)
    if policy is None:
        raise LookupError(f"no data file for policy {enrolment.policy.code}")
    return policy


def modes_of(enrolment: Enrolment) -> frozenset[InteractionMode]:
    """The apprentice's interaction modes, recorded before the observation (seed 001–003)."""
    modes = set()
    if enrolment.face_to_face:
        modes.add(InteractionMode.FACE_TO_FACE)
    if enrolment.non_facing:
        modes.add(InteractionMode.NON_FACING)
    return frozenset(modes)
