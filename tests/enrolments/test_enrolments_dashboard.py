"""Home-page sections from the enrolments context (issue 3 §1)."""

from __future__ import annotations

import re

import pytest

from openepa.domain.journey import State
from openepa.enrolments.dashboard import SHOWN, sections
from openepa.enrolments.models import Enrolment
from tests.enrolments.helpers import add_apprentice

pytestmark = pytest.mark.django_db


def titles(user) -> list[str]:
    return [s["title"] for s in sections(user)]


def test_each_role_gets_its_own_sections(world):
    assert titles(world.admin) == ["Apprentices by state"]
    assert titles(world.employer_user) == ["Apprentices waiting for you"]
    assert titles(world.provider_user) == ["Apprentices waiting for you"]
    assert titles(world.apprentice_user) == ["Your end-point assessment"]
    assert titles(world.assessor) == []
    assert titles(world.iqa) == []


def test_provider_home_lists_gateway_to_submit_and_to_resubmit(signed_in, world):
    rejected = add_apprentice(world, given="Hedy", family="Lamarr")
    Enrolment.objects.filter(pk=rejected.pk).update(state=State.GATEWAY_REJECTED)
    Enrolment.objects.filter(pk=add_apprentice(world, given="Done", family="Already").pk).update(
        state=State.GATEWAY_SUBMITTED
    )
    html = signed_in(world.provider_user).get("/").content.decode()
    assert "Apprentices waiting for you" in html
    assert re.search(
        r"Ada Lovelace</a> \(Harbour Bank\): <a href=\"/gateway/enrolments/\d+/submit/\">submit the gateway evidence",
        html,
    )
    assert re.search(
        r"Hedy Lamarr</a> \(Harbour Bank\): <a href=\"/gateway/enrolments/\d+/submit/\">gateway was rejected — resubmit the evidence",
        html,
    )
    assert "Done Already" not in html
    assert 'href="/enrolments/register"' in html


def test_employer_home_has_no_register_link_and_outsiders_see_nothing(signed_in, world):
    html = signed_in(world.employer_user).get("/").content.decode()
    assert "Ada Lovelace" in html
    assert 'href="/enrolments/register"' not in html
    html = signed_in(world.outsider_employer).get("/").content.decode()
    assert "Ada Lovelace" not in html
    assert "None of your apprentices is waiting for you." in html


def test_a_long_list_is_cut_with_a_link_to_the_rest(world):
    for n in range(SHOWN + 2):
        add_apprentice(world, given="Many", family=f"Apprentice{n:02d}")
    (section,) = sections(world.provider_user)
    enrolments = section["context"]["enrolments"]
    assert isinstance(enrolments, list)
    assert len(enrolments) == SHOWN
    assert section["context"]["more"] == 3


def test_apprentice_home_shows_their_own_state(signed_in, world):
    html = signed_in(world.apprentice_user).get("/").content.decode()
    assert "Your end-point assessment" in html
    assert "ST0072 Customer Service Practitioner</a> with Northern EPAO" in html
    assert '<strong class="govuk-tag">Registered</strong>' in html


def test_admin_home_counts_by_state_with_links_to_the_pipeline(signed_in, world):
    add_apprentice(world, given="Hedy", family="Lamarr")
    html = signed_in(world.admin).get("/").content.decode()
    for state, label, count in (("registered", "Registered", 2), ("withdrawn", "Withdrawn", 0)):
        assert re.search(
            rf'href="/enrolments/pipeline\?state={state}">{label}</a></th>\s*'
            rf'<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Apprentices">'
            rf"{count}</td>",
            html,
        )
