"""Home-page sections from the enrolments context (issue 3 §1: each role lands on a page
of what needs its attention)."""

from __future__ import annotations

from django.urls import reverse

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.charts import Chart
from openepa.core.figures import Figure
from openepa.core.paging import CAP
from openepa.core.sections import Section
from openepa.enrolments import queries

#: Enough to act on from the home page; the rest is one link away.
SHOWN = 10


def sections(user: User) -> list[Section]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    found: list[Section] = []
    if roles.has(Role.EPAO_ADMIN):
        found.append(
            {
                "title": "Apprentices by state",
                "template": "enrolments/section_counts.html",
                "context": {
                    # Kept by the database with every write: one small query.
                    "counts": queries.kept_counts(roles.orgs(Role.EPAO_ADMIN)),
                },
                "empty": "",
            }
        )
    if roles.has(Role.EMPLOYER) or roles.has(Role.PROVIDER):
        waiting = list(queries.needing_action(user)[:SHOWN])
        waiting_count = queries.needing_action(user).order_by()[: CAP + 1].count()
        empty = "None of your apprentices is waiting for you."
        found.append(
            {
                "title": "Apprentices waiting for you",
                "template": "enrolments/section_needing_action.html",
                "context": {
                    "enrolments": waiting,
                    # Always counted (at most CAP + 1 rows), so the page's queries are the
                    # same however many wait: "and N more", or "more than N" past the cap.
                    "more": max(min(waiting_count, CAP) - SHOWN, 0),
                    "more_than": waiting_count > CAP,
                    "more_href": reverse("enrolments:list") + "?stage=gateway",
                    "empty": empty,
                    "may_register": roles.has(Role.PROVIDER) or roles.has(Role.EPAO_ADMIN),
                },
                "empty": empty,
            }
        )
    if roles.is_apprentice:
        empty = "You are not registered on a standard yet."
        found.append(
            {
                "title": "Your end-point assessment",
                "template": "enrolments/section_own.html",
                "context": {"enrolments": list(queries.own_enrolments(user)), "empty": empty},
                "empty": empty,
            }
        )
    return found


def charts(user: User) -> list[Chart]:
    """The admin's pipeline as a funnel: apprentices in each state, in journey order, from
    the counts the database keeps (one small query whatever the number of apprentices)."""
    roles = roles_of(user)
    if not roles.has(Role.EPAO_ADMIN):
        return []
    counts = queries.kept_counts(roles.orgs(Role.EPAO_ADMIN))
    total = sum(n for _, n in counts)
    busiest = max(counts, key=lambda c: c[1])
    return [
        Chart(
            key="pipeline",
            title="The pipeline: apprentices by state",
            description=(
                f"{total} apprentices in all, in journey order from registered to "
                f"completed; the most, {busiest[1]}, are {busiest[0].label.lower()}."
            ),
            categories=[state.label for state, _ in counts],
            series=["Apprentices"],
            values=[[n] for _, n in counts],
            unit="apprentices",
            category_name="State",
            more_href=reverse("enrolments:pipeline"),
            more_label="The whole pipeline, by state",
            empty="No apprentices are registered yet.",
        )
    ]


def figures(user: User) -> list[Figure]:
    """The employer's and provider's figures: their apprentices ready for gateway, planned
    or booked, and with results; each a filter of "My apprentices" (one query)."""
    roles = roles_of(user)
    if not (roles.has(Role.EMPLOYER) or roles.has(Role.PROVIDER)):
        return []
    theirs = queries.enrolments_for(user, roles={Role.EMPLOYER, Role.PROVIDER}, apprentice=False)
    counts = queries.stage_counts(theirs)
    href = reverse("enrolments:list")
    labels = {
        "gateway": "apprentices ready to submit for gateway",
        "booked": "apprentices planned or booked for assessment",
        "results": "apprentices with results issued",
    }
    return [Figure(labels[key], counts[key], f"{href}?stage={key}") for key in labels]
