"""The counts of enrolments by state that the database keeps (StateCount): they follow
registration, every transition and withdrawal, the pipeline shows them, and on PostgreSQL
two transitions committed at once, even in opposite directions, each move their counts."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.db.models import Count

from openepa.domain.journey import State
from openepa.enrolments.actions import do_withdraw_enrolment
from openepa.enrolments.models import Enrolment, StateCount
from openepa.enrolments.queries import kept_counts
from tests.enrolments.helpers import add_apprentice


def _counted() -> dict[tuple[int, str], int]:
    rows = Enrolment.objects.order_by().values_list("epao_id", "state").annotate(n=Count("pk"))
    return {(epao, state): n for epao, state, n in rows}


def _kept() -> dict[tuple[int, str], int]:
    rows = StateCount.objects.filter(n__gt=0).values_list("epao_id", "state", "n")
    return {(epao, state): n for epao, state, n in rows}


@pytest.mark.django_db
def test_the_counts_follow_registration_and_withdrawal(signed_in, world):
    assert _kept() == _counted()
    for n in range(3):
        add_apprentice(world, given="Count", family=f"Me{n}")
    registered = dict(kept_counts([world.epao.pk]))[State.REGISTERED]
    enrolment = Enrolment.objects.filter(apprentice__given_name="Count").first()
    assert enrolment is not None
    do_withdraw_enrolment(actor=world.admin, enrolment_id=enrolment.pk, reason="Left the job")
    counts = dict(kept_counts([world.epao.pk]))
    assert counts[State.REGISTERED] == registered - 1
    assert counts[State.WITHDRAWN] == 1
    assert _kept() == _counted()
    html = signed_in(world.admin).get("/enrolments/pipeline").content.decode()
    assert 'data-state="withdrawn">1</strong>' in html
    assert f'data-state="registered">{registered - 1}</strong>' in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
def test_concurrent_transitions_in_opposite_directions_keep_the_counts(world):
    one = add_apprentice(world, given="First", family="Racer")
    two = add_apprentice(world, given="Second", family="Racer")
    Enrolment.objects.filter(pk=two.pk).update(state=State.WITHDRAWN.value)
    before = dict(kept_counts([world.epao.pk]))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def move(enrolment_id: int, to: State) -> Callable[[], None]:
        def run() -> None:
            try:
                with transaction.atomic():
                    row = Enrolment.objects.select_for_update().get(pk=enrolment_id)
                    start.wait(timeout=10)
                    row.state = to.value
                    row.save(update_fields=["state"])
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                connection.close()

        return run

    threads = [
        threading.Thread(target=move(one.pk, State.WITHDRAWN)),
        threading.Thread(target=move(two.pk, State.REGISTERED)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    states = dict(Enrolment.objects.filter(pk__in=[one.pk, two.pk]).values_list("pk", "state"))
    assert states == {one.pk: State.WITHDRAWN.value, two.pk: State.REGISTERED.value}
    assert dict(kept_counts([world.epao.pk])) == before  # one each way
    assert _kept() == _counted()
