"""The world shared by a module's tests (tests/conftest.py, `world_of_the_module`): built
once where every database test of the module asks for `world`, none commits and none moves
the clock with time-machine; each test gets its own copy, and its writes are rolled back."""

from __future__ import annotations

import os
from typing import Any

import pytest

from openepa.organisations.models import Organisation
from tests.conftest import _may_share_the_world
from tests.personas import World

#: OPENEPA_TEST_SHARED_WORLD=0 turns sharing off (to compare times, or to rule it out).
sharing = pytest.mark.skipif(
    os.environ.get("OPENEPA_TEST_SHARED_WORLD") == "0", reason="sharing is turned off"
)


@sharing
@pytest.mark.django_db
def test_each_test_gets_its_own_copy_of_the_modules_world(
    world: World, world_of_the_module: World | None
) -> None:
    assert world_of_the_module is not None  # every test here asks for world
    assert world is not world_of_the_module
    assert world.admin.pk == world_of_the_module.admin.pk
    assert world.enrolment.apprentice.user == world.apprentice_user
    world.admin.full_name = "Changed in this test"
    world.enrolment.state = "withdrawn"
    assert world_of_the_module.admin.full_name == "Amina Admin"
    assert world_of_the_module.enrolment.state != "withdrawn"


@pytest.mark.django_db
def test_the_rows_a_test_writes_stay_in_its_savepoint(world: World) -> None:
    before = Organisation.objects.count()
    Organisation.objects.create(name="Written here", kind=Organisation.Kind.EMPLOYER)
    assert Organisation.objects.count() == before + 1
    assert Organisation.objects.filter(name="Northern EPAO").count() == 1


class Item:
    """What `_may_share_the_world` reads of a collected test."""

    def __init__(self, *fixtures: str, transaction: bool = False, db: bool = True) -> None:
        self.fixturenames = list(fixtures) + (["db"] if db else [])
        self.marker = pytest.mark.django_db(transaction=True).mark if transaction else None

    def get_closest_marker(self, name: str) -> Any:
        return self.marker if name == "django_db" else None


@sharing
@pytest.mark.parametrize(
    ("items", "shared"),
    [
        ([Item("world"), Item("world", "client"), Item(db=False)], True),
        ([Item("world"), Item("client")], False),  # a database test without the world
        ([Item("world"), Item("world", transaction=True)], False),  # it commits
        ([Item("world"), Item("world", "live_server")], False),
        ([Item("world"), Item("world", "time_machine")], False),  # it may move the clock
        ([Item(db=False)], False),
    ],
)
def test_a_module_shares_its_world_only_when_every_database_test_allows_it(
    items: list[Any], shared: bool
) -> None:
    assert _may_share_the_world(items) is shared
