"""Evidence notes as an assessor writes them: where the evidence came from (the method's
own sources) and what it showed for the criterion's module, met or not. A small bank,
varied by the demo's seeded random numbers, so the same seed gives the same notes."""

from __future__ import annotations

import random

from openepa.domain.grading import Outcome
from openepa.domain.standard import Criterion, Level, Method

#: Where the evidence was seen, by method ({n} is a page, question or interaction number).
SOURCES = {
    Method.OBSERVATION: (
        "Observed with a walk-in customer (interaction {n})",
        "Seen on the telephone queue, call {n}",
        "Observed at the service desk, interaction {n}",
        "Seen during a customer's return request (interaction {n})",
    ),
    Method.DISCUSSION: (
        "Question {n}",
        "In answer to question {n}, with a work example",
        "Question {n}, followed up with a probing question",
    ),
    Method.SHOWCASE: (
        "Showcase report, section {n}, confirmed in the interview",
        "Portfolio item {n} and the interview",
        "Showcase report, section {n}",
    ),
}

#: What the evidence showed, by module: (met, not met).
SHOWED = {
    "knowing-your-customers": (
        "told internal and external customers apart and gave an example of adapting for a "
        "customer with a hearing impairment",
        "described customers only in general terms; no example of adapting the approach",
    ),
    "understanding-the-organisation": (
        "related the bank's values to the service culture, quoting the brand promise",
        "named the policies but could not say how they affect the service given",
    ),
    "meeting-regulations-and-legislation": (
        "explained data protection and confidentiality with an example from the branch",
        "mentioned data protection but not how it applies in the role",
    ),
    "systems-and-resources": (
        "walked through the CRM and the feedback survey used to monitor service",
        "named the CRM but not how service is measured",
    ),
    "your-role-and-responsibility": (
        "linked their targets to the team's service measures and explained how they meet them",
        "could not describe their agreed targets",
    ),
    "customer-experience": (
        "explained how checking the facts first builds trust, with a complaint as the example",
        "answer stayed general; no example of building trust",
    ),
    "product-and-service-knowledge": (
        "explained features against benefits for two accounts and how they keep up to date",
        "listed features without the benefit to the customer",
    ),
    "interpersonal-skills": (
        "built rapport quickly, used the customer's name and asked open questions",
        "the customer was not greeted until they spoke; little rapport",
    ),
    "communication": (
        "confirmed understanding by summarising the request before acting",
        "did not summarise or check understanding before moving on",
    ),
    "influencing-skills": (
        "offered two options that matched the need and handled the objection calmly",
        "offered one product without checking it met the need",
    ),
    "personal-organisation": (
        "showed a task plan with deadlines and how progress is tracked",
        "no evidence of planning or monitoring tasks",
    ),
    "dealing-with-customer-conflict-and-challenge": (
        "stayed calm with a frustrated customer, set out next steps and recorded the issue",
        "next steps were not explained to the customer",
    ),
    "developing-self": (
        "self-assessment and development plan provided, with progress reviewed",
        "development plan not provided",
    ),
    "being-open-to-feedback": (
        "described feedback from the team leader and what they changed as a result",
        "no example of seeking or using feedback",
    ),
    "team-working": (
        "gave an example of passing information to a colleague at handover",
        "example was of working alone; no team working evidenced",
    ),
    "equality-treating-all-customers-as-individuals": (
        "adjusted the pace and explanation for an older customer",
        "treated each customer the same way regardless of need",
    ),
    "presentation-dress-code-professional-language": (
        "professional appearance and language throughout",
        "informal language used with a customer",
    ),
    "right-first-time": (
        "established the need, took ownership and followed it through to the end",
        "passed the customer on without establishing the need",
    ),
}

#: A distinction criterion not met: the evidence was at pass level.
PASS_LEVEL = "sound, but at pass level: not the depth or range the distinction criterion asks for"
NOT_ARISEN = (
    "No situation arose during the observation to evidence this; carried over to the discussion."
)
NOT_EVIDENCED = "Not covered in the evidence presented."


def evidence_note(criterion: Criterion, method: Method, outcome: str, rng: random.Random) -> str:
    """One note for a judgement on a sheet of `method` (a carried-over criterion is judged
    on the discussion's sheet)."""
    if outcome == Outcome.CARRIED_OVER:
        return NOT_ARISEN
    if outcome == Outcome.NOT_EVIDENCED:
        return NOT_EVIDENCED
    source = rng.choice(SOURCES[method]).format(n=rng.randint(1, 9))
    met, not_met = SHOWED.get(criterion.module, ("evidence seen", "evidence not seen"))
    if outcome == Outcome.MET:
        return f"{source}: {met}."
    if criterion.level == Level.DISTINCTION:
        return f"{source}: {PASS_LEVEL}."
    return f"{source}: {not_met}."
