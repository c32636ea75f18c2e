"""Writing outbox messages: the recipients of each notice, the words from the kind's
templates, the calendar invitation of a booking. Writing is idempotent: a message's `key`
(its event or reminder, kind and recipient) is unique, so running a task again finds the
row it wrote the first time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid

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
from openepa.notifications.notices import (
    add_new_notices,
    add_notice,
    event_target,
    user_for,
    users_for,
)
from openepa.notifications.recipients import Recipient, resolve
from openepa.results.catalogue import FEEDBACK, kinds_for
from openepa.results.display import KIND_LABELS, plan_lines
from openepa.results.models import OverallResult
from openepa.results.queries import fail_notified_on, plan_for


def link(name: str, **kwargs: str | int) -> str:
    """An absolute address for an email (OPENEPA_BASE_URL + the page's path)."""
    return f"{settings.OPENEPA_BASE_URL}{reverse(name, kwargs=kwargs)}"


def when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%A} {long_date(local.date())} at {local:%H:%M}"


def enrolment_context(enrolment: Enrolment) -> dict[str, object]:
    return {
        "enrolment": enrolment,
        "apprentice": enrolment.apprentice.name,
        "standard": f"{enrolment.standard.reference} {enrolment.standard.title}",
        "epao": enrolment.epao.name,
        "employer": enrolment.employer.name,
        "provider": enrolment.provider.name,
        "enrolment_url": link("enrolments:detail", enrolment_id=enrolment.pk),
    }


def booking_context(booking: Booking) -> dict[str, object]:
    return {
        "method": booking.get_method_display(),
        "kind": KIND_LABELS.get(booking.kind, booking.kind),
        "when": when(booking.starts_at),
        "duration": booking.duration_minutes,
        "where": "Remote (online)" if booking.remote else booking.venue,
        "assessor": str(booking.assessor),
    }


def result_context(result: OverallResult) -> dict[str, object]:
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
    context: dict[str, object]
    event: JourneyEvent | None = None
    booking: Booking | None = None
    #: The booking a reschedule replaced: its cancellation goes to an assessor taken off it.
    previous: Booking | None = None
    #: The result whose documents a results email carries.
    result_id: int | None = None
    #: That result, loaded with what its documents need (openepa.documents.render.load).
    result: OverallResult | None = None


#: The notices that carry the result's documents (seed 000 §3): the statement of results
#: and, as the grade calls for, the record of achievement or the fail letter. The feedback
#: report stays a download on the result page.
ATTACHING = frozenset({"results_issued", "results_reissued"})


def result_documents(result_id: int) -> list[StoredDocument]:
    """The documents a results email attaches, each rendered once and stored
    (openepa.documents.store): every recipient's message names the same files."""
    return documents_of(documents.load(result_id))


def documents_of(result: OverallResult) -> list[StoredDocument]:
    """result_documents of a result loaded as openepa.documents.render.load loads it."""
    return [store.document_for(kind, result) for kind in kinds_for(result) if kind is not FEEDBACK]


def event_draft(event: JourneyEvent) -> Draft:
    data = event.data or {}
    context: dict[str, object] = {**enrolment_context(event.enrolment), "reason": event.reason}
    booking = previous = None
    if "booking" in data:
        booking = Booking.objects.select_related("assessor").get(pk=data["booking"])
        context["booking"] = booking_context(booking)
        if "replaces" in data:
            previous = Booking.objects.select_related("assessor").get(pk=data["replaces"])
            context["previous"] = booking_context(previous)
    result = None
    if "result_id" in data:
        # The event's enrolment was read with all the documents need but who released it.
        result = OverallResult.objects.select_related("released_by").get(pk=data["result_id"])
        result.enrolment = event.enrolment
        context["result"] = result_context(result)
    return Draft(
        event.enrolment,
        context,
        event=event,
        booking=booking,
        previous=previous,
        result_id=int(data["result_id"]) if "result_id" in data else None,
        result=result,
    )


def _render(kind: str, context: dict[str, object]) -> tuple[str, str, str]:
    base = f"notifications/email/{kind}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    return (
        subject,
        render_to_string(f"{base}.txt", context),
        render_to_string(f"{base}.html", context),
    )


def unsaved(*, key: str, notice: Notice, recipient: Recipient, draft: Draft) -> OutboxMessage:
    """The message for this key, its words rendered, not yet saved. Its Message-ID is given
    now (the same through every retry; the mail server's log finds it by it)."""
    context = {**draft.context, "recipient": recipient.name, "audience": recipient.audience.value}
    subject, text, html = _render(notice.kind, context)
    ics = ""
    # A cancellation after a reschedule cancels the old times; anything else is the booking.
    booking = (draft.previous if notice.calendar == Calendar.CANCEL else None) or draft.booking
    if notice.calendar is not None and booking is not None:
        summary = f"{booking.get_method_display()}: end-point assessment of {context['apprentice']}"
        ics = booking_calendar(booking, notice.calendar, summary=summary)
    return OutboxMessage(
        key=key,
        kind=notice.kind,
        recipient=recipient.email,
        subject=subject[:255],
        text_body=text,
        html_body=html,
        ics=ics,
        enrolment=draft.enrolment,
        epao_id=draft.enrolment.epao_id,
        event=draft.event,
        message_id=make_msgid(domain=message_id_domain()),
    )


def message_id_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "openepa.localhost"


def write(*, key: str, notice: Notice, recipient: Recipient, draft: Draft) -> OutboxMessage:
    """The message for this key, written now unless an earlier run wrote it."""
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    message = unsaved(key=key, notice=notice, recipient=recipient, draft=draft)
    found, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={name: getattr(message, name) for name in WRITTEN},
    )
    if created:
        add_notice(found, user=user_for(recipient.email), url=_target(recipient, draft))
    return found


#: The columns `unsaved` fills (all but the key, the id and what sending records).
WRITTEN = (
    "kind",
    "recipient",
    "subject",
    "text_body",
    "html_body",
    "ics",
    "enrolment_id",
    "epao_id",
    "event_id",
    "message_id",
)


def write_all(
    planned: list[tuple[str, Notice, Recipient]],
    draft: Draft,
    attached: list[StoredDocument],
) -> list[OutboxMessage]:
    """The messages of these (key, notice, recipient), those an earlier run wrote found and
    the others written in one insert, each attaching notice carrying the stored documents
    `attached` (one insert for all the links). Two runs at once for the same keys: the
    second's insert breaks the keys' uniqueness and its transaction rolls back (its task is
    retried, and then finds them)."""
    unique: dict[str, tuple[str, Notice, Recipient]] = {}
    for item in planned:  # each key once (one address in two audiences)
        unique.setdefault(item[0], item)
    planned = list(unique.values())
    found = {m.key: m for m in OutboxMessage.objects.filter(key__in=[k for k, _, _ in planned])}
    new = [
        unsaved(key=key, notice=notice, recipient=recipient, draft=draft)
        for key, notice, recipient in planned
        if key not in found
    ]
    OutboxMessage.objects.bulk_create(new)
    recipients = {key: recipient for key, _, recipient in planned}
    # The same message in the app, for each recipient with an account (all read at once).
    users = users_for([message.recipient for message in new]) if new else {}
    add_new_notices(
        [
            (message, users[message.recipient], _target(recipients[message.key], draft))
            for message in new
            if message.recipient in users
        ]
    )
    link = OutboxMessage.documents.through
    link.objects.bulk_create(
        link(outboxmessage_id=message.pk, storeddocument_id=document.pk)
        for message in new
        if message.kind in ATTACHING
        for document in attached
    )
    found |= {m.key: m for m in new}
    return [found[key] for key, _, _ in planned]


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
    with transaction.atomic(savepoint=False):  # inside the task's transaction: no savepoint
        draft = event_draft(event)
        # Rendered (or found stored) once for the event, named by every recipient's email.
        attaching = draft.result_id is not None and any(n.kind in ATTACHING for n in notices)
        attached = documents_of(draft.result) if attaching and draft.result is not None else []
        planned = [
            (f"event:{event.pk}:{notice.kind}:{recipient.email.lower()}", notice, recipient)
            for notice in notices
            for recipient in resolve(notice.audiences, event.enrolment, event.data or {})
        ]
        messages = write_all(planned, draft, attached)
    return [m.pk for m in messages if m.state == OutboxMessage.State.QUEUED]


def reminder_key(notice: Notice, enrolment_id: int, *parts: object) -> str:
    return ":".join(["reminder", notice.kind, str(enrolment_id), *map(str, parts)])
