"""Planning and booking pages. Thin: access, form, action, render. EPAO admins plan and
book; the allocated assessor sees and confirms their own bookings and declares conflicts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.bookings.access import access_booking
from openepa.bookings.actions import (
    do_book_assessment,
    do_cancel_booking,
    do_confirm_no_conflict,
    do_declare_conflict,
    do_decline_allocation,
    do_record_planning_meeting,
    do_reschedule_booking,
    do_withdraw_conflict,
)
from openepa.bookings.diary import preview
from openepa.bookings.forms import (
    BookingForm,
    CancelForm,
    ConflictForm,
    DeclineForm,
    PlanningForm,
    RescheduleForm,
)
from openepa.bookings.models import METHOD_CHOICES, Booking
from openepa.bookings.queries import (
    allocated_to,
    bookings_of,
    conflicts_of,
    latest_planning_meeting,
    preferred_slots,
)
from openepa.bookings.reallocation import queue
from openepa.bookings.rules import policy_minutes, window_warning
from openepa.bookings.sections import BOOKING_PAGE
from openepa.core.actions_ui import run_action
from openepa.core.refusals import ActionRefused
from openepa.enrolments.access import access_enrolment
from openepa.enrolments.models import Enrolment
from openepa.gateway.queries import rules_for

ADMIN = {Role.EPAO_ADMIN}


@login_required
def enrolment_bookings(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, roles=ADMIN, apprentice=False)
    return render(
        request,
        "bookings/enrolment.html",
        {
            "enrolment": enrolment,
            "meeting": latest_planning_meeting(enrolment),
            "bookings": bookings_of(enrolment),
        },
    )


@login_required
def planning(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, roles=ADMIN, apprentice=False)
    form = PlanningForm(request.POST or None, initial={"version": enrolment.version})
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: do_record_planning_meeting(
                actor=request.user,
                enrolment_id=enrolment.pk,
                details=form.details(),
                expected_version=form.cleaned_data["version"],
            ),
        )
        if done is not None:
            messages.success(request, "Planning meeting recorded. Next: book each assessment.")
            return redirect("bookings:enrolment", enrolment_id=enrolment.pk)
    return render(request, "bookings/planning.html", {"enrolment": enrolment, "form": form})


def _prefill_duration(request: AuthenticatedRequest, enrolment: Enrolment) -> QueryDict | None:
    """The posted form, with the policy's duration for the chosen method when the
    duration was left empty (the form works without JavaScript: "Check the assessor's
    diary" re-renders it filled in)."""
    if request.method != "POST":
        return None
    data = request.POST.copy()
    if not data.get("duration_minutes", "").strip():
        _, policy = rules_for(enrolment)
        minutes = policy_minutes(policy, data.get("method", ""))
        if minutes:
            data["duration_minutes"] = str(minutes)
    return data


@login_required
def book(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, roles=ADMIN, apprentice=False)
    _, policy = rules_for(enrolment)
    form = BookingForm(
        _prefill_duration(request, enrolment),
        initial={
            "version": enrolment.version,
            "method": "observation",
            "duration_minutes": policy_minutes(policy, "observation"),
        },
        epao_id=enrolment.epao_id,
    )
    form.show_agreed(preferred_slots(enrolment))
    checked = None
    if request.method == "POST" and form.is_valid():
        if "check" in request.POST:
            data = form.cleaned_data
            checked = preview(
                epao_id=enrolment.epao_id,
                assessor_id=data["assessor"].pk,
                name=str(data["assessor"]),
                starts_at=data["starts_at"],
                minutes=data["duration_minutes"],
                remote=data["remote"],
            )
        else:
            booking = run_action(
                form,
                lambda: do_book_assessment(
                    actor=request.user,
                    enrolment_id=enrolment.pk,
                    proposal=form.proposal(),
                    expected_version=form.cleaned_data["version"],
                ),
            )
            if booking is not None:
                _booked(request, booking, "Booked")
                return redirect("bookings:detail", booking_id=booking.pk)
    durations = [(label, policy_minutes(policy, code)) for code, label in METHOD_CHOICES]
    return render(
        request,
        "bookings/book.html",
        {"enrolment": enrolment, "form": form, "checked": checked, "durations": durations},
    )


def _booked(request: AuthenticatedRequest, booking: Booking, verb: str) -> None:
    messages.success(request, f"{verb}: {booking}.")
    warning = window_warning(booking)
    if warning:
        messages.warning(request, warning)


@login_required
def detail(request: AuthenticatedRequest, booking_id: int) -> HttpResponse:
    booking = access_booking(request.user, booking_id)
    roles = roles_of(request.user)
    return render(
        request,
        "bookings/detail.html",
        {
            "booking": booking,
            "is_admin": booking.enrolment.epao_id in roles.orgs(Role.EPAO_ADMIN),
            "is_assessor": booking.assessor_id == request.user.pk,
            # From the day of the assessment (openepa.bookings.actions.do_record_missed_assessment).
            "may_record_missed": timezone.localdate(booking.starts_at) <= timezone.localdate(),
            "warning": window_warning(booking),
            # The approved adjustments' arrangements (openepa.cases adds them).
            **BOOKING_PAGE.context(request, booking),
        },
    )


@login_required
def reschedule(request: AuthenticatedRequest, booking_id: int) -> HttpResponse:
    booking = access_booking(request.user, booking_id, roles=ADMIN)
    initial = {
        "starts_at": timezone.localtime(booking.starts_at),
        "duration_minutes": booking.duration_minutes,
        "remote": booking.remote,
        "venue": booking.venue,
        "assessor": booking.assessor_id,
    }
    form = RescheduleForm(request.POST or None, initial=initial, epao_id=booking.enrolment.epao_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = run_action(
            form,
            lambda: do_reschedule_booking(
                actor=request.user,
                booking_id=booking.pk,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                assessor_id=data["assessor"].pk,
                remote=data["remote"],
                venue=data["venue"],
                reason=data["reason"],
            ),
        )
        if new is not None:
            _booked(request, new, "Rescheduled")
            return redirect("bookings:detail", booking_id=new.pk)
    return render(request, "bookings/reschedule.html", {"booking": booking, "form": form})


@login_required
def cancel(request: AuthenticatedRequest, booking_id: int) -> HttpResponse:
    booking = access_booking(request.user, booking_id, roles=ADMIN)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: do_cancel_booking(
                actor=request.user, booking_id=booking.pk, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, f"Cancelled: {booking}. The assessor's time is free again.")
            return redirect("bookings:enrolment", enrolment_id=booking.enrolment_id)
    return render(request, "bookings/cancel.html", {"booking": booking, "form": form})


@login_required
@require_POST
def confirm(request: AuthenticatedRequest, booking_id: int) -> HttpResponse:
    booking = access_booking(request.user, booking_id, roles={Role.ASSESSOR})
    try:
        do_confirm_no_conflict(actor=request.user, booking_id=booking.pk)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Accepted: you confirmed you have no conflict of interest.")
    return redirect("bookings:detail", booking_id=booking.pk)


@login_required
def decline(request: AuthenticatedRequest, booking_id: int) -> HttpResponse:
    """The allocated assessor declines, with a reason; the admin re-allocates."""
    booking = access_booking(request.user, booking_id, roles={Role.ASSESSOR})
    if booking.assessor_id != request.user.pk:
        raise Http404("Not your booking")
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: do_decline_allocation(
                actor=request.user, booking_id=booking.pk, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, "Declined: the EPAO's admins will allocate another assessor.")
            return redirect("bookings:mine")
    return render(request, "bookings/decline.html", {"booking": booking, "form": form})


#: Rows per page of the re-allocation queue.
QUEUE_PAGE = 25


@login_required
def reallocate(request: AuthenticatedRequest) -> HttpResponse:
    """The admin's queue: bookings declined, unanswered too long, or whose assessor can no
    longer take them, to re-allocate (reschedule with another assessor) or cancel."""
    epaos = roles_of(request.user).orgs(Role.EPAO_ADMIN)
    if not epaos:
        raise Http404("Not an EPAO admin")
    page = Paginator(queue(epaos), QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(request, "bookings/reallocate.html", {"page": page})


@login_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    if not roles_of(request.user).has(Role.ASSESSOR):
        raise Http404("Not an assessor")
    return render(request, "bookings/mine.html", {"bookings": allocated_to(request.user)})


@login_required
def mine_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """The assessor's bookings, in the page's order, as CSV or XLSX."""
    return SOURCES.download(request, request.user, "my-bookings", fmt)


@login_required
def conflicts(request: AuthenticatedRequest) -> HttpResponse:
    epaos = roles_of(request.user).orgs(Role.ASSESSOR)
    if not epaos:
        raise Http404("Not an assessor")
    form = ConflictForm(request.POST or None, epao_ids=epaos)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(
            form,
            lambda: do_declare_conflict(
                actor=request.user,
                description=data["description"],
                uln=data["uln"],
                organisation_id=data["organisation"].pk if data["organisation"] else None,
            ),
        )
        if done is not None:
            messages.success(request, "Conflict of interest declared.")
            return redirect("bookings:conflicts")
    return render(
        request,
        "bookings/conflicts.html",
        {"form": form, "declarations": conflicts_of(request.user)},
    )


@login_required
@require_POST
def withdraw_conflict(request: AuthenticatedRequest, declaration_id: int) -> HttpResponse:
    """Only the assessor's own declarations are found; anyone else's id is a 404."""
    declaration = conflicts_of(request.user).filter(pk=declaration_id).first()
    if declaration is None or not roles_of(request.user).has(Role.ASSESSOR):
        raise Http404("No such declaration")
    do_withdraw_conflict(actor=request.user, declaration_id=declaration.pk)
    messages.success(request, "Declaration withdrawn.")
    return redirect("bookings:conflicts")
