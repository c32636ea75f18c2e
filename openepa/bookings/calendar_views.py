"""The calendars (day, week and month), the private calendar feeds and the missed-assessment
pages. Thin: scope or access, form, action, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.assessors.models import REGION_CHOICES
from openepa.bookings.access import access_booking
from openepa.bookings.actions import (
    MISSED_REASONS,
    do_decide_missed_assessment,
    do_record_missed_assessment,
)
from openepa.bookings.calendar import (
    CALENDAR_MAX,
    Period,
    Scope,
    Span,
    bookings_in,
    by_day,
    shown,
)
from openepa.bookings.feeds import (
    FEED_AHEAD,
    FEED_PAST,
    do_regenerate_calendar_feed,
    feed_for_token,
    feed_text,
    feeds_of,
    token_of,
)
from openepa.bookings.forms import DecideMissedForm, MissedForm
from openepa.bookings.models import Booking, CalendarFeed
from openepa.core.actions_ui import run_action
from openepa.core.refusals import ActionRefused
from openepa.gateway.queries import rules_for


def _shown(request: AuthenticatedRequest) -> tuple[Scope, Span, Period]:
    """Whose bookings, which view and which period the query string asks for (404 for a
    role with no calendar)."""
    return shown(request.user, request.GET)


@login_required
def calendar(request: AuthenticatedRequest) -> HttpResponse:
    """?view=day|week|month&date=YYYY-MM-DD, and for admins &assessor=<id> or &region=."""
    get = request.GET
    scope, span, period = _shown(request)
    rows = bookings_in(scope, period)
    filters = {
        k: v
        for k, v in (("assessor", get.get("assessor", "")), ("region", get.get("region", "")))
        if v
    }

    def link(**changes: str) -> str:
        query = {"view": span.value, "date": period.first.isoformat(), **filters, **changes}
        return f"{reverse('bookings:calendar')}?{urlencode(query)}"

    today = timezone.localdate()
    return render(
        request,
        "bookings/calendar.html",
        {
            "scope": scope,
            "period": period,
            "days": by_day(period, rows[:CALENDAR_MAX]),
            "more": len(rows) > CALENDAR_MAX,
            "limit": CALENDAR_MAX,
            "today": today,
            "previous_url": link(date=period.previous().isoformat()),
            "next_url": link(date=period.next().isoformat()),
            "today_url": link(date=today.isoformat()),
            "span_links": [
                {"label": s.value.title(), "url": link(view=s.value), "current": s == span}
                for s in Span
            ],
            "regions": REGION_CHOICES,
            "span_label": {"day": "day", "week": "week", "month": "month"}[span.value],
        },
    )


@login_required
def calendar_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """The calendar's bookings as filtered (the same view, day and assessor or region), every
    one of the period in time order, as CSV or XLSX: the admins' list of bookings."""
    return SOURCES.download(request, request.user, "bookings", fmt)


@login_required
def feeds(request: AuthenticatedRequest) -> HttpResponse:
    """The user's private calendar feeds: see the URL, create or regenerate it."""
    roles = roles_of(request.user)
    wanted = [(e, CalendarFeed.Scope.ASSESSOR) for e in sorted(roles.orgs(Role.ASSESSOR))]
    wanted += [(e, CalendarFeed.Scope.EPAO) for e in sorted(roles.orgs(Role.EPAO_ADMIN))]
    if not wanted:
        raise Http404("No calendar feeds")
    if request.method == "POST":
        try:
            do_regenerate_calendar_feed(
                actor=request.user,
                epao_id=int(request.POST.get("epao", "0") or 0),
                scope=request.POST.get("scope", ""),
            )
        except (ActionRefused, ValueError):
            raise Http404("No such feed") from None
        messages.success(
            request, "Your calendar feed has a new address; the old one no longer works."
        )
        return redirect("bookings:feeds")
    have = feeds_of(request.user)
    names = {
        m.organisation_id: m.organisation.name
        for m in request.user.memberships.select_related("organisation")
    }
    rows = []
    for epao_id, scope in wanted:
        feed = have.get((epao_id, scope))
        url = ""
        if feed is not None:
            url = request.build_absolute_uri(reverse("bookings:feed", args=[token_of(feed)]))
        rows.append(
            {
                "epao_id": epao_id,
                "epao": names.get(epao_id, ""),
                "scope": scope,
                "label": CalendarFeed.Scope(scope).label,
                "feed": feed,
                "url": url,
            }
        )
    return render(
        request,
        "bookings/feeds.html",
        {"rows": rows, "past_days": FEED_PAST.days, "ahead_days": FEED_AHEAD.days},
    )


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed itself: no sign-in (calendar apps cannot), the token is the secret;
    a wrong or revoked token is a 404."""
    found = feed_for_token(token)
    if found is None:
        raise Http404("No such calendar feed")
    body = feed_text(
        found, lambda b: request.build_absolute_uri(reverse("bookings:detail", args=[b.pk]))
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def missed(request: AuthenticatedRequest, booking_id: int) -> HttpResponse:
    """The allocated assessor records that the apprentice did not attend, or that the
    assessment could not go ahead."""
    booking = access_booking(request.user, booking_id, roles={Role.ASSESSOR})
    form = MissedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: do_record_missed_assessment(
                actor=request.user,
                booking_id=booking.pk,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, "Recorded. The EPAO's admins will decide what happens next.")
            return redirect("bookings:detail", booking_id=booking.pk)
    return render(request, "bookings/missed.html", {"booking": booking, "form": form})


@login_required
def decide_missed(request: AuthenticatedRequest, booking_id: int) -> HttpResponse:
    """The admin decides a missed assessment: it does not count (cancel and rebook) or it
    counts as a failed attempt. The policy's setting, or the product default where the
    policy is silent, is the choice offered first."""
    booking = access_booking(request.user, booking_id, roles={Role.EPAO_ADMIN})
    if not booking.outcome or booking.status != Booking.Status.ACTIVE:
        messages.info(request, "There is nothing to decide: no missed assessment is recorded.")
        return redirect("bookings:detail", booking_id=booking.pk)
    _, policy = rules_for(booking.enrolment)
    default = "counts" if policy.missed_assessments.counts else "rebook"
    form = DecideMissedForm(request.POST or None, initial={"decision": default})
    if request.method == "POST" and form.is_valid():
        counts = form.cleaned_data["decision"] == "counts"
        done = run_action(
            form,
            lambda: do_decide_missed_assessment(
                actor=request.user,
                booking_id=booking.pk,
                counts=counts,
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                "Decided: it counts as an attempt, and the method is failed at this attempt. "
                "Its next booking is a resit or retake."
                if counts
                else "Decided: it does not count as an attempt. Book the assessment again.",
            )
            return redirect("bookings:enrolment", enrolment_id=booking.enrolment_id)
    return render(
        request,
        "bookings/decide_missed.html",
        {
            "booking": booking,
            "form": form,
            "what": MISSED_REASONS.get(booking.outcome, ""),
            "policy": policy,
        },
    )
