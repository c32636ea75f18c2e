"""Links from an enrolment's page to the pages other contexts provide (gateway, bookings,
marking, results).

Those contexts add their pages on their own schedule, so each link names the URL names it
may have and is shown only once one of them exists: the enrolment page never breaks on a
URL that is not there yet. Each link is offered only to the people it is for and, where it
matters, only in the journey states where it makes sense; the target view still checks
access itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.domain.journey import State
from openepa.enrolments.models import Enrolment

APPRENTICE = "apprentice"
ANYONE = frozenset({*(r.value for r in Role), APPRENTICE})


@dataclass(frozen=True)
class ActionLink:
    label: str
    #: URL names taking `enrolment_id`; the first that exists is used.
    url_names: tuple[str, ...]
    #: Who is offered the link: Role values and/or "apprentice".
    offered_to: frozenset[str] = ANYONE
    #: The states in which it is offered; None for any state.
    states: frozenset[State] | None = None


_GATEWAY_DUE = frozenset({State.REGISTERED, State.GATEWAY_REJECTED})
_PARTNERS = frozenset({Role.EMPLOYER.value, Role.PROVIDER.value})
_ADMIN = frozenset({Role.EPAO_ADMIN.value})

LINKS: tuple[ActionLink, ...] = (
    ActionLink("Submit gateway evidence", ("gateway:submit",), _PARTNERS, _GATEWAY_DUE),
    ActionLink(
        "Review the gateway submission",
        ("gateway:review",),
        _ADMIN,
        frozenset({State.GATEWAY_SUBMITTED}),
    ),
    ActionLink("Gateway submissions", ("gateway:review",), _ADMIN | _PARTNERS),
    # Issue 12: English and maths in the training plan; attempts funded, further learning.
    ActionLink("Training plan and attempts funded", ("enrolments:employer_decisions",), _PARTNERS),
    ActionLink(
        "Record the planning meeting",
        ("bookings:planning",),
        _ADMIN,
        frozenset({State.GATEWAY_ACCEPTED}),
    ),
    ActionLink(
        "Book an assessment",
        ("bookings:book",),
        _ADMIN,
        frozenset({State.PLANNING, State.IN_ASSESSMENT, State.RESIT_DUE}),
    ),
    ActionLink("Bookings", ("bookings:enrolment",), _ADMIN),
    ActionLink(
        "Showcase evidence",
        ("evidence:list",),
        _ADMIN | _PARTNERS | {APPRENTICE, Role.ASSESSOR.value},
    ),
    # Issue 5: reasonable adjustments, special considerations, enquiries and appeals.
    ActionLink(
        "Adjustments, special considerations, enquiries and appeals",
        ("cases:enrolment",),
        _ADMIN | _PARTNERS | {APPRENTICE},
    ),
    # Issue 13: where the certificate goes, set by the employer or the EPAO's admins.
    ActionLink(
        "Where the certificate goes",
        ("certificates:postal_contact",),
        _ADMIN | {Role.EMPLOYER.value},
    ),
)


#: (title, URL name taking ``result_id``) of each document a result has; the results
#: context provides it from its AppConfig.ready (openepa.results.catalogue), so the
#: enrolment page lists the PDFs without enrolments importing a later context.
type ResultDocuments = Callable[[Any], list[tuple[str, str]]]
_RESULT_DOCUMENTS: list[ResultDocuments] = []


def list_result_documents(documents: ResultDocuments) -> None:
    if documents not in _RESULT_DOCUMENTS:
        _RESULT_DOCUMENTS.append(documents)


def _documents_of(result: Any) -> list[tuple[str, str]]:
    return [found for documents in _RESULT_DOCUMENTS for found in documents(result)]


def relations(user: User, enrolment: Enrolment) -> frozenset[str]:
    """How `user` relates to this enrolment, from the memberships already loaded (no query).
    An assessor who reached the page is one the access check let through."""
    held = roles_of(user)
    found = {
        Role.EPAO_ADMIN.value: enrolment.epao_id in held.orgs(Role.EPAO_ADMIN),
        Role.ASSESSOR.value: enrolment.epao_id in held.orgs(Role.ASSESSOR),
        Role.IQA.value: enrolment.epao_id in held.orgs(Role.IQA),
        Role.EMPLOYER.value: enrolment.employer_id in held.orgs(Role.EMPLOYER),
        Role.PROVIDER.value: enrolment.provider_id in held.orgs(Role.PROVIDER),
        APPRENTICE: held.apprentice_id == enrolment.apprentice_id,
    }
    return frozenset(name for name, holds in found.items() if holds)


def action_links(user: User, enrolment: Enrolment) -> list[tuple[str, str]]:
    """(label, url) for each link this user is offered that exists in the project now."""
    mine = relations(user, enrolment)
    links: list[tuple[str, str]] = []
    for link in LINKS:
        if not (link.offered_to & mine):
            continue
        if link.states is not None and enrolment.journey_state not in link.states:
            continue
        url = _first_url(link.url_names, {"enrolment_id": enrolment.pk})
        # Two links to one page (the admin's review link and the history) show once.
        if url is not None and url not in {u for _, u in links}:
            links.append((link.label, url))
    return links


def object_links(user: User, enrolment: Enrolment) -> list[tuple[str, str]]:
    """(label, url) for the bookings, marking sheets and results of this enrolment that the
    user may open: the EPAO's admins all of them; an assessor the bookings allocated to
    them; the apprentice, employer and provider the released results (seed 000 §3), each
    with its documents."""
    mine = relations(user, enrolment)
    admin = Role.EPAO_ADMIN.value in mine
    found: list[tuple[str, str]] = []
    if admin or Role.ASSESSOR.value in mine:
        bookings = enrolment.bookings.order_by("starts_at", "pk")
        if not admin:
            bookings = bookings.filter(assessor_id=user.pk)
        for booking in bookings:
            when = f"{booking.get_method_display()}, {timezone.localtime(booking.starts_at):%d %B %Y %H:%M}"
            for label, name in (
                ("Booking", "bookings:detail"),
                ("Marking sheet", "assessments:sheet"),
            ):
                url = _first_url((name,), {"booking_id": booking.pk})
                if url is not None:
                    found.append((f"{label}: {when}", url))
    if admin or mine & ({APPRENTICE} | _PARTNERS):
        results = enrolment.results.order_by("computed_at", "pk")
        if not admin:
            results = results.filter(released_at__isnull=False)
        for result in results:
            state = "released" if result.released_at else "not released yet"
            url = _first_url(("results:detail",), {"result_id": result.pk})
            if url is not None:
                found.append((f"Result: {result.get_grade_display()} ({state})", url))
                # Its PDFs (openepa.documents), which the same people may download.
                for title, url_name in _documents_of(result):
                    link = _first_url((url_name,), {"result_id": result.pk})
                    if link is not None:
                        found.append((f"{title} (PDF), {state}", link))
                    html = _first_url((f"{url_name}_html",), {"result_id": result.pk})
                    if html is not None:
                        found.append((f"{title} (HTML version), {state}", html))
    return found


def _first_url(names: tuple[str, ...], kwargs: dict[str, int]) -> str | None:
    for name in names:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None
