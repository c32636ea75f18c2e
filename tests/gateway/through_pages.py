"""The gateway task list driven through its pages, as the provider, the employer and the
EPAO admin use it: save the details, upload a small PDF for each document task, sign off
as each party with their own login, check your answers and submit; then review each
requirement."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from openepa.domain.gateway_tasks import TaskKind, gateway_tasks
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.models import Enrolment

PDF = b"%PDF-1.4\n% a gateway document for the tests\n%%EOF\n"

#: Highfield's details for the persona enrolment (aged 17 at the start: English and maths at
#: Level 1 required; the showcase format chosen at gateway).
DETAILS: dict[str, Any] = {
    "gateway_date": "2026-11-02",
    "english": "level_2",
    "maths": "level_1",
    "english_level_2_attempted": "on",
    "maths_level_2_attempted": "on",
    "showcase_format": "report",
    "notes": "",
}


def base(world: Any) -> str:
    return f"/gateway/enrolments/{world.enrolment.pk}/"


def task_url(world: Any, code: str) -> str:
    return f"{base(world)}tasks/{code}/"


def version(world: Any) -> int:
    return Enrolment.objects.get(pk=world.enrolment.pk).version


def pdf(name: str = "record.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def save_details(client: Any, world: Any, **overrides: Any) -> Any:
    return client.post(task_url(world, "details"), {**DETAILS, **overrides})


def upload(client: Any, world: Any, code: str, title: str = "Signed record", **kw: Any) -> Any:
    return client.post(task_url(world, code), {"title": title, "file": pdf(**kw)})


def sign(client: Any, world: Any, code: str, confirmed: bool = True) -> Any:
    return client.post(task_url(world, code), {"confirmed": "on"} if confirmed else {})


def submit(client: Any, world: Any, declared: bool = True) -> Any:
    data: dict[str, Any] = {"version": version(world)}
    if declared:
        data["declared"] = "on"
    return client.post(f"{base(world)}check/", data)


def task_codes(world: Any, adjustment: bool = False) -> list[str]:
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    return [t.code for t in gateway_tasks(policy_of(enrolment), adjustment)]


def prepare(client: Any, world: Any, *, submitter: Any = None, **details: Any) -> Any:
    """Do every task (the provider, then the employer signs) and submit; returns the
    submit response. `details` override DETAILS."""
    provider = world.provider_user
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    client.force_login(provider)
    assert save_details(client, world, **details).status_code == 302
    adjustment = bool(details.get("adjustment_requested"))
    for task in gateway_tasks(policy_of(enrolment), adjustment):
        if task.kind == TaskKind.DOCUMENTS:
            assert upload(client, world, task.code, title=task.title).status_code == 302
        elif task.kind == TaskKind.SIGN_OFF:
            client.force_login(
                world.employer_user if task.party == "employer" else world.provider_user
            )
            assert sign(client, world, task.code).status_code == 302
    client.force_login(submitter or provider)
    return submit(client, world)


def review(client: Any, world: Any, code: str, accept: bool = True, reason: str = "") -> Any:
    return client.post(
        f"{base(world)}requirements/{code}/review/",
        {f"{code}-outcome": "accept" if accept else "return", f"{code}-reason": reason},
    )


def review_all(client: Any, world: Any, returned: dict[str, str] | None = None) -> None:
    """As the admin: accept every requirement of the open submission but those returned."""
    from openepa.gateway.models import GatewaySubmission

    returned = returned or {}
    client.force_login(world.admin)
    submission = GatewaySubmission.objects.filter(
        enrolment_id=world.enrolment.pk, status="submitted"
    ).get()
    for code in submission.task_items:
        response = review(client, world, code, code not in returned, returned.get(code, ""))
        assert response.status_code == 302, response.content.decode()[:2000]
