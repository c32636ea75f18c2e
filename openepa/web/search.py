"""The header search's results (issue 17 §3): what the words name, grouped by kind, each
group only what the user may see (the contexts' pre-scoped `*_matching` queries) and cut
at `SHOWN` rows with a link to the whole filtered list where there is one. One query per
group, whatever the number of apprentices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Model, QuerySet
from django.urls import reverse

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.cases.models import Case
from openepa.cases.queries import cases_matching
from openepa.domain.journey import LABELS, State
from openepa.domain.search import Terms
from openepa.enrolments.models import Enrolment
from openepa.enrolments.queries import partners_matching, records_matching
from openepa.organisations.models import Organisation
from openepa.quality.models import IqaSample
from openepa.quality.queries import samples_matching

#: Rows shown in a group before "more".
SHOWN = 10

#: Who has a search box: everyone who works on apprentices' records (not an apprentice on
#: their own record, who has one).
SEARCHERS = (Role.EPAO_ADMIN, Role.IQA, Role.ASSESSOR, Role.EMPLOYER, Role.PROVIDER)


def may_search(user: User) -> bool:
    roles = roles_of(user)
    return any(roles.has(role) for role in SEARCHERS)


@dataclass(frozen=True)
class Hit:
    text: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Group:
    heading: str
    hits: list[Hit]
    #: More rows match than are shown.
    more: bool = False
    #: The whole filtered list, where a page lists it.
    more_url: str = ""
    more_text: str = ""


@dataclass(frozen=True)
class Results:
    terms: Terms
    groups: list[Group] = field(default_factory=list)

    @property
    def found(self) -> int:
        return sum(len(g.hits) for g in self.groups)


def _group[M: Model](
    heading: str,
    rows: QuerySet[M],
    hit: Callable[[M], Hit],
    *,
    more_url: str = "",
    more_text: str = "",
) -> Group:
    found = list(rows[: SHOWN + 1])  # one more than shown says whether there is more
    return Group(
        heading,
        [hit(row) for row in found[:SHOWN]],
        more=len(found) > SHOWN,
        more_url=more_url if len(found) > SHOWN else "",
        more_text=more_text,
    )


def _record_hit(enrolment: Enrolment) -> Hit:
    apprentice = enrolment.apprentice
    state = LABELS[State(enrolment.state)]
    return Hit(
        apprentice.name,
        reverse("enrolments:detail", kwargs={"enrolment_id": enrolment.pk}),
        f"ULN {apprentice.uln}, {enrolment.employer.name}, {state}",
    )


def _partner_hit(organisation: Organisation) -> Hit:
    key = "employer" if organisation.kind == Organisation.Kind.EMPLOYER else "provider"
    kind = organisation.get_kind_display()
    ukprn = f", UKPRN {organisation.ukprn}" if organisation.ukprn else ""
    url = reverse("enrolments:pipeline") + "?" + urlencode({key: organisation.pk})
    return Hit(organisation.name, url, f"{kind}{ukprn}: their apprentices in the pipeline")


def _case_hit(case: Case) -> Hit:
    return Hit(
        f"{case.get_kind_display()} for {case.enrolment.apprentice.name}",
        reverse("cases:case", kwargs={"case_id": case.pk}),
        f"Case {case.pk}, {case.get_state_display()}",
    )


def _sample_hit(sample: IqaSample) -> Hit:
    attempt = sample.attempt
    return Hit(
        attempt.enrolment.apprentice.name,
        reverse("quality:review", kwargs={"sample_id": sample.pk}),
        f"Sample {sample.pk}: {attempt.get_method_display()}, {sample.get_state_display()}",
    )


def search(user: User, terms: Terms) -> Results:
    """The groups the user may see, in the order they work from."""
    if terms.empty:
        return Results(terms)
    roles = roles_of(user)
    admin = roles.has(Role.EPAO_ADMIN)
    groups: list[Group] = []
    if admin or any(roles.has(r) for r in (Role.EMPLOYER, Role.PROVIDER, Role.ASSESSOR)):
        list_name = "enrolments:pipeline" if admin else "enrolments:list"
        groups.append(
            _group(
                "Apprentices",
                records_matching(user, terms, first=SHOWN + 1),
                _record_hit,
                more_url=_list_url(list_name, terms),
                more_text="See every matching apprentice",
            )
        )
    if admin:
        groups.append(
            _group("Employers and providers", partners_matching(user, terms), _partner_hit)
        )
        groups.append(_group("Enquiries and appeals", cases_matching(user, terms), _case_hit))
    if roles.has(Role.IQA):
        groups.append(_group("IQA samples waiting", samples_matching(user, terms), _sample_hit))
    return Results(terms, groups)


def _list_url(name: str, terms: Terms) -> str:
    """The list page searched for the same apprentice: its search reads a ULN or words."""
    text = terms.uln or " ".join(terms.words)
    return reverse(name) + "?" + urlencode({"q": text}) if text else ""
