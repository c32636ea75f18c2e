"""What happens to each demo apprentice, and when: a story is the journey's steps with their
dates, cut off at the step the apprentice has reached today.

Every story runs forward from the gateway day G in England and Wales working days, so the
same rules the product enforces (notice before the assessment, observation before the
discussion, results due in 10 working days) hold in the demo data. The gateway day is
chosen so that the story's last step happened a few working days before the day the demo
was generated, and what comes next (a booked assessment, a resit) lies ahead."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from openepa.domain.dates import add_working_days
from openepa.domain.journey import State


class Step(StrEnum):
    REGISTER = "register"
    SUBMIT_GATEWAY = "submit_gateway"
    REJECT_GATEWAY = "reject_gateway"
    RESUBMIT_GATEWAY = "resubmit_gateway"
    ACCEPT_GATEWAY = "accept_gateway"
    PLAN = "plan"
    BOOK = "book"
    MARK_OBSERVATION = "mark_observation"
    MARK_DISCUSSION = "mark_discussion"
    MARK_SHOWCASE = "mark_showcase"
    RELEASE = "release"
    BOOK_RESIT = "book_resit"
    MARK_RESIT = "mark_resit"
    RELEASE_RESIT = "release_resit"
    WITHDRAW = "withdraw"


class Grade(StrEnum):
    """How a marking sheet comes out: all pass criteria met, plus distinction criteria."""

    FAIL = "fail"
    PASS = "pass"
    DISTINCTION = "distinction"


@dataclass(frozen=True)
class Scenario:
    name: str
    #: The journey state the apprentice is in once the story has been played.
    reaches: State
    #: The last step taken; every step after it is in the future (or never happens).
    stop: Step
    #: Working days between the last step and the day the demo is generated.
    lag: tuple[int, int]
    #: Observation, discussion, showcase.
    grades: tuple[Grade, Grade, Grade] = (Grade.PASS, Grade.PASS, Grade.PASS)
    rejected_first: bool = False
    #: An observation criterion carried over to the discussion (seed 002).
    carry_over: bool = False
    #: A reasonable adjustment requested at registration (seed 000 §5), decided at gateway.
    adjustment: bool = False
    #: An enquiry about the released result, raised by the employer and still open.
    enquiry: bool = False
    weight: int = 10


PASSES = (Grade.PASS, Grade.PASS, Grade.PASS)
DISTINCTIONS = (Grade.DISTINCTION, Grade.DISTINCTION, Grade.DISTINCTION)
FAILED_OBSERVATION = (Grade.FAIL, Grade.PASS, Grade.PASS)

#: One of each comes first (so even a small demo shows every state), then weighted draws.
SCENARIOS = (
    # Released more than a working week ago: the certificate was requested a week after the
    # release, which completed the EPA (openepa.demo.replay.Player.request_certificate).
    Scenario(
        "distinction",
        State.COMPLETED,
        Step.RELEASE,
        (6, 60),
        DISTINCTIONS,
        carry_over=True,
        weight=20,
    ),
    Scenario("registered", State.REGISTERED, Step.REGISTER, (1, 40), weight=16),
    Scenario(
        "gateway submitted",
        State.GATEWAY_SUBMITTED,
        Step.SUBMIT_GATEWAY,
        (0, 3),
        adjustment=True,
        weight=14,
    ),
    Scenario(
        "gateway rejected",
        State.GATEWAY_REJECTED,
        Step.REJECT_GATEWAY,
        (0, 4),
        rejected_first=True,
        weight=8,
    ),
    Scenario("gateway accepted", State.GATEWAY_ACCEPTED, Step.ACCEPT_GATEWAY, (0, 5), weight=8),
    Scenario("planning", State.PLANNING, Step.PLAN, (0, 6), weight=10),
    Scenario("booked", State.IN_ASSESSMENT, Step.BOOK, (0, 10), adjustment=True, weight=24),
    Scenario(
        "observation marked",
        State.IN_ASSESSMENT,
        Step.MARK_OBSERVATION,
        # Marked on an earlier day: a sheet is submitted after the assessment, never ahead.
        (1, 4),
        carry_over=True,
        weight=14,
    ),
    Scenario("awaiting results", State.AWAITING_RESULTS, Step.MARK_SHOWCASE, (1, 9), weight=12),
    Scenario("results overdue", State.AWAITING_RESULTS, Step.MARK_SHOWCASE, (12, 20), weight=4),
    Scenario(
        "pass", State.COMPLETED, Step.RELEASE, (6, 120), PASSES, rejected_first=True, weight=24
    ),
    # Released today: the certificate is requested a week after the release.
    Scenario("results issued", State.RESULTS_ISSUED, Step.RELEASE, (0, 0), PASSES, weight=6),
    Scenario(
        "fail, resit due",
        State.RESIT_DUE,
        Step.RELEASE,
        (1, 20),
        FAILED_OBSERVATION,
        enquiry=True,
        weight=12,
    ),
    Scenario(
        "resit booked", State.IN_ASSESSMENT, Step.BOOK_RESIT, (0, 9), FAILED_OBSERVATION, weight=8
    ),
    Scenario(
        "passed at resit",
        State.COMPLETED,
        Step.RELEASE_RESIT,
        (6, 60),
        FAILED_OBSERVATION,
        weight=12,
    ),
    Scenario("withdrawn", State.WITHDRAWN, Step.WITHDRAW, (1, 30), weight=6),
)

#: Steps in the order they happen; a story takes those up to its scenario's stop.
ORDER = (
    Step.REGISTER,
    Step.SUBMIT_GATEWAY,
    Step.REJECT_GATEWAY,
    Step.RESUBMIT_GATEWAY,
    Step.ACCEPT_GATEWAY,
    Step.PLAN,
    Step.BOOK,
    Step.MARK_OBSERVATION,
    Step.MARK_DISCUSSION,
    Step.MARK_SHOWCASE,
    Step.RELEASE,
    Step.BOOK_RESIT,
    Step.MARK_RESIT,
    Step.RELEASE_RESIT,
)

#: Working days after the gateway day G on which each step happens (rejection adds 5).
OFFSETS = {
    Step.SUBMIT_GATEWAY: 0,
    Step.REJECT_GATEWAY: 1,
    Step.RESUBMIT_GATEWAY: 4,
    Step.ACCEPT_GATEWAY: 2,
    Step.PLAN: 4,
    Step.BOOK: 5,
    # Seed 004: at least 10 working days' notice from the gateway form.
    Step.MARK_OBSERVATION: 16,
    Step.MARK_DISCUSSION: 21,
    Step.MARK_SHOWCASE: 22,
    Step.RELEASE: 25,
    Step.BOOK_RESIT: 30,
    Step.MARK_RESIT: 40,
    Step.RELEASE_RESIT: 42,
}
REJECTION_DELAY = 5


@dataclass
class Story:
    index: int
    scenario: Scenario
    gateway_day: date
    steps: list[tuple[Step, date]] = field(default_factory=list)

    def day_of(self, step: Step) -> date:
        """The day a step happens, whether or not the story has reached it (bookings are
        made for days still to come)."""
        return step_day(self.gateway_day, step, self.scenario.rejected_first)


#: Steps before the rejection's delay: the resubmission comes 3 working days after the
#: rejection, and everything after it (acceptance first) is delayed.
BEFORE_DELAY = (Step.SUBMIT_GATEWAY, Step.REJECT_GATEWAY, Step.RESUBMIT_GATEWAY)


def step_day(gateway_day: date, step: Step, rejected_first: bool) -> date:
    if step == Step.REGISTER:
        return gateway_day - timedelta(days=70)
    offset = OFFSETS[step]
    if rejected_first and step not in BEFORE_DELAY:
        offset += REJECTION_DELAY
    return add_working_days(gateway_day, offset) if offset else gateway_day


def _taken(scenario: Scenario) -> list[Step]:
    if scenario.stop == Step.WITHDRAW:
        return [Step.REGISTER, Step.SUBMIT_GATEWAY, Step.ACCEPT_GATEWAY, Step.WITHDRAW]
    steps = list(ORDER[: ORDER.index(scenario.stop) + 1])
    if not scenario.rejected_first:
        steps = [s for s in steps if s not in (Step.REJECT_GATEWAY, Step.RESUBMIT_GATEWAY)]
    return steps


def plan_story(index: int, scenario: Scenario, today: date, rng: random.Random) -> Story:
    """Place the scenario's last step `lag` working days before today."""
    taken = _taken(scenario)
    last = taken[-1]
    lag = rng.randint(*scenario.lag) if scenario.lag[1] else 0
    # A lag of 0 is today itself: add_working_days(today, 0) is the next working day, which
    # on a Saturday or Sunday is still to come, and no step may happen after today.
    target = add_working_days(today, -lag) if lag else today
    if last == Step.WITHDRAW:
        gateway_day = add_working_days(target, -OFFSETS[Step.ACCEPT_GATEWAY] - 3)
    else:
        # Solve step_day(G, last) == target by stepping back from the target.
        gateway_day = add_working_days(target, 0)
        while step_day(gateway_day, last, scenario.rejected_first) > target:
            gateway_day = add_working_days(gateway_day, -1)
    story = Story(index, scenario, gateway_day)
    for step in taken:
        day = target if step == Step.WITHDRAW else story.day_of(step)
        story.steps.append((step, day))
    return story


def choose_scenario(index: int, rng: random.Random) -> Scenario:
    if index < len(SCENARIOS):
        return SCENARIOS[index]
    return rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS])[0]
