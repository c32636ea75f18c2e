"""CSV bulk registration, the parts that touch Django: reading the uploaded bytes, the
checks against the records (a few queries per 1,000 rows, never one per row) and the bulk
writes. The action `do_bulk_register_enrolments` (actions.py) runs them in one
transaction; the rules of a row are in `openepa.domain.bulk_registration`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Exists, OuterRef
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.refusals import ActionRefused
from openepa.domain.bulk_registration import (
    FIRST_DATA_ROW,
    Row,
    check_row,
    mark_duplicate_ulns,
    read_header,
)
from openepa.domain.jsontypes import Json
from openepa.domain.registration import Problem, identity_problem
from openepa.domain.steps import EnrolmentStep
from openepa.domain.uln import validate_uln
from openepa.enrolments.models import Apprentice, Enrolment, JourneyEvent
from openepa.organisations.models import Organisation
from openepa.reference.models import Policy, StandardVersion

#: Rows per query and per INSERT: well under SQLite's 32,766 bound variables and
#: PostgreSQL's 65,535 (13 columns × 1,000 rows for an enrolment).
CHUNK = 1000
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx/.ods (zip), .xls


def read_rows(content: bytes, *, provider_required: bool, max_rows: int) -> list[Row]:
    """The rows of an uploaded file with every problem the file alone shows; refuses (on
    the `file` field) a file that is not UTF-8 CSV with the template's columns."""
    text = _decode(content)
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise ActionRefused("The file is empty.", field="file")
    header = read_header(first[1])
    if header.problems:
        raise ActionRefused(" ".join(header.problems), field="file")
    rows = [
        check_row(number, cells, header, provider_required=provider_required)
        for number, cells in records
    ]
    if not rows:
        raise ActionRefused("The file has a header but no apprentices.", field="file")
    if len(rows) > max_rows:
        raise ActionRefused(
            f"The file has {len(rows):,} apprentices; one upload takes at most {max_rows:,}. "
            "Split it into smaller files.",
            field="file",
        )
    mark_duplicate_ulns(rows)
    return rows


def _decode(content: bytes) -> str:
    if content.startswith(_SPREADSHEET_MAGIC) or b"\x00" in content[:4096]:
        raise ActionRefused(
            "This is a spreadsheet or other binary file, not CSV. In your spreadsheet choose "
            "Save as → “CSV UTF-8 (comma delimited)” and upload that file.",
            field="file",
        )
    try:
        return content.decode("utf-8-sig")  # a byte-order mark, as Excel writes, is fine
    except UnicodeDecodeError:
        raise ActionRefused(
            "The file is not UTF-8 text. In your spreadsheet choose Save as → “CSV UTF-8 "
            "(comma delimited)” and upload that file.",
            field="file",
        ) from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells) of each non-blank record; the header comes first
    and is row 1 when the file starts with it."""
    reader = csv.reader(io.StringIO(text, newline=""))
    number = FIRST_DATA_ROW - 2
    try:
        for cells in reader:
            number += 1
            if any(c.strip() for c in cells):
                yield number, cells
    except csv.Error as exc:
        raise ActionRefused(
            f"Row {number + 1} cannot be read as CSV ({exc}); check its quotation marks.",
            field="file",
        ) from None


@dataclass(frozen=True)
class Ready:
    """A valid row with its organisations found and its apprentice, if already recorded."""

    row: Row
    employer_id: int
    provider_id: int
    apprentice_id: int | None


def check_against_records(
    rows: Sequence[Row], *, actor: User, standard: StandardVersion, provider_required: bool
) -> list[Ready]:
    """Adds the problems only the records show (employer and provider unknown, ULN already
    on the standard or recorded for someone else, email) and returns the rows that can be
    registered. Call inside the transaction that writes: existing apprentices are locked."""
    organisations = _organisations()
    own_ids = roles_of(actor).orgs(Role.PROVIDER)
    # The uploader's own providers, found once (not once per row among every organisation).
    own_providers = {
        pk: name
        for (kind, _), (pk, name) in organisations.items()
        if kind == Organisation.Kind.PROVIDER and pk in own_ids
    }
    existing = _existing_apprentices(rows, standard)
    ready = []
    for row in rows:
        employer_id = _organisation(row, "employer", organisations, Organisation.Kind.EMPLOYER)
        provider_id = _provider(row, organisations, own_providers, provider_required)
        _check_email(row)
        apprentice_id = _check_existing(row, existing, standard)
        if row.valid and row.data and employer_id and provider_id:
            ready.append(Ready(row, employer_id, provider_id, apprentice_id))
    return ready


def _canonical(name: str) -> str:
    return " ".join(name.casefold().split())


def _organisations() -> dict[tuple[str, str], tuple[int, str]]:
    """{(kind, name as compared): (id, name)} of every employer and provider: one query
    however long the file, and names compared in Python so case is ignored the same way
    on SQLite and PostgreSQL."""
    kinds = (Organisation.Kind.EMPLOYER, Organisation.Kind.PROVIDER)
    return {
        (kind, _canonical(name)): (pk, name)
        for pk, kind, name in Organisation.objects.filter(kind__in=kinds).values_list(
            "pk", "kind", "name"
        )
    }


def _organisation(
    row: Row, column: str, organisations: dict[tuple[str, str], tuple[int, str]], kind: str
) -> int | None:
    name = row.values.get(column, "")
    if not name:
        return None  # "required" is reported by the row's own checks
    found = organisations.get((kind, _canonical(name)))
    if found is None:
        label = "employer" if kind == Organisation.Kind.EMPLOYER else "training provider"
        row.problems.append(
            Problem(column, f"No {label} called “{name}” is recorded in OpenEPA; check the name.")
        )
        return None
    return found[0]


def _provider(
    row: Row,
    organisations: dict[tuple[str, str], tuple[int, str]],
    own: dict[int, str],
    required: bool,
) -> int | None:
    """An EPAO admin names the provider on each row; a provider registers for themselves
    (issue 3 §3): a blank column is their own provider, another provider's name is refused."""
    if required:
        return _organisation(row, "provider", organisations, Organisation.Kind.PROVIDER)
    if not row.values.get("provider"):
        if len(own) == 1:
            return next(iter(own))
        row.problems.append(
            Problem("provider", "You work for several training providers: name one.")
        )
        return None
    provider_id = _organisation(row, "provider", organisations, Organisation.Kind.PROVIDER)
    if provider_id is not None and provider_id not in own:
        row.problems.append(
            Problem(
                "provider",
                "You can register apprentices only for " + " or ".join(sorted(own.values())) + ".",
            )
        )
        return None
    return provider_id


def _check_email(row: Row) -> None:
    email = row.values.get("email", "")
    if not email:
        return
    try:
        validate_email(email)  # the check of the registration page's EmailField
    except ValidationError:
        row.problems.append(Problem("email", f"“{email}” is not an email address."))


@dataclass(frozen=True)
class _Recorded:
    pk: int
    given_name: str
    family_name: str
    date_of_birth: date
    on_standard: bool


def _existing_apprentices(rows: Sequence[Row], standard: StandardVersion) -> dict[str, _Recorded]:
    """Apprentices already recorded under the file's ULNs, locked, and whether each is on
    `standard`: one query per 1,000 ULNs."""
    ulns = sorted({r.values["uln"] for r in rows if validate_uln(r.values["uln"]) is None})
    on_standard = Enrolment.objects.filter(apprentice=OuterRef("pk"), standard=standard)
    found: dict[str, _Recorded] = {}
    for start in range(0, len(ulns), CHUNK):
        query = (
            Apprentice.objects.select_for_update()
            .filter(uln__in=ulns[start : start + CHUNK])
            .annotate(on_standard=Exists(on_standard))
            .values_list("pk", "uln", "given_name", "family_name", "date_of_birth", "on_standard")
        )
        for pk, uln, given, family, birth, enrolled in query:
            found[uln] = _Recorded(pk, given, family, birth, enrolled)
    return found


def _check_existing(
    row: Row, existing: dict[str, _Recorded], standard: StandardVersion
) -> int | None:
    recorded = existing.get(row.values["uln"])
    if recorded is None:
        return None
    uln = row.values["uln"]
    if recorded.on_standard:
        # The registration page's message for the same rule (one enrolment per standard).
        row.problems.append(
            Problem(
                "uln",
                f"An apprentice with ULN {uln} is already registered on {standard.reference}.",
            )
        )
        return None
    if row.data is not None:
        mismatch = identity_problem(
            uln=uln,
            recorded_given=recorded.given_name,
            recorded_family=recorded.family_name,
            recorded_birth=recorded.date_of_birth,
            given_name=row.data.given_name,
            family_name=row.data.family_name,
            date_of_birth=row.data.date_of_birth,
        )
        if mismatch:
            row.problems.append(Problem("uln", mismatch))
            return None
    return recorded.pk


def create_enrolments(
    ready: Sequence[Ready],
    *,
    actor: User,
    epao: Organisation,
    standard: StandardVersion,
    policy: Policy,
) -> int:
    """The rows the registration page would write for each: the Apprentice (unless already
    recorded), the Enrolment (registered, version 1) and its "register" JourneyEvent, in
    INSERTs of 1,000 rows. Both databases give the new ids back (PostgreSQL and SQLite
    3.35+ use RETURNING), which the enrolments and events need."""
    new = [
        Apprentice(
            uln=r.row.data.uln,
            given_name=r.row.data.given_name,
            family_name=r.row.data.family_name,
            date_of_birth=r.row.data.date_of_birth,
            email=r.row.data.email,
        )
        for r in ready
        if r.row.data and r.apprentice_id is None
    ]
    Apprentice.objects.bulk_create(new, batch_size=CHUNK)
    ids = {a.uln: a.pk for a in new}
    if any(pk is None for pk in ids.values()):  # a database that returns no ids: ask
        ulns = list(ids)
        for start in range(0, len(ulns), CHUNK):
            chunk = ulns[start : start + CHUNK]
            ids.update(Apprentice.objects.filter(uln__in=chunk).values_list("uln", "pk"))
    enrolments = []
    now = timezone.now()
    for r in ready:
        data = r.row.data
        assert data is not None  # Ready rows are valid
        enrolments.append(
            Enrolment(
                apprentice_id=r.apprentice_id or ids[data.uln],
                standard=standard,
                epao=epao,
                employer_id=r.employer_id,
                provider_id=r.provider_id,
                policy=policy,
                start_date=data.start_date,
                planned_end_date=data.planned_end_date,
                face_to_face=data.face_to_face,
                non_facing=data.non_facing,
                ehcp=data.ehcp,
                bsl=data.bsl,
                original_start_date=data.original_start_date,
                english_in_training_plan=data.english_in_training_plan,
                maths_in_training_plan=data.maths_in_training_plan,
                # As on the registration page: whoever registers records the training plan.
                training_plan_recorded_by=actor,
                training_plan_recorded_at=now,
            )
        )
    Enrolment.objects.bulk_create(enrolments, batch_size=CHUNK)
    JourneyEvent.objects.bulk_create(
        [
            JourneyEvent(enrolment=e, actor=actor, action=EnrolmentStep.REGISTER, to_state=e.state)
            for e in enrolments
        ],
        batch_size=CHUNK,
    )
    return len(enrolments)


def report_rows(rows: Sequence[Row]) -> list[list[Json]]:
    """The per-row report as stored: [row number, ULN, name, [[column, message], ...]]."""
    return [
        [r.number, r.values.get("uln", ""), r.name, [[p.field, p.message] for p in r.problems]]
        for r in rows
    ]
