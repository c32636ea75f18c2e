"""The EPAO-wide audit log (issue 17 §4): every journey event, every change to an
assessor's profile, every sign-in of the EPAO's people and every role given or taken away at
it, and every email it sent, newest first, in one list read a page at a time.

The records live in four tables (JourneyEvent, ProfileEvent, AccountEvent, OutboxMessage),
each read newest first by its own index; a page takes at most PAGE + 1 rows of each from
the cursor on and merges them, so page 4,000 costs what page 1 costs. The order is (at,
source, id) descending and the cursor is the last row's (at, source, id): every row is on
exactly one page.

The journey and profile events, the bulk of the log, are read as plain values
(`JOURNEY_FIELDS`, `PROFILE_FIELDS`): the fields an entry shows and, of an event's data,
only the two keys its sentence names (read by the database), rather than four model
instances and a decoded JSON document a row."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils.safestring import SafeString, mark_safe

from openepa.accounts.models import AccountEvent, Role, User
from openepa.assessors.queries import profile_events_for_audit
from openepa.core import keyset
from openepa.core.exports import CHUNK, Column, Row, given_and_family, person
from openepa.core.templatetags.govuk import escaped, id_url, long_datetime
from openepa.domain.journey import LABELS, State
from openepa.enrolments.audit import (
    ACCOUNT_KIND,
    EMAIL_KIND,
    PROFILE_KIND,
    AuditFilters,
    account_events_for_audit,
    journey_events_for_audit,
)
from openepa.enrolments.models import JourneyEvent
from openepa.enrolments.sentences import actor_name, sentence
from openepa.notifications.models import OutboxMessage
from openepa.notifications.queries import emails_for_audit

PAGE = 50

#: The order of the sources at the same moment (higher first).
JOURNEY, PROFILE, ACCOUNT, EMAIL = 1, 0, 3, 2
#: Each source's name in the log's "Record" column.
RECORDS = {
    JOURNEY: "Journey event",
    PROFILE: "Profile event",
    ACCOUNT: "Account event",
    EMAIL: "Email",
}


@cache  # a few dozen kinds, read for every row of a download
def kind_words(code: str) -> str:
    """A kind as words ("accept_gateway" → "Accept gateway"; a profile's step
    "profile:update_profile" → "Assessor profile: update profile"): no code reaches a
    person, on the page or in a download."""
    if code.startswith(PROFILE_KIND):
        return f"Assessor profile: {kind_words(code.removeprefix(PROFILE_KIND)).lower()}"
    if code.startswith(ACCOUNT_KIND):
        action = AccountEvent.Action(code.removeprefix(ACCOUNT_KIND))
        return f"Account: {action.label[:1].lower()}{action.label[1:]}"
    if code.startswith(EMAIL_KIND):
        return "Email sent"
    text = code.replace("_", " ")
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Entry:
    at: datetime
    source: int
    pk: int
    who: str
    email: str
    apprentice: str
    uln: str
    enrolment_id: int | None
    kind: str
    what: str
    change: str
    reason: str
    #: The address a sign-in came from (account events only).
    ip_address: str = ""

    @property
    def key(self) -> tuple[datetime, int, int]:
        return (self.at, self.source, self.pk)

    @property
    def record(self) -> str:
        return f"{RECORDS[self.source]} {self.pk}"

    @property
    def url(self) -> str:
        if self.enrolment_id is None:
            return ""
        return id_url(self.enrolment_id, "enrolments:detail")

    @property
    def row(self) -> SafeString:
        """The entry's row of the log's table (`web/audit.html`), written here rather than
        by the template engine: a page has fifty, and through the engine they were most of
        its template time. The markup is the one the template had."""
        url = self.url
        email = f" ({escaped(self.email)})" if self.email else ""
        apprentice = (
            f'<a class="govuk-link" href="{url}">{escaped(self.apprentice)}</a><br>'
            f'<span class="govuk-body-s">ULN {escaped(self.uln)}</span>'
            if url
            else "—"
        )
        reason = _SMALL.format(escaped(self.reason)) if self.reason else ""
        address = _SMALL.format(escaped(f"From {self.ip_address}")) if self.ip_address else ""
        return mark_safe(
            '<tr class="govuk-table__row">'
            '<th scope="row" class="govuk-table__header" data-label="When">'
            f"{escaped(long_datetime(self.at))}</th>"
            '<td class="govuk-table__cell" data-label="What happened">'
            f"{escaped(self.what)}<br>"
            f'<span class="govuk-body-s">By {escaped(self.who)}{email}</span></td>'
            f'<td class="govuk-table__cell" data-label="Apprentice">{apprentice}</td>'
            '<td class="govuk-table__cell" data-label="State change and reason">'
            f"{escaped(self.change or '—')}{reason}{address}</td>"
            "</tr>"
        )


_SMALL = '<br><span class="govuk-body-s">{}</span>'


def _state(value: str) -> str:
    try:
        return LABELS[State(value)]
    except ValueError:
        return value


#: What an entry reads of a journey event (and of its data, the case's kind and the method).
JOURNEY_FIELDS = (
    "pk",
    "at",
    "action",
    "from_state",
    "to_state",
    "reason",
    "enrolment_id",
    "enrolment__apprentice__given_name",
    "enrolment__apprentice__family_name",
    "enrolment__apprentice__uln",
    "actor_id",
    "actor__full_name",
    "actor__email",
    "data_kind",
    "data_method",
)
PROFILE_FIELDS = (
    "pk",
    "at",
    "action",
    "actor__full_name",
    "actor__email",
    "profile__user__full_name",
)


def _journey_rows(events: QuerySet[JourneyEvent]) -> QuerySet[JourneyEvent, Row]:
    annotated = events.annotate(data_kind=KT("data__kind"), data_method=KT("data__method"))
    rows: QuerySet[JourneyEvent, Row] = annotated.values(*JOURNEY_FIELDS)
    return rows


def _journey_entry(event: Row) -> Entry:
    name = given_and_family(event, "enrolment__apprentice__")
    who = person(event["actor__full_name"], event["actor__email"])
    if event["actor_id"] is None:
        who = "OpenEPA"
    change = ""
    if event["from_state"] != event["to_state"] and event["to_state"]:
        change = f"{_state(event['from_state'])} to {_state(event['to_state'])}"
    return Entry(
        at=event["at"],
        source=JOURNEY,
        pk=event["pk"],
        who=who,
        email=event["actor__email"] or "",
        apprentice=name,
        uln=event["enrolment__apprentice__uln"],
        enrolment_id=event["enrolment_id"],
        kind=event["action"],
        what=sentence(
            event["action"], name, by=who, kind=event["data_kind"], method=event["data_method"]
        ),
        change=change,
        reason=event["reason"],
    )


def _profile_entry(event: Row) -> Entry:
    words = event["action"].replace("_", " ")
    who = person(event["actor__full_name"], event["actor__email"])
    return Entry(
        at=event["at"],
        source=PROFILE,
        pk=event["pk"],
        who=who,
        email=event["actor__email"],
        apprentice="",
        uln="",
        enrolment_id=None,
        kind=f"{PROFILE_KIND}{event['action']}",
        what=f"{who}: {words} ({event['profile__user__full_name']}'s assessor profile).",
        change="",
        reason="",
    )


#: What each account event says, from the person who acted and whose account it is about.
ACCOUNT_SENTENCES = {
    AccountEvent.Action.SIGN_IN: "{user} signed in (email and password).",
    AccountEvent.Action.SIGN_IN_FAILED: "A sign-in as {user} failed: the password was not right.",
    AccountEvent.Action.TWO_FACTOR_PASSED: "{user} entered a correct two-factor code.",
    AccountEvent.Action.TWO_FACTOR_FAILED: "{user} entered a two-factor code that was refused.",
    AccountEvent.Action.TWO_FACTOR_SET_UP: "{user} set up two-factor sign-in.",
    AccountEvent.Action.MEMBERSHIP_ADDED: "{actor} made {user} {role} at {organisation}.",
    AccountEvent.Action.MEMBERSHIP_REMOVED: "{actor} took away {user}'s role of {role} at {organisation}.",
}
OPERATOR = "An operator at the command line"


def _account_entry(event: AccountEvent) -> Entry:
    actor = actor_name(event.actor) if event.actor else OPERATOR
    user = event.user.full_name if event.user else "an unknown address"
    role = Role(event.role).label if event.role else ""
    what = ACCOUNT_SENTENCES[AccountEvent.Action(event.action)].format(
        actor=actor,
        user=user,
        role=role,
        organisation=event.organisation.name if event.organisation else "",
    )
    return Entry(
        at=event.at,
        source=ACCOUNT,
        pk=event.pk,
        who=actor,
        email=event.actor.email if event.actor else "",
        apprentice="",
        uln="",
        enrolment_id=None,
        kind=f"{ACCOUNT_KIND}{event.action}",
        what=what[:1].upper() + what[1:],
        change=role,
        reason="",
        ip_address=event.ip_address or "",
    )


def _email_entry(message: OutboxMessage) -> Entry:
    enrolment = message.enrolment
    apprentice = enrolment.apprentice if enrolment else None
    assert message.sent_at is not None  # only sent emails are read
    return Entry(
        at=message.sent_at,
        source=EMAIL,
        pk=message.pk,
        who="OpenEPA",
        email="",
        apprentice=apprentice.name if apprentice else "",
        uln=apprentice.uln if apprentice else "",
        enrolment_id=message.enrolment_id,
        kind=f"{EMAIL_KIND}sent",
        what=f"Email “{message.subject}” sent to {message.recipient}.",
        change="",
        reason="",
    )


def _older_than(cursor: Sequence[object] | None, source: int) -> Q:
    """The rows of `source` after the cursor in the log's order (older)."""
    if cursor is None:
        return Q()
    at = datetime.fromisoformat(str(cursor[0]))
    cursor_source, cursor_pk = int(str(cursor[1])), int(str(cursor[2]))
    if source < cursor_source:
        return Q(at__lte=at)
    if source > cursor_source:
        return Q(at__lt=at)
    return Q(at__lt=at) | Q(at=at, pk__lt=cursor_pk)


@dataclass(frozen=True)
class LogPage:
    entries: list[Entry]
    next_cursor: str
    first: bool


@dataclass(frozen=True)
class _Source[T]:
    number: int
    # Plain values for the journey and profile events, model instances for the rest.
    rows: QuerySet[Model, T]
    entry: Callable[[T], Entry]
    #: The same rows as filtered, before the joins that only read what an entry shows
    #: (the apprentice's name, the actor's): what the download's capped count reads.
    counted: QuerySet[Model, Any]


def _sources(user: User, filters: AuditFilters) -> tuple[_Source[Any], ...]:
    journey = journey_events_for_audit(user, filters)
    profile = profile_events_for_audit(user, filters)
    accounts = account_events_for_audit(user, filters)
    emails = emails_for_audit(user, filters)
    return (
        _Source(JOURNEY, _journey_rows(journey), _journey_entry, journey),
        _Source(PROFILE, profile.values(*PROFILE_FIELDS), _profile_entry, profile),
        # (Their related rows are read by select_related, which a count leaves out.)
        _Source(ACCOUNT, accounts, _account_entry, accounts),
        _Source(EMAIL, emails, _email_entry, emails),
    )


def log_page(user: User, filters: AuditFilters, after: str | None) -> LogPage:
    """PAGE entries after the cursor (the newest without one): a query for each source."""
    cursor = keyset.decode(after, 3)
    entries = [
        source.entry(row)
        for source in _sources(user, filters)
        for row in source.rows.filter(_older_than(cursor, source.number))[: PAGE + 1]
    ]
    entries.sort(key=lambda e: e.key, reverse=True)
    shown = entries[:PAGE]
    next_cursor = ""
    if len(entries) > PAGE:
        last = shown[-1]
        next_cursor = keyset.encode([last.at.isoformat(), last.source, last.pk])
    return LogPage(shown, next_cursor, first=cursor is None)


def every_entry(user: User, filters: AuditFilters) -> Iterator[Entry]:
    """Every entry under the filters, newest first, streamed from every table at once."""
    return merged_sources(user, filters)[0]


def merged_sources(
    user: User, filters: AuditFilters
) -> tuple[Iterator[Entry], tuple[QuerySet[Model, object], ...]]:
    """every_entry, and the query of each table it reads (to count the entries up to a
    limit before reading any: openepa.core.downloads). The count reads each table as
    filtered without the joins an entry's words need: a journey event's apprentice was a
    third of the lookups a counted row cost."""
    sources = _sources(user, filters)
    streams: list[Iterable[Entry]] = [
        map(source.entry, source.rows.iterator(CHUNK)) for source in sources
    ]
    merged = heapq.merge(*streams, key=lambda e: e.key, reverse=True)
    return merged, tuple(source.counted for source in sources)


COLUMNS: tuple[Column[Entry], ...] = (
    Column("When", lambda e: e.at),
    Column("Who", lambda e: e.who),
    Column("Email", lambda e: e.email),
    Column("Apprentice", lambda e: e.apprentice),
    Column("ULN", lambda e: e.uln),
    Column("Enrolment number", lambda e: e.enrolment_id),
    Column("Kind", lambda e: kind_words(e.kind)),
    Column("What happened", lambda e: e.what),
    Column("State change", lambda e: e.change),
    Column("Reason", lambda e: e.reason),
    Column("IP address", lambda e: e.ip_address),
    Column("Record", lambda e: e.record),
)
