"""Writes for assessor profiles, availability and standardisation. Every write is one
transaction on locked rows and appends a ProfileEvent (a profile belongs to no enrolment,
so it keeps its own history)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import Membership, Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.assessors.availability import pattern_json
from openepa.assessors.models import (
    REGION_NAMES,
    AssessorProfile,
    Attendance,
    Availability,
    ProfileEvent,
    ProfileStep,
    StandardisationEvent,
)
from openepa.core.refusals import ActionRefused, check_version
from openepa.domain.allocation import Qualification
from openepa.domain.dates import long_date
from openepa.domain.diary import WEEKDAYS, Capacity, DayHours

STALE_PROFILE = (
    "This profile was changed by someone else while you were editing it. Reload the page to "
    "see the latest version, then make your change again."
)


def _require_admin(actor: User, epao_id: int) -> None:
    if not is_epao_admin(actor, epao_id):
        raise ActionRefused("Only the EPAO's admins can do this.")


def _log(profile: AssessorProfile, actor: User, action: ProfileStep, **data: object) -> None:
    ProfileEvent.objects.create(profile=profile, actor=actor, action=action, data=data)


@dataclass(frozen=True)
class ProfileDetails:
    competence_years: int
    qualification: str
    competence_notes: str = ""
    qualification_name: str = ""
    qualification_achieved_on: date | None = None
    qualification_expected_on: date | None = None
    regions: tuple[str, ...] = field(default=())
    remote_capable: bool = False
    notes: str = ""


def _check_details(d: ProfileDetails) -> None:
    """Input shape; whether the assessor may be allocated is the allocation rule's call."""
    if d.competence_years < 0:
        raise ActionRefused("Give the years of occupational competence.", field="competence_years")
    try:
        status = Qualification(d.qualification)
    except ValueError:
        raise ActionRefused(
            "Choose the assessor qualification status.", field="qualification"
        ) from None
    if status == Qualification.HELD:
        if d.qualification_achieved_on is None:
            raise ActionRefused(
                "Give the date the assessor qualification was achieved.",
                field="qualification_achieved_on",
            )
        if d.qualification_achieved_on > timezone.localdate():
            raise ActionRefused(
                "The date the qualification was achieved cannot be in the future.",
                field="qualification_achieved_on",
            )
    if status == Qualification.WORKING_TOWARDS and d.qualification_expected_on is None:
        raise ActionRefused(
            "Give the date the assessor qualification is expected.",
            field="qualification_expected_on",
        )
    if status in {Qualification.HELD, Qualification.WORKING_TOWARDS} and not (
        d.qualification_name.strip()
    ):
        raise ActionRefused(
            "Name the qualification (for example a Level 3 Certificate in Assessing "
            "Vocational Achievement, PGCE or Cert Ed; ST0072 assessment plan (IfATE) — §6).",
            field="qualification_name",
        )
    unknown = [r for r in d.regions if r not in REGION_NAMES]
    if unknown:
        raise ActionRefused("Choose regions from the list.", field="regions")


def _apply(profile: AssessorProfile, d: ProfileDetails) -> None:
    status = Qualification(d.qualification)
    profile.competence_years = d.competence_years
    profile.competence_notes = d.competence_notes.strip()
    profile.qualification = status.value
    profile.qualification_name = d.qualification_name.strip()
    profile.qualification_achieved_on = (
        d.qualification_achieved_on if status == Qualification.HELD else None
    )
    profile.qualification_expected_on = (
        d.qualification_expected_on if status == Qualification.WORKING_TOWARDS else None
    )
    profile.regions = [code for code in REGION_NAMES if code in d.regions]
    profile.remote_capable = d.remote_capable
    profile.notes = d.notes.strip()


def _snapshot(profile: AssessorProfile) -> dict[str, object]:
    return {
        "competence_years": profile.competence_years,
        "qualification": profile.qualification,
        "regions": profile.regions,
        "remote_capable": profile.remote_capable,
    }


def do_create_profile(
    *, actor: User, membership_id: int, details: ProfileDetails
) -> AssessorProfile:
    """An EPAO admin records the profile of one of their EPAO's assessors."""
    _check_details(details)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("user")
            .filter(pk=membership_id, role=Role.ASSESSOR)
            .first()
        )
        if membership is None:
            raise ActionRefused("Choose an assessor of your EPAO.", field="membership")
        _require_admin(actor, membership.organisation_id)
        if AssessorProfile.objects.filter(
            user_id=membership.user_id, epao_id=membership.organisation_id
        ).exists():
            raise ActionRefused(
                f"{membership.user} already has a profile: edit it instead.", field="membership"
            )
        profile = AssessorProfile(user_id=membership.user_id, epao_id=membership.organisation_id)
        _apply(profile, details)
        profile.save()
        _log(profile, actor, ProfileStep.CREATE, **_snapshot(profile))
    return profile


def do_update_profile(
    *,
    actor: User,
    profile_id: int,
    details: ProfileDetails,
    expected_version: int | None = None,
) -> AssessorProfile:
    """An EPAO admin edits a profile. The assessor cannot: competence and qualification are
    checked by the EPAO (seed 003 §6), not self-declared."""
    _check_details(details)
    with transaction.atomic():
        profile = AssessorProfile.objects.select_for_update().get(pk=profile_id)
        _require_admin(actor, profile.epao_id)
        check_version(profile.version, expected_version, STALE_PROFILE)
        before = _snapshot(profile)
        _apply(profile, details)
        profile.version += 1
        profile.save()
        _log(profile, actor, ProfileStep.UPDATE, before=before, after=_snapshot(profile))
    return profile


def _may_edit_availability(actor: User, profile: AssessorProfile) -> bool:
    roles = roles_of(actor)
    own = profile.user_id == actor.pk and profile.epao_id in roles.orgs(Role.ASSESSOR)
    return own or profile.epao_id in roles.orgs(Role.EPAO_ADMIN)


def do_add_availability(
    *,
    actor: User,
    profile_id: int,
    starts_on: date,
    ends_on: date | None,
    available: bool,
    note: str = "",
    from_time: time | None = None,
    to_time: time | None = None,
) -> Availability:
    """The assessor (or an EPAO admin) marks a period available or unavailable: whole
    days (leave), or between two times on each day (a part day off, or extra hours)."""
    ends_on = ends_on or starts_on
    if ends_on < starts_on:
        raise ActionRefused("The last day cannot be before the first day.", field="ends_on")
    if (from_time is None) != (to_time is None):
        raise ActionRefused(
            "For part of a day give both the from and until times; for whole days give neither.",
            field="from_time" if from_time is None else "to_time",
        )
    if from_time is not None and to_time is not None and to_time <= from_time:
        raise ActionRefused("The until time must be after the from time.", field="to_time")
    with transaction.atomic():
        profile = AssessorProfile.objects.select_for_update().get(pk=profile_id)
        if not _may_edit_availability(actor, profile):
            raise ActionRefused("Only the assessor or the EPAO's admins can change availability.")
        entry = Availability.objects.create(
            profile=profile,
            starts_on=starts_on,
            ends_on=ends_on,
            available=available,
            from_time=from_time,
            to_time=to_time,
            note=note.strip(),
            created_by=actor,
        )
        _log(
            profile,
            actor,
            ProfileStep.ADD_AVAILABILITY,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
            available=available,
        )
    return entry


@dataclass(frozen=True)
class DiaryDetails:
    """The diary as the form gives it: hours by weekday (Monday = 0; a weekday absent is
    not worked), the regions covered in person, remote capability and the capacity."""

    hours: dict[int, DayHours]
    regions: tuple[str, ...]
    remote_capable: bool
    capacity: Capacity


def _check_diary(d: DiaryDetails) -> None:
    for day, hours in sorted(d.hours.items()):
        problem = hours.problem()
        if problem:
            raise ActionRefused(f"{WEEKDAYS[day]}: {problem}.", field=f"start_{day}")
    unknown = [r for r in d.regions if r not in REGION_NAMES]
    if unknown:
        raise ActionRefused("Choose regions from the list.", field="regions")
    for name in ("day_assessments", "day_minutes", "week_assessments", "week_minutes"):
        if getattr(d.capacity, name) < 0:
            raise ActionRefused("Give a number of 0 or more.", field=name)
    if d.capacity.week_assessments < d.capacity.day_assessments:
        raise ActionRefused(
            "The weekly number of assessments cannot be below the daily one.",
            field="week_assessments",
        )
    if d.capacity.week_minutes < d.capacity.day_minutes:
        raise ActionRefused(
            "The weekly minutes cannot be below the daily minutes.", field="week_minutes"
        )


def do_update_diary(
    *,
    actor: User,
    profile_id: int,
    details: DiaryDetails,
    expected_version: int | None = None,
) -> AssessorProfile:
    """The assessor (or an EPAO admin for them) keeps their working pattern, regions
    covered in person, remote capability and capacity. Bookings already made stand; new
    ones are checked against the diary (openepa.bookings.rules.check_diary)."""
    _check_diary(details)
    with transaction.atomic():
        profile = AssessorProfile.objects.select_for_update().get(pk=profile_id)
        if not _may_edit_availability(actor, profile):
            raise ActionRefused("Only the assessor or the EPAO's admins can change the diary.")
        check_version(profile.version, expected_version, STALE_PROFILE)
        profile.working_pattern = pattern_json(details.hours)
        profile.regions = [code for code in REGION_NAMES if code in details.regions]
        profile.remote_capable = details.remote_capable
        c = details.capacity
        profile.day_assessments, profile.day_minutes = c.day_assessments, c.day_minutes
        profile.week_assessments, profile.week_minutes = c.week_assessments, c.week_minutes
        profile.version += 1
        profile.save()
        _log(
            profile,
            actor,
            ProfileStep.UPDATE_DIARY,
            working_pattern=profile.working_pattern,
            regions=profile.regions,
            remote_capable=profile.remote_capable,
            capacity=[c.day_assessments, c.day_minutes, c.week_assessments, c.week_minutes],
        )
    return profile


def do_remove_availability(*, actor: User, availability_id: int) -> AssessorProfile:
    with transaction.atomic():
        entry = Availability.objects.select_related("profile").get(pk=availability_id)
        profile = AssessorProfile.objects.select_for_update().get(pk=entry.profile_id)
        if not _may_edit_availability(actor, profile):
            raise ActionRefused("Only the assessor or the EPAO's admins can change availability.")
        _log(
            profile,
            actor,
            ProfileStep.REMOVE_AVAILABILITY,
            starts_on=entry.starts_on.isoformat(),
            ends_on=entry.ends_on.isoformat(),
            available=entry.available,
        )
        entry.delete()
    return profile


@dataclass(frozen=True)
class EventDetails:
    held_on: date
    title: str
    materials: str = ""
    materials_link: str = ""


def do_create_standardisation_event(
    *, actor: User, epao_id: int, details: EventDetails, invited: tuple[int, ...] = ()
) -> StandardisationEvent:
    """An EPAO admin records a standardisation event (seed 003 §7: the organisation "runs
    standardisation events with Independent Assessors") and whom it invited."""
    if not details.title.strip():
        raise ActionRefused("Give the event a title.", field="title")
    with transaction.atomic():
        _require_admin(actor, epao_id)
        profiles = list(AssessorProfile.objects.filter(pk__in=invited, epao_id=epao_id))
        if len(profiles) != len(set(invited)):
            raise ActionRefused("Invite assessors of this EPAO only.", field="invited")
        event = StandardisationEvent.objects.create(
            epao_id=epao_id,
            held_on=details.held_on,
            title=details.title.strip(),
            materials=details.materials.strip(),
            materials_link=details.materials_link.strip(),
            created_by=actor,
        )
        Attendance.objects.bulk_create(Attendance(event=event, profile=p) for p in profiles)
        for p in profiles:
            _log(p, actor, ProfileStep.INVITE_STANDARDISATION, event=event.pk)
    return event


def do_record_attendance(
    *, actor: User, event_id: int, attended: tuple[int, ...]
) -> StandardisationEvent:
    """Record who attended: the ticked profiles attended, every other invitee did not.
    Attendance feeds the allocation rule (seed 003 §9), so it is recorded only once the
    event has taken place."""
    with transaction.atomic():
        event = StandardisationEvent.objects.select_for_update().get(pk=event_id)
        _require_admin(actor, event.epao_id)
        if event.held_on > timezone.localdate():
            raise ActionRefused(
                f"Attendance can be recorded once the event has taken place: it is on "
                f"{long_date(event.held_on)}.",
                field="attended",
            )
        profiles = {
            p.pk: p for p in AssessorProfile.objects.filter(pk__in=attended, epao_id=event.epao_id)
        }
        if len(profiles) != len(set(attended)):
            raise ActionRefused("Choose assessors of this EPAO only.", field="attended")
        now = timezone.now()
        rows = {a.profile_id: a for a in Attendance.objects.filter(event=event)}
        for profile_id in set(rows) | set(profiles):
            was = rows.get(profile_id)
            now_attended = profile_id in profiles
            if was is not None and was.attended == now_attended:
                continue
            Attendance.objects.update_or_create(
                event=event,
                profile_id=profile_id,
                defaults={"attended": now_attended, "recorded_by": actor, "recorded_at": now},
            )
            ProfileEvent.objects.create(
                profile_id=profile_id,
                actor=actor,
                action=ProfileStep.RECORD_ATTENDANCE,
                data={"event": event.pk, "attended": now_attended},
            )
    return event
