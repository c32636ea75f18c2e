"""Assessor profiles, availability and standardisation. Thin: access, form, action, render.
EPAO admins manage; the assessor sees their own profile and keeps their availability; IQAs
read standardisation. The consistency report reads marking and IQA reviews, so it is the
quality context's page (openepa.quality.views.consistency)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.assessors.access import access_availability, access_event, access_profile
from openepa.assessors.actions import (
    do_add_availability,
    do_create_profile,
    do_create_standardisation_event,
    do_record_attendance,
    do_remove_availability,
    do_update_diary,
    do_update_profile,
)
from openepa.assessors.availability import capacity_of, hours_in_words, pattern_of
from openepa.assessors.forms import (
    AttendanceForm,
    AvailabilityForm,
    DiaryForm,
    EventForm,
    NewProfileForm,
    ProfileForm,
)
from openepa.assessors.models import AssessorProfile
from openepa.assessors.queries import (
    admin_epaos,
    assessor_memberships,
    attendance_of,
    attended_dates,
    events_for,
    facts_of,
    own_profiles,
    quality_epaos,
    statuses_of,
    unprofiled_memberships,
)
from openepa.core.actions_ui import post_action
from openepa.core.paging import CappedPaginator
from openepa.core.refusals import ActionRefused
from openepa.domain.allocation import allocation_refusals, last_standardised, standardised_until
from openepa.organisations.models import Organisation

#: Assessors on one page of the list.
PAGE_SIZE = 50


def _require_admin(request: AuthenticatedRequest) -> frozenset[int]:
    epaos = admin_epaos(request.user)
    if not epaos:
        raise Http404("Not an EPAO admin")
    return epaos


@login_required
def assessor_list(request: AuthenticatedRequest) -> HttpResponse:
    epaos = _require_admin(request)
    today = timezone.localdate()
    page = CappedPaginator(assessor_memberships(epaos), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessors/list.html",
        {"statuses": statuses_of(list(page.object_list), today), "page": page, "today": today},
    )


@login_required
def new_profile(request: AuthenticatedRequest) -> HttpResponse:
    _require_admin(request)
    form = NewProfileForm(
        request.POST or None,
        memberships=unprofiled_memberships(request.user),
        initial={"membership": request.GET.get("membership")},
    )
    if request.method == "POST":
        done = post_action(
            request,
            form,
            lambda d: do_create_profile(
                actor=request.user, membership_id=d["membership"].pk, details=form.details()
            ),
            lambda p: f"Profile recorded for {p.user}.",
        )
        if done is not None:
            return redirect("assessors:profile", profile_id=done.pk)
    return render(request, "assessors/edit.html", {"form": form, "profile": None})


def _profile_context(profile: AssessorProfile, request: AuthenticatedRequest) -> dict[str, object]:
    today = timezone.localdate()
    facts = facts_of(profile, attended_dates([profile.pk]).get(profile.pk, ()))
    last = last_standardised(facts, today)
    return {
        "profile": profile,
        "is_admin": profile.epao_id in admin_epaos(request.user),
        "last_standardised": last,
        "standardised_until": standardised_until(last),
        "refusals": allocation_refusals(facts, on=today),
        "attendance": attendance_of(profile),
        "availability_form": AvailabilityForm(),
        "diary_hours": hours_in_words(pattern_of(profile)),
        "capacity": capacity_of(profile),
    }


@login_required
def profile(request: AuthenticatedRequest, profile_id: int) -> HttpResponse:
    found = access_profile(request.user, profile_id)
    return render(request, "assessors/profile.html", _profile_context(found, request))


@login_required
def my_profile(request: AuthenticatedRequest) -> HttpResponse:
    mine = list(own_profiles(request.user))
    if len(mine) == 1:
        return redirect("assessors:profile", profile_id=mine[0].pk)
    if not mine and not roles_of(request.user).has(Role.ASSESSOR):
        raise Http404("Not an assessor")
    return render(request, "assessors/mine.html", {"profiles": mine})


@login_required
def my_diary(request: AuthenticatedRequest) -> HttpResponse:
    """The assessor's own diary; one who assesses for several EPAOs keeps one per EPAO and
    chooses it from their profiles."""
    mine = list(own_profiles(request.user))
    if len(mine) == 1:
        return redirect("assessors:diary", profile_id=mine[0].pk)
    return my_profile(request)


@login_required
def edit_profile(request: AuthenticatedRequest, profile_id: int) -> HttpResponse:
    found = access_profile(request.user, profile_id, admin_only=True)
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_from(found))
    if request.method == "POST":
        done = post_action(
            request,
            form,
            lambda d: do_update_profile(
                actor=request.user,
                profile_id=found.pk,
                details=form.details(),
                expected_version=d["version"],
            ),
            "Profile saved.",
        )
        if done is not None:
            return redirect("assessors:profile", profile_id=found.pk)
    return render(request, "assessors/edit.html", {"form": form, "profile": found})


@login_required
def availability(request: AuthenticatedRequest, profile_id: int) -> HttpResponse:
    found = access_profile(request.user, profile_id)
    context = _profile_context(found, request)
    if request.method == "POST":
        form = AvailabilityForm(request.POST)
        done = post_action(
            request,
            form,
            lambda d: do_add_availability(
                actor=request.user,
                profile_id=found.pk,
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                available=d["available"],
                note=d["note"],
                from_time=d["from_time"],
                to_time=d["to_time"],
            ),
            "Availability saved.",
        )
        if done is not None:
            return redirect("assessors:profile", profile_id=found.pk)
        context["availability_form"] = form
    return render(request, "assessors/profile.html", context)


@login_required
def diary(request: AuthenticatedRequest, profile_id: int) -> HttpResponse:
    """The assessor's diary: working pattern, regions, remote work and capacity. The
    assessor keeps their own; an EPAO admin keeps any of their EPAO's assessors'."""
    found = access_profile(request.user, profile_id)
    form = DiaryForm(request.POST or None, initial=DiaryForm.initial_from(found))
    if request.method == "POST":
        done = post_action(
            request,
            form,
            lambda d: do_update_diary(
                actor=request.user,
                profile_id=found.pk,
                details=form.details(),
                expected_version=d["version"],
            ),
            "Diary saved.",
        )
        if done is not None:
            return redirect("assessors:profile", profile_id=found.pk)
    return render(request, "assessors/diary.html", {"form": form, "profile": found})


@login_required
@require_POST
def remove_availability(request: AuthenticatedRequest, availability_id: int) -> HttpResponse:
    entry = access_availability(request.user, availability_id)
    try:
        do_remove_availability(actor=request.user, availability_id=entry.pk)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Availability removed.")
    return redirect("assessors:profile", profile_id=entry.profile_id)


@login_required
def events(request: AuthenticatedRequest) -> HttpResponse:
    if not quality_epaos(request.user):
        raise Http404("Not an EPAO admin or IQA")
    return render(
        request,
        "assessors/events.html",
        {"events": events_for(request.user), "is_admin": bool(admin_epaos(request.user))},
    )


@login_required
def new_event(request: AuthenticatedRequest) -> HttpResponse:
    epaos = _require_admin(request)
    choices = [(o.pk, o.name) for o in Organisation.objects.filter(pk__in=epaos).order_by("name")]
    profiles = AssessorProfile.objects.filter(epao_id__in=epaos).select_related("user")
    form = EventForm(request.POST or None, profiles=profiles, epaos=choices)
    if request.method == "POST":
        done = post_action(
            request,
            form,
            lambda d: do_create_standardisation_event(
                actor=request.user,
                epao_id=d["epao"],
                details=form.details(),
                invited=tuple(p.pk for p in d["invited"]),
            ),
            "Standardisation event recorded.",
        )
        if done is not None:
            return redirect("assessors:event", event_id=done.pk)
    return render(request, "assessors/new_event.html", {"form": form})


@login_required
def event(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    found = access_event(request.user, event_id, admin_only=request.method == "POST")
    is_admin = found.epao_id in admin_epaos(request.user)
    rows = list(
        found.attendance.select_related("profile__user").order_by("profile__user__full_name")
    )
    profiles = AssessorProfile.objects.filter(epao_id=found.epao_id).select_related("user")
    form = AttendanceForm(
        # Ticking nobody posts an empty form, which is still a submission.
        request.POST if request.method == "POST" else None,
        profiles=profiles,
        initial={"attended": [r.profile_id for r in rows if r.attended]},
    )
    if request.method == "POST":
        done = post_action(
            request,
            form,
            lambda d: do_record_attendance(
                actor=request.user,
                event_id=found.pk,
                attended=tuple(p.pk for p in d["attended"]),
            ),
            "Attendance recorded.",
        )
        if done is not None:
            return redirect("assessors:event", event_id=found.pk)
    return render(
        request,
        "assessors/event.html",
        {
            "event": found,
            "rows": rows,
            "form": form,
            "is_admin": is_admin,
            "happened": found.held_on <= timezone.localdate(),
        },
    )
