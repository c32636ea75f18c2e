"""Writing outbox messages: the recipients of each notice, the words from the kind's
templates, the calendar invitation of a booking. Writing is idempotent: a message's `key`
(its event or reminder, kind and recipient) is unique, so running a task again finds the
row it wrote the first time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from openepa.bookings.models import Booking
from openepa.documents import render as documents
from openepa.documents import store
from openepa.documents.models import StoredDocument
from openepa.domain.dates import long_date
from openepa.enrolments.domain_data import policy_of, standard_of
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.notifications.ics import booking_calendar
from openepa.notifications.kinds import Calendar, Notice, notices_for
from openepa.notifications.models import OutboxMessage
from openepa.notifications.notices import add_notice, event_target, user_for
from openepa.notifications.recipients import Recipient, resolve
from openepa.results.catalogue import FEEDBACK, kinds_for
from openepa.results.display import KIND_LABELS, plan_lines
from openepa.results.models import OverallResult
from openepa.results.queries import fail_notified_on, plan_for


def link(name: str, **kwargs: Any) -> str:
    """An absolute address for an email (OPENEPA_BASE_URL + the page's path)."""
    return f"{settings.OPENEPA_BASE_URL}{reverse(name, kwargs=kwargs)}"


def when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%A} {long_date(local.date())} at {local:%H:%M}"


def enrolment_context(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "enrolment": enrolment,
        "apprentice": enrolment.apprentice.name,
        "standard": f"{enrolment.standard.reference} {enrolment.standard.title}",
        "epao": enrolment.epao.name,
        "employer": enrolment.employer.name,
        "provider": enrolment.provider.name,
        "enrolment_url": link("enrolments:detail", enrolment_id=enrolment.pk),
    }


def booking_context(booking: Booking) -> dict[str, Any]:
    return {
        "method": booking.get_method_display(),
        "kind": KIND_LABELS.get(booking.kind, booking.kind),
        "when": when(booking.starts_at),
        "duration": booking.duration_minutes,
        "where": "Remote (online)" if booking.remote else booking.venue,
        "assessor": str(booking.assessor),
    }


def result_context(result: OverallResult) -> dict[str, Any]:
    enrolment = result.enrolment
    standard = standard_of(enrolment)
    methods = [
        {"name": m.name, "grade": (result.methods.get(m.code.value) or {}).get("grade", "")}
        for m in standard.methods
        if m.code.value in result.methods
    ]
    plan = plan_for(result)
    notified = fail_notified_on(result)
    next_step = (
        plan_lines(
            plan, policy_of(enrolment), standard, notified=notified, first=result.first_component_on
        )
        if plan is not None and notified is not None
        else None
    )
    return {
        "grade": result.get_grade_display(),
        "capped": result.capped,
        "methods": [{**m, "grade": str(m["grade"]).capitalize()} for m in methods],
        "due_on": long_date(result.due_on) if result.due_on else "",
        "last_component_on": long_date(result.last_component_on),
        "next_step": next_step,
        # The statement of results and the record of achievement or fail letter are
        # attached at send time (openepa.notifications.mailer.attachments_for).
        "result_url": link("results:detail", result_id=result.pk),
    }


@dataclass(frozen=True)
class Draft:
    """What one event or reminder says, before it is addressed to each recipient."""

    enrolment: Enrolment
    context: dict[str, Any]
    event: JourneyEvent | None = None
    booking: Booking | None = None
    #: The booking a reschedule replaced: its cancellation goes to an assessor taken off it.
    previous: Booking | None = None
    #: The result whose documents a results email carries.
    result_id: int | None = None


#: The notices that carry the result's documents (seed 000 §3): the statement of results
#: and, as the grade calls for, the record of achievement or the fail letter. The feedback
#: report stays a download on the result page.
ATTACHING = frozenset({"results_issued", "results_reissued"})


def result_documents(result_id: int) -> list[StoredDocument]:
    """The documents a results email attaches, each rendered once and stored
    (openepa.documents.store): every recipient's message names the same files."""
    result = documents.load(result_id)
    return [store.document_for(kind, result) for kind in kinds_for(result) if kind is not FEEDBACK]


def event_draft(event: JourneyEvent) -> Draft:
    data = event.data or {}
    context: dict[str, Any] = {**enrolment_context(event.enrolment), "reason": event.reason}
    booking = previous = None
    if "booking" in data:
        booking = Booking.objects.select_related("assessor").get(pk=data["booking"])
        context["booking"] = booking_context(booking)
        if "replaces" in data:
            previous = Booking.objects.select_related("assessor").get(pk=data["replaces"])
            context["previous"] = booking_context(previous)
    if "result_id" in data:
        result = OverallResult.objects.select_related("enrolment").get(pk=data["result_id"])
        result.enrolment = event.enrolment
        context["result"] = result_context(result)
    return Draft(
        event.enrolment,
        context,
        event=event,
        booking=booking,
        previous=previous,
        result_id=int(data["result_id"]) if "result_id" in data else None,
    )


def _render(kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    base = f"notifications/email/{kind}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    return (
        subject,
        render_to_string(f"{base}.txt", context),
        render_to_string(f"{base}.html", context),
    )


def write(
    *,
    key: str,
    notice: Notice,
    recipient: Recipient,
    draft: Draft,
    attached: list[StoredDocument] | None = None,
) -> OutboxMessage:
    """The message for this key, written now unless an earlier run wrote it, carrying the
    stored documents `attached`."""
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    context = {**draft.context, "recipient": recipient.name, "audience": recipient.audience.value}
    subject, text, html = _render(notice.kind, context)
    ics = ""
    # A cancellation after a reschedule cancels the old times; anything else is the booking.
    booking = (draft.previous if notice.calendar == Calendar.CANCEL else None) or draft.booking
    if notice.calendar is not None and booking is not None:
        summary = f"{booking.get_method_display()}: end-point assessment of {context['apprentice']}"
        ics = booking_calendar(booking, notice.calendar, summary=summary)
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "kind": notice.kind,
            "recipient": recipient.email,
            "subject": subject[:255],
            "text_body": text,
            "html_body": html,
            "ics": ics,
            "enrolment": draft.enrolment,
            "epao_id": draft.enrolment.epao_id,
            "event": draft.event,
        },
    )
    if created:
        add_notice(message, user=user_for(recipient.email), url=_target(recipient, draft))
    if created and attached:
        link = OutboxMessage.documents.through
        link.objects.bulk_create(
            link(outboxmessage_id=message.pk, storeddocument_id=document.pk)
            for document in attached
        )
    return message


def _target(recipient: Recipient, draft: Draft) -> str:
    return event_target(
        audience=recipient.audience,
        enrolment_id=draft.enrolment.pk,
        result_id=draft.result_id,
        booking=draft.booking,
        previous=draft.previous,
    )


def messages_for_event(event_id: int) -> list[int]:
    """Write the messages a JourneyEvent sends (openepa.notifications.kinds.NOTICES) and
    return the ids of those still to be sent."""
    event = JourneyEvent.objects.select_related(
        "enrolment__apprentice__user",
        "enrolment__standard",
        "enrolment__epao",
        "enrolment__employer",
        "enrolment__provider",
        "enrolment__policy",
    ).get(pk=event_id)
    notices = notices_for(event.action)
    if not notices:
        return []
    with transaction.atomic():
        draft = event_draft(event)
        to_send = []
        # Rendered (or found stored) once for the event, named by every recipient's email.
        attaching = draft.result_id is not None and any(n.kind in ATTACHING for n in notices)
        attached = result_documents(draft.result_id) if attaching and draft.result_id else []
        for notice in notices:
            for recipient in resolve(notice.audiences, event.enrolment, event.data or {}):
                key = f"event:{event.pk}:{notice.kind}:{recipient.email.lower()}"
                message = write(
                    key=key,
                    notice=notice,
                    recipient=recipient,
                    draft=draft,
                    attached=attached if notice.kind in ATTACHING else None,
                )
                if message.state == OutboxMessage.State.QUEUED:
                    to_send.append(message.pk)
    return to_send


def reminder_key(notice: Notice, enrolment_id: int, *parts: object) -> str:
    return ":".join(["reminder", notice.kind, str(enrolment_id), *map(str, parts)])
