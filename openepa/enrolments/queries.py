"""Pre-scoped reads of enrolments: every list starts from what the user may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Lower
from django.db.models.lookups import Contains
from django.utils import timezone

from openepa.accounts.models import Membership, Role, User
from openepa.accounts.roles import roles_of
from openepa.domain.journey import State
from openepa.domain.search import TRIGRAM, Terms
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
        # EXISTS rather than a join on bookings: an enrolment with several of the
        # assessor's bookings stays one row, with no DISTINCT or IN (subquery) around it.
        bookings = Enrolment._meta.get_field("bookings").related_model._default_manager
        allocated = Exists(bookings.filter(enrolment_id=OuterRef("pk"), assessor_id=user.pk))
        clauses.append(Q(allocated, epao_id__in=held.orgs(Role.ASSESSOR)))
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
    return _with_relations(Enrolment.objects.filter(q))


#: The order of the apprentice lists, and their keyset (the apprentice's name index, the
#: enrolment's id breaking ties): a page is read from the previous page's last row.
BY_NAME = ("apprentice__family_name", "apprentice__given_name", "pk")

#: The same order, on copies of the names the database cannot read from the name index
#: (`by_name_of_matches`); the cursors hold the same values, so links work in either.
BY_NAME_OF_MATCHES = ("sort_family_name", "sort_given_name", "pk")

#: A search matching at most this many enrolments is sorted after matching (see
#: `by_name_of_matches`); one matching more is read along the name index.
SORT_MATCHES_UP_TO = 10_000


def by_name_of_matches(queryset: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """A searched list, ordered by name without the name index: PostgreSQL otherwise
    reads the index from A and filters, and for a name late in the alphabet ("Patel")
    passes over two thirds of the apprentices for 25 rows (150 ms at 100,000), where the
    trigram indexes find the 2,000 matches and sorting them takes a few milliseconds.
    The names are the enrolment's own copies of its apprentice's (migration 0011), which
    no index orders, so the matches are sorted without joining their apprentices.
    Order with BY_NAME_OF_MATCHES."""
    return queryset.annotate(
        sort_family_name=F("family_name_copy"), sort_given_name=F("given_name_copy")
    )


def for_lists(queryset: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Only what a list's row shows joined (apprentice, employer, provider): fewer tables
    for PostgreSQL to plan (eight took it 15–45 ms a page)."""
    return queryset.select_related(None).select_related("apprentice", "employer", "provider")


#: What a list's row shows (enrolments/_table.html): reading only these, a page's 26 rows
#: are some 300 values rather than 1,800.
LIST_ROW_FIELDS = (
    "state",
    "apprentice__given_name",
    "apprentice__family_name",
    "apprentice__uln",
    "employer__name",
    "provider__name",
)


def my_apprentices(user: User) -> QuerySet[Enrolment]:
    """The "My apprentices" list: the enrolments whose page the user may open, ordered by
    BY_NAME_OF_MATCHES: an employer's or provider's own are few beside the EPAO's, found
    by their index and sorted, rather than picked out along the name index of all."""
    mine = for_lists(enrolments_for(user, roles=RECORD_ROLES))
    return by_name_of_matches(mine).order_by(*BY_NAME_OF_MATCHES)


def pipeline_for(user: User) -> QuerySet[Enrolment]:
    """Every enrolment of the EPAOs the user administers."""
    epao_ids = roles_of(user).orgs(Role.EPAO_ADMIN)
    return for_lists(Enrolment.objects.filter(epao_id__in=epao_ids)).order_by(*BY_NAME)


def last_acted_at(user: User) -> datetime | None:
    """When the user last changed an apprentice's journey, themselves or through the work a
    worker does for them (a bulk upload, a planner's proposal applied): the newest of their
    journey events, one row read from the index of events by actor and moment."""
    return (
        JourneyEvent.objects.filter(actor=user)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )


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


def _overdue_results(today: date) -> QuerySet[Model]:
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
class Chosen:
    """Whom a name filter (employer, provider, assessor) stands for: the ids it was
    resolved to (none: nobody of that name, so no row), or, when more than `NAMED` names
    match, the words every matching name contains (the database then matches them)."""

    ids: tuple[int, ...] = ()
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filters:
    state: str = ""
    employer: Chosen | None = None
    provider: Chosen | None = None
    assessor: Chosen | None = None
    overdue: bool = False
    search: str = ""


#: A name filter resolved to at most this many employers, providers or assessors is
#: applied by their ids (an index on each); more fall back to matching the name itself.
NAMED = 20


@dataclass(frozen=True)
class Named:
    """Who a name filter's text names, as the page reports it: their (id, name) pairs, at
    most NAMED, and whether more match."""

    text: str
    found: tuple[tuple[int, str], ...]
    more: bool

    @property
    def chosen(self) -> Chosen:
        if self.more:
            return Chosen(words=tuple(self.text.split()))
        return Chosen(ids=tuple(pk for pk, _ in self.found))


def _named[M: Model](rows: QuerySet[M], field: str, text: str, label: Callable[[M], str]) -> Named:
    """The rows named by `text`: by id when it is a number (a link's `?employer=12`), else
    those whose `field` contains every word, an exact name alone when there is one (so a
    name shown in the box and sent again chooses that one only). One query, at most
    NAMED + 1 rows."""
    text = " ".join(text.split())
    if text.isascii() and text.isdigit():
        found = [(row.pk, label(row)) for row in rows.filter(pk=int(text))[:1]]
        return Named(text, tuple(found), more=False)
    contains = Q()
    for word in text.split():
        contains &= Q(**{f"{field}__icontains": word})
    exact = ExpressionWrapper(Q(**{f"{field}__iexact": text}), output_field=BooleanField())
    ordered = rows.filter(contains).annotate(exact=exact).order_by("-exact", field, "pk")
    candidates = list(ordered[: NAMED + 1])
    if candidates and getattr(candidates[0], "exact", False):
        candidates = [row for row in candidates if getattr(row, "exact", False)]
    return Named(
        text, tuple((row.pk, label(row)) for row in candidates[:NAMED]), len(candidates) > NAMED
    )


def partners_named(epao_ids: Collection[int], kind: str, text: str) -> Named:
    """The employers or providers (`kind`) of the EPAOs' enrolments that `text` names (an
    EXISTS per organisation on the EPAO-and-employer or -provider index)."""
    works_with = Enrolment.objects.filter(
        **{f"{kind}_id": OuterRef("pk")}, epao_id__in=list(epao_ids)
    )
    partners = Organisation.objects.filter(Exists(works_with), kind=kind)
    return _named(partners, "name", text, lambda o: o.name)


def assessors_named(epao_ids: Collection[int], text: str) -> Named:
    """The EPAOs' assessors that `text` names."""
    assessors = User.objects.filter(
        Exists(
            Membership.objects.filter(
                user_id=OuterRef("pk"), role=Role.ASSESSOR, organisation_id__in=list(epao_ids)
            )
        )
    )
    return _named(assessors, "full_name", text, lambda u: u.full_name or u.email)


def search(queryset: QuerySet[Enrolment], text: str) -> QuerySet[Enrolment]:
    """Every word must match: a number, the start of the ULN; any other word, the given
    or family name (case-insensitive), so "ada love" finds Ada Lovelace. A ULN is ten
    digits, so a word with a letter in it can only be a name. The names are read from
    the enrolment's copies (migration 0011): matching them needs no join."""
    for word in text.split():
        if word.isascii() and word.isdigit():
            queryset = queryset.filter(apprentice__uln__startswith=word)
        else:
            queryset = queryset.filter(named(word))
    return queryset


def named(word: str) -> Q:
    """The enrolments whose apprentice's given or family name contains `word`
    (case-insensitive), read from the enrolment's copies (migration 0011). On PostgreSQL
    their trigram indexes serve a word of three letters or more. A shorter word has no
    trigram to look up: an index would hand every row to the heap to check (100,000 for
    "an", 27 ms), so it is matched through LOWER(), which no index covers, and PostgreSQL
    checks it on the rows the other words found."""
    if len(word) >= TRIGRAM:
        return Q(given_name_copy__icontains=word) | Q(family_name_copy__icontains=word)
    low = word.lower()
    return Q(Contains(Lower("given_name_copy"), low)) | Q(Contains(Lower("family_name_copy"), low))


def apply_filters(
    queryset: QuerySet[Enrolment], filters: Filters, *, with_state: bool = True
) -> QuerySet[Enrolment]:
    """Narrow a list by the pipeline's filters; `with_state=False` leaves the state out so
    the counts by state can reflect every other filter."""
    if with_state and filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.employer is not None:
        queryset = queryset.filter(_chosen("employer", filters.employer, "name"))
    if filters.provider is not None:
        queryset = queryset.filter(_chosen("provider", filters.provider, "name"))
    if filters.assessor is not None:
        # Exists rather than a join: an enrolment with several bookings stays one row.
        booked = _chosen("bookings__assessor", filters.assessor, "full_name")
        queryset = queryset.filter(Exists(Enrolment.objects.filter(booked, pk=OuterRef("pk"))))
    if filters.overdue:
        queryset = queryset.filter(Exists(_overdue_results(timezone.localdate())))
    if filters.search:
        queryset = search(queryset, filters.search)
    return queryset


def _chosen(relation: str, chosen: Chosen, name_field: str) -> Q:
    if chosen.words:
        q = Q()
        for word in chosen.words:
            q &= Q(**{f"{relation}__{name_field}__icontains": word})
        return q
    return Q(**{f"{relation}_id__in": chosen.ids})


def counts_by_state(queryset: QuerySet[Enrolment]) -> list[tuple[State, int]]:
    """(state, count) for every state in journey order, zeros included, in one query."""
    # COUNT(*), not of the id: the states are then read from the EPAO-apprentice-state
    # index alone when a search has found the apprentices.
    rows = queryset.order_by().values_list("state").annotate(n=Count("*"))
    return in_journey_order(dict(rows))


def in_journey_order(found: Mapping[str, int]) -> list[tuple[State, int]]:
    """(state, count) for every state in journey order, zeros included."""
    return [(state, found.get(state.value, 0)) for state in State]


def matches_listed(queryset: QuerySet[Enrolment]) -> list[tuple[str, str, int, str]] | None:
    """Every row of a searched list as its keys in BY_NAME_OF_MATCHES order and its state
    ((family name, given name, id, state)), read in one query, when at most
    SORT_MATCHES_UP_TO match; None when more do (then a page is read along the name index,
    and the states counted by the database)."""
    ordered = by_name_of_matches(queryset).order_by(*BY_NAME_OF_MATCHES)
    fields: list[str] = [*BY_NAME_OF_MATCHES, "state"]  # annotations the stubs cannot see
    read: list[tuple[str, str, int, str]] = list(
        ordered.values_list(*fields)[: SORT_MATCHES_UP_TO + 1]
    )
    return read if len(read) <= SORT_MATCHES_UP_TO else None


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
        # Only what the home page's list shows (the names and the state): the enrolment's
        # other columns and the employer's were loaded for nothing.
        .only(
            "state",
            "apprentice__given_name",
            "apprentice__family_name",
            "employer__name",
        )
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


def _apprentice_named(terms: Terms) -> Q | None:
    """`apprentice_matches` for the enrolments themselves: the names from their copies
    (`named`), with no join to the apprentices to find or sort the matches."""
    if terms.uln or not terms.words:
        return apprentice_matches(terms)
    q = Q()
    for word in terms.words:
        q &= named(word)
    return q


#: What a header search's hit shows of an enrolment (openepa.web.search).
RECORD_HIT_FIELDS = (
    "state",
    "apprentice__uln",
    "apprentice__given_name",
    "apprentice__family_name",
    "employer__name",
)


def records_matching(user: User, terms: Terms, first: int) -> QuerySet[Enrolment]:
    """The first `first` enrolments, by name, whose page the user may open (RECORD_ROLES,
    not as an apprentice) that the terms name: by apprentice, or by the enrolment's number."""
    wanted = _apprentice_named(terms)
    if terms.number is not None:
        wanted = Q(pk=terms.number)
    if wanted is None:
        return Enrolment.objects.none()
    mine = enrolments_for(user, roles=RECORD_ROLES, apprentice=False).select_related(None)
    # Only what a hit shows, joined and read (the apprentice, the employer, RECORD_HIT_FIELDS).
    shown = mine.select_related("apprentice", "employer").only(*RECORD_HIT_FIELDS)
    if terms.words and any(len(word) >= TRIGRAM for word in terms.words):
        # A word the trigram indexes serve finds few enough to sort (by_name_of_matches),
        # by the enrolment's copies of the names: the first few are chosen before any is
        # joined to its apprentice and employer (2,041 matches of "Patel" at 100,000 were
        # each joined to be sorted, 8 of the query's 9 ms).
        ordered = by_name_of_matches(mine.filter(wanted)).order_by(*BY_NAME_OF_MATCHES)
        chosen = shown.filter(pk__in=ordered.values("pk")[:first])
        return by_name_of_matches(chosen).order_by(*BY_NAME_OF_MATCHES)
    return shown.filter(wanted).order_by(*BY_NAME)[:first]


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
