"""The apprentice's names copied onto each enrolment for the name searches (migration
enrolments 0011): written by the database whichever way an enrolment is written, and moved
when an apprentice's names change, so a search never finds a name the apprentice no longer
has."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import connection
from django.db.models import F, Q

from openepa.demo.check import check_enrolments
from openepa.enrolments.models import Apprentice, Enrolment
from tests.enrolments.test_bulk_registration import csv_bytes, row, upload
from tests.enrolments.test_lists import PIPELINE, names_in

pytestmark = pytest.mark.django_db


def copies(enrolment: Enrolment) -> tuple[str, str]:
    return Enrolment.objects.values_list("given_name_copy", "family_name_copy").get(pk=enrolment.pk)


def not_copied() -> list[int]:
    """Every enrolment whose copies differ from its apprentice's names."""
    differ = ~Q(given_name_copy=F("apprentice__given_name")) | ~Q(
        family_name_copy=F("apprentice__family_name")
    )
    return list(Enrolment.objects.filter(differ).values_list("pk", flat=True))


def test_a_registered_enrolment_carries_its_apprentices_names(world):
    assert copies(world.enrolment) == ("Ada", "Lovelace")
    assert not_copied() == []


def test_apprentices_registered_in_bulk_carry_their_names(signed_in, world):
    rows = [row(world), row(world, given_name="Alan", family_name="Turing")]
    upload(signed_in(world.admin), world, csv_bytes(rows))
    assert Enrolment.objects.count() == 3
    assert not_copied() == []
    html = signed_in(world.admin).get(PIPELINE, {"q": "turing"}).content.decode()
    assert names_in(html) == {"Alan Turing"}


def test_a_changed_name_is_found_and_the_old_one_is_not(signed_in, world):
    Apprentice.objects.filter(pk=world.enrolment.apprentice_id).update(family_name="Byron")
    assert copies(world.enrolment) == ("Ada", "Byron")
    admin = signed_in(world.admin)
    assert names_in(admin.get(PIPELINE, {"q": "byron"}).content.decode()) == {"Ada Byron"}
    assert names_in(admin.get(PIPELINE, {"q": "lovelace"}).content.decode()) == set()
    assert check_enrolments([world.enrolment.pk]).problems == []


def test_a_save_from_an_enrolment_read_before_the_change_keeps_the_new_name(world):
    stale = Enrolment.objects.get(pk=world.enrolment.pk)
    Apprentice.objects.filter(pk=stale.apprentice_id).update(given_name="Augusta")
    stale.save()  # every column, the copies read before the change among them
    assert copies(world.enrolment) == ("Augusta", "Lovelace")


def test_copies_written_wrong_are_put_right(world):
    Enrolment.objects.filter(pk=world.enrolment.pk).update(family_name_copy="Babbage")
    assert copies(world.enrolment) == ("Ada", "Lovelace")


def test_the_demo_check_reports_copies_that_differ(world):
    # Only a database without the triggers could hold such a row: drop them inside the
    # test's transaction (rolled back at its end), then write one.
    migration = import_module("openepa.enrolments.migrations.0011_name_copies_for_search")
    drop = {"sqlite": migration.SQLITE_DROP, "postgresql": migration.POSTGRESQL_DROP}
    with connection.cursor() as cursor:
        for statement in drop[connection.vendor]:
            cursor.execute(statement)
    Enrolment.objects.filter(pk=world.enrolment.pk).update(family_name_copy="Babbage")
    [problem] = check_enrolments([world.enrolment.pk]).problems
    assert "names copied for searching ('Ada', 'Babbage')" in problem
