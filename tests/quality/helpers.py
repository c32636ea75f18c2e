"""Building IQA samples for the quality tests: decisions submitted through the marking pages
(so sampling runs as it does for users) under a sampling plan the test chooses, and review
posts as the IQA's page sends them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.test import Client

from openepa.accounts.models import Membership, Role
from openepa.assessments.models import Attempt
from openepa.domain.policy import IqaSamplingPolicy
from openepa.domain.standard import Grade
from openepa.policies import loader
from openepa.quality.actions import agree_field, comment_field, new_outcome_field
from openepa.quality.models import IqaSample
from tests.assessments.helpers import book, mark
from tests.personas import World

#: Showcase distinction criteria: "met" for all makes a Distinction, "not_met" a Pass.
SHOWCASE_DISTINCTION = (
    "K2.6",
    "K3.4",
    "K3.5",
    "K7.3",
    "S10.4",
    "S11.3",
    "S12.7",
    "B13.3",
    "B15.4",
    "B15.5",
)
PASS = dict.fromkeys(SHOWCASE_DISTINCTION, "not_met")
FAIL = {**PASS, "K2.1": "not_met"}
DISTINCTION: dict[str, str] = {}


def with_plan(
    monkeypatch,
    *,
    first: int = 0,
    rate: float = 0,
    always: tuple[str, ...] = (),
    hold: bool = False,
) -> None:
    """Every policy as loaded, with this IQA sampling plan (and, with `hold`, holding
    results until IQA sign-off)."""
    real = loader.get_policy
    plan = IqaSamplingPolicy(first, rate, tuple(Grade(g) for g in always))

    def variant(code: str):
        policy = real(code)
        if policy is None:
            return None
        return dataclasses.replace(policy, iqa_sampling=plan, release_requires_iqa=hold)

    monkeypatch.setattr(loader, "get_policy", variant)


def submit_showcase(
    world: World,
    outcomes: Mapping[str, str] = PASS,
    *,
    assessor: Any = None,
    enrolment: Any = None,
    on: date = date(2026, 3, 2),
    notes: Mapping[str, str] | None = None,
) -> Attempt:
    """A showcase decision submitted through the marking page by `assessor`."""
    assessor = assessor or world.assessor
    client = Client()
    client.force_login(assessor)
    booking = book(world, "showcase", enrolment=enrolment, on=on, assessor=assessor)
    response = mark(client, booking, outcomes, notes=notes)
    assert response.status_code == 302, response.content.decode()[:2000]
    attempt = Attempt.objects.get(booking=booking)
    assert attempt.status == Attempt.Status.SUBMITTED
    return attempt


def sampled(world: World, monkeypatch, outcomes: Mapping[str, str] = FAIL, **kwargs) -> IqaSample:
    """A decision sampled because every Fail is (the default outcomes fail K2.1)."""
    with_plan(monkeypatch, always=("fail", "distinction"), hold=kwargs.pop("hold", False))
    attempt = submit_showcase(world, outcomes, **kwargs)
    return IqaSample.objects.get(attempt=attempt)


def review_url(sample: IqaSample) -> str:
    return f"/iqa/sample/{sample.pk}/"


def review_data(
    sample: IqaSample,
    *,
    disagree: Mapping[str, str] | None = None,
    skip: tuple[str, ...] = (),
    intent: str = "sign_off",
    outcome: str = "",
    comments: str = "",
    changes: Mapping[str, str] | None = None,
    version: int | None = None,
) -> dict[str, str]:
    """A POST of the review: agree with every criterion except those in `disagree`
    ({code: comment}) and those in `skip` (left unreviewed)."""
    sample.refresh_from_db()
    sample.attempt.refresh_from_db()
    data = {
        "version": str(sample.version if version is None else version),
        "sheet_version": str(sample.attempt.version),
        "intent": intent,
        "outcome": outcome,
        "comments": comments,
    }
    for code in sample.attempt.judgements.values_list("criterion_code", flat=True):
        if code in skip:
            continue
        against = (disagree or {}).get(code)
        data[agree_field(code)] = "disagree" if against is not None else "agree"
        data[comment_field(code)] = against or ""
    for code, to in (changes or {}).items():
        data[new_outcome_field(code)] = to
    return data


def give_role(user: Any, org: Any, role: Role) -> None:
    Membership.objects.create(user=user, organisation=org, role=role)
    user.__dict__.pop("_openepa_roles", None)


def text(response: Any) -> str:
    html: str = response.content.decode()
    return html.replace("&#x27;", "'").replace("&quot;", '"')
