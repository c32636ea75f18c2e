"""Pre-scoped reads of enrolments: every list starts from what the user may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.domain.journey import State
from openepa.domain.search import Terms
from openepa.enrolments.models import Enrolment, JourneyEvent, StateCount
from openepa.enrolments.sentences import event_sentence, visible_events
from openepa.organisations.models import Organisation

#: Everyone who sees an enrolment's own page: the IQA is left out on purpose, they see
#: samples of decisions through quality assurance, not the apprentice's record (DESIGN.md §1).
RECORD_ROLES = frozenset({Role.EPAO_ADMIN, Role.EMPLOYER, Role.PROVIDER, Role.ASSESSOR})

#: Where the employer or provider has to act next (issue 3 §1): submit or resubmit gateway.
NEEDS_EMPLOYER_OR_PROVIDER = (State.REGISTERED.value, State.GATEWAY_REJECTED.value)


def visibility(
    user: User, *, roles: Collection[Role] | None = None, apprentice: bool = True
) -> Q | None:
    """The enrolments a user may see, as a filter; None when they may see none.

    EPAO admins and IQAs: their EPAO's enrolments. Employers and providers: their own
    apprentices. Assessors: enrolments with a booking allocated to them. Apprentices: their
    own record (DESIGN.md §1). `roles` narrows this to what the user sees through those
    roles (and, when `apprentice` is true, as the apprentice themselves)."""
    held = roles_of(user)

    def through(role: Role) -> bool:
        return held.has(role) and (roles is None or role in roles)

    clauses: list[Q] = []
    if through(Role.EPAO_ADMIN):
        clauses.append(Q(epao_id__in=held.orgs(Role.EPAO_ADMIN)))
    if through(Role.IQA):
        clauses.append(Q(epao_id__in=held.orgs(Role.IQA)))
    if through(Role.EMPLOYER):
        clauses.append(Q(employer_id__in=held.orgs(Role.EMPLOYER)))
    if through(Role.PROVIDER):
        clauses.append(Q(provider_id__in=held.orgs(Role.PROVIDER)))
    if through(Role.ASSESSOR):
        clauses.append(Q(bookings__assessor_id=user.pk, epao_id__in=held.orgs(Role.ASSESSOR)))
    if held.is_apprentice and (roles is None or apprentice):
        clauses.append(Q(apprentice_id=held.apprentice_id))
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


def _with_relations(queryset: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return queryset.select_related(
        "apprentice", "employer", "provider", "epao", "policy", "standard"
    )


def enrolments_for(
    user: User, *, roles: Collection[Role] | None = None, apprentice: bool = True
) -> QuerySet[Enrolment]:
    """What `user` may see (optionally only through `roles`, see `visibility`)."""
    q = visibility(user, roles=roles, apprentice=apprentice)
    if q is None:
        return Enrolment.objects.none()
    ids = Enrolment.objects.filter(q).values("pk")  # the bookings join may repeat rows
    return _with_relations(Enrolment.objects.filter(pk__in=ids))


#: The order of the apprentice lists, and their keyset (the apprentice's name index, the
#: enrolment's id breaking ties): a page is read from the previous page's last row.
BY_NAME = ("apprentice__family_name", "apprentice__given_name", "pk")


def my_apprentices(user: User) -> QuerySet[Enrolment]:
    """The "My apprentices" list: the enrolments whose page the user may open."""
    return enrolments_for(user, roles=RECORD_ROLES).order_by(*BY_NAME)


def pipeline_for(user: User) -> QuerySet[Enrolment]:
    """Every enrolment of the EPAOs the user administers."""
    epao_ids = roles_of(user).orgs(Role.EPAO_ADMIN)
    return _with_relations(Enrolment.objects.filter(epao_id__in=epao_ids)).order_by(*BY_NAME)


def kept_counts(epao_ids: Collection[int]) -> list[tuple[State, int]]:
    """(state, count) for every state in journey order, zeros included, over the EPAOs'
    enrolments: read from the counts the database keeps with every write (StateCount), so
    one small query whatever the number of enrolments."""
    found: dict[str, int] = defaultdict(int)
    rows = StateCount.objects.filter(epao_id__in=list(epao_ids)).values_list("state", "n")
    for state, n in rows:
        found[state] += n
    return [(state, found.get(state.value, 0)) for state in State]


def kept_count(epao_ids: Collection[int], state: State) -> int:
    """How many of the EPAOs' enrolments are in `state` (see `kept_counts`)."""
    return dict(kept_counts(epao_ids))[state]


def pipeline_counts(
    user: User, everything: QuerySet[Enrolment], filters: Filters
) -> list[tuple[State, int]]:
    """The pipeline's counts by state under every filter but the state: the kept counts
    when no other filter narrows the list, else counted over the narrowed list (an index
    on EPAO, employer or provider and state serves the filters)."""
    if filters == Filters(state=filters.state):
        return kept_counts(roles_of(user).orgs(Role.EPAO_ADMIN))
    return counts_by_state(apply_filters(everything, filters, with_state=False))


def with_overdue(queryset: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate `overdue` on each row, in the same query as the rows."""
    return queryset.annotate(overdue=Exists(_overdue_results(timezone.localdate())))


def _overdue_results(today: date) -> QuerySet[Any]:
    """The enrolment's results computed but not released by their due date (seed 004: 10
    working days), correlated with the enrolment row, so the database checks only the rows
    it lists (by the result's enrolment index) rather than every enrolment's results. The
    results model is reached through the reverse relation, so that enrolments, an earlier
    context, does not import the results context."""
    results = Enrolment._meta.get_field("results").related_model
    return results._default_manager.filter(
        enrolment_id=OuterRef("pk"),
        released_at__isnull=True,
        superseded_at__isnull=True,  # as the results list: the partial index's rows
        due_on__lt=today,
    )


@dataclass(frozen=True)
class Filters:
    state: str = ""
    employer_id: int | None = None
    provider_id: int | None = None
    assessor_id: int | None = None
    overdue: bool = False
    search: str = ""


def search(queryset: QuerySet[Enrolment], text: str) -> QuerySet[Enrolment]:
    """Every word must match the ULN or the given or family name (case-insensitive), so
    "ada love" finds Ada Lovelace."""
    for word in text.split():
        queryset = queryset.filter(
            Q(apprentice__uln__startswith=word)
            | Q(apprentice__given_name__icontains=word)
            | Q(apprentice__family_name__icontains=word)
        )
    return queryset


def apply_filters(
    queryset: QuerySet[Enrolment], filters: Filters, *, with_state: bool = True
) -> QuerySet[Enrolment]:
    """Narrow a list by the pipeline's filters; `with_state=False` leaves the state out so
    the counts by state can reflect every other filter."""
    if with_state and filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.employer_id is not None:
        queryset = queryset.filter(employer_id=filters.employer_id)
    if filters.provider_id is not None:
        queryset = queryset.filter(provider_id=filters.provider_id)
    if filters.assessor_id is not None:
        # Exists rather than a join: an enrolment with several bookings stays one row.
        queryset = queryset.filter(
            Exists(
                Enrolment.objects.filter(
                    pk=OuterRef("pk"), bookings__assessor_id=filters.assessor_id
                )
            )
        )
    if filters.overdue:
        queryset = queryset.filter(Exists(_overdue_results(timezone.localdate())))
    if filters.search:
        queryset = search(queryset, filters.search)
    return queryset


def counts_by_state(queryset: QuerySet[Enrolment]) -> list[tuple[State, int]]:
    """(state, count) for every state in journey order, zeros included, in one query."""
    rows = queryset.order_by().values_list("state").annotate(n=Count("pk"))
    found: dict[str, int] = dict(rows)
    return [(state, found.get(state.value, 0)) for state in State]


def needing_action(user: User) -> QuerySet[Enrolment]:
    """The employer's or provider's apprentices waiting for them: gateway to submit or to
    resubmit after a rejection (issue 3 §1)."""
    # Employers and providers see their enrolments by a column of the enrolment (no join
    # that could repeat a row), so the filter is applied directly; with only the relations
    # the home page shows, the query plans in a few milliseconds rather than a hundred.
    q = visibility(user, roles={Role.EMPLOYER, Role.PROVIDER}, apprentice=False)
    if q is None:
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(q, state__in=NEEDS_EMPLOYER_OR_PROVIDER)
        .select_related("apprentice", "employer")
        .order_by("created_at", "pk")
    )


def own_enrolments(user: User) -> QuerySet[Enrolment]:
    """An apprentice's own enrolments."""
    apprentice_id = roles_of(user).apprentice_id
    if apprentice_id is None:
        return Enrolment.objects.none()
    return _with_relations(Enrolment.objects.filter(apprentice_id=apprentice_id)).order_by("pk")


def timeline(enrolment: Enrolment, user: User) -> list[tuple[JourneyEvent, str]]:
    """Each event the user may read, oldest first, with its sentence. The apprentice, the
    employer and the provider do not see the internal quality assurance of a decision."""
    held = roles_of(user)
    internal = enrolment.epao_id in held.orgs(Role.EPAO_ADMIN) | held.orgs(Role.IQA)
    events = enrolment.events.select_related("actor").order_by("at", "id")
    name = enrolment.apprentice.name
    return [(e, event_sentence(e, name)) for e in visible_events(events, internal=internal)]


# Header search (issue 17 §3) -----------------------------------------------------------


def apprentice_matches(terms: Terms, prefix: str = "apprentice__") -> Q | None:
    """The rows whose apprentice (reached through `prefix`) the terms name: the ULN exactly
    (its unique index), or every word in the given or family name (case-insensitive: on
    PostgreSQL UPPER(name) LIKE '%WORD%', served by the trigram indexes of migration 0005).
    None when the terms name no apprentice (a bare number)."""
    if terms.uln:
        return Q(**{f"{prefix}uln": terms.uln})
    if not terms.words:
        return None
    q = Q()
    for word in terms.words:
        q &= Q(**{f"{prefix}given_name__icontains": word}) | Q(
            **{f"{prefix}family_name__icontains": word}
        )
    return q


def records_matching(user: User, terms: Terms) -> QuerySet[Enrolment]:
    """The enrolments whose page the user may open (RECORD_ROLES, not as an apprentice)
    that the terms name: by apprentice, or by the enrolment's number; by name."""
    wanted = apprentice_matches(terms)
    if terms.number is not None:
        wanted = Q(pk=terms.number)
    if wanted is None:
        return Enrolment.objects.none()
    found = enrolments_for(user, roles=RECORD_ROLES, apprentice=False).filter(wanted)
    return found.order_by(*BY_NAME)


def partners_matching(user: User, terms: Terms) -> QuerySet[Organisation]:
    """The employers and providers with an enrolment at the EPAOs the user administers,
    named by every word (or by their UKPRN, eight digits), by name."""
    epao_ids = list(roles_of(user).orgs(Role.EPAO_ADMIN))
    if not epao_ids:
        return Organisation.objects.none()
    if terms.number is not None:
        named = Q(ukprn=str(terms.number))
    elif terms.words:
        named = Q()
        for word in terms.words:
            named &= Q(name__icontains=word)
    else:
        return Organisation.objects.none()
    works_with = Exists(
        Enrolment.objects.filter(employer_id=OuterRef("pk"), epao_id__in=epao_ids)
    ) | Exists(Enrolment.objects.filter(provider_id=OuterRef("pk"), epao_id__in=epao_ids))
    return Organisation.objects.filter(
        named,
        works_with,
        kind__in=[Organisation.Kind.EMPLOYER, Organisation.Kind.PROVIDER],
    ).order_by("name", "pk")


#: The stages the employer's, provider's and apprentice's home figures count, each a
#: filter of "My apprentices" (`?stage=`): (words, journey states).
STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "gateway": ("Ready to submit for gateway", NEEDS_EMPLOYER_OR_PROVIDER),
    "booked": (
        "Planned or booked for assessment",
        (State.GATEWAY_ACCEPTED.value, State.PLANNING.value, State.IN_ASSESSMENT.value),
    ),
    "results": (
        "Results issued",
        (State.RESULTS_ISSUED.value, State.RESIT_DUE.value, State.COMPLETED.value),
    ),
}


def in_stage(queryset: QuerySet[Enrolment], stage: str) -> QuerySet[Enrolment]:
    """Narrow a list to one of STAGES (an unknown stage narrows nothing)."""
    if stage not in STAGES:
        return queryset
    return queryset.filter(state__in=STAGES[stage][1])


def stage_counts(queryset: QuerySet[Enrolment]) -> dict[str, int]:
    """How many of the list are in each of STAGES: one query."""
    return queryset.order_by().aggregate(
        **{key: Count("pk", filter=Q(state__in=states)) for key, (_, states) in STAGES.items()}
    )
