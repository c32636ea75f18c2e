"""Registering apprentices from a CSV file through /enrolments/bulk (issue 4 item 5)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openepa.domain.bulk_registration import COLUMNS, EXAMPLE_ROW, HEADINGS
from openepa.enrolments.models import Apprentice, BulkUpload, Enrolment, JourneyEvent
from tests.personas import next_uln

pytestmark = pytest.mark.django_db

URL = "/enrolments/bulk"


def row(world, **changes) -> dict[str, str]:
    values = {
        "uln": next_uln(),
        "given_name": "Grace",
        "family_name": "Hopper",
        "date_of_birth": "2006-12-09",
        "email": "grace@example.org",
        "employer": world.employer.name,
        "provider": world.provider.name,
        "start_date": "2025-02-03",
        "planned_end_date": "2026-03-31",
        "face_to_face": "yes",
        "non_facing": "no",
        "ehcp": "",
        "bsl": "",
    }
    return values | changes


def csv_bytes(rows: list[dict[str, str]], *, bom: bool = False, columns=None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns or COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def upload(client, world, content: bytes, *, mode="all_or_nothing", name="apprentices.csv"):
    return client.post(
        URL,
        {
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
            "epao": world.epao.pk,
            "mode": mode,
        },
        follow=True,
    )


def registered() -> int:
    return Enrolment.objects.count() - 1  # the world's own enrolment


@pytest.mark.parametrize("persona", ["provider_user", "admin"])
def test_provider_or_admin_registers_every_row_and_reads_the_report(signed_in, world, persona):
    rows = [
        row(world),
        row(world, given_name="Alan", non_facing="y"),
        row(world, family_name="Lamarr"),
    ]
    page = upload(signed_in(getattr(world, persona)), world, csv_bytes(rows))
    html = page.content.decode()
    bulk = BulkUpload.objects.get()
    assert page.redirect_chain[-1][0] == f"/enrolments/bulk/{bulk.pk}/"
    assert "3 apprentices registered on ST0072." in html
    assert html.count("Registered</strong>") == 3
    assert registered() == 3
    alan = Enrolment.objects.get(apprentice__uln=rows[1]["uln"])
    assert alan.face_to_face
    assert alan.non_facing
    assert alan.provider == world.provider
    assert alan.employer == world.employer


def test_a_bulk_registered_apprentice_has_the_rows_the_registration_page_writes(signed_in, world):
    data = row(world, ehcp="yes")
    upload(signed_in(world.provider_user), world, csv_bytes([data]))
    enrolment = Enrolment.objects.select_related("apprentice").get(apprentice__uln=data["uln"])
    single = world.enrolment  # registered through do_register_enrolment
    same = ("state", "version", "policy_id", "epao_id", "standard_id", "provider_id")
    assert [getattr(enrolment, f) for f in same] == [getattr(single, f) for f in same]
    assert enrolment.ehcp
    assert enrolment.created_at is not None
    assert (enrolment.apprentice.given_name, enrolment.apprentice.email) == (
        "Grace",
        "grace@example.org",
    )
    events = list(
        JourneyEvent.objects.filter(enrolment=enrolment).values_list(
            "action", "from_state", "to_state", "actor_id", "reason", "data"
        )
    )
    assert events == [("register", "", "registered", world.provider_user.pk, "", {})]
    single_event = JourneyEvent.objects.get(enrolment=single)
    assert (single_event.action, single_event.from_state, single_event.to_state) == events[0][:3]


def test_all_or_nothing_with_one_bad_row_registers_nobody_and_names_row_and_column(
    signed_in, world
):
    rows = [row(world), row(world, uln="9276308687"), row(world)]
    page = upload(signed_in(world.provider_user), world, csv_bytes(rows))
    html = page.content.decode()
    assert registered() == 0
    assert "Nobody was registered: 1 row has errors" in html
    assert '<th scope="row" class="govuk-table__header" data-label="Row">3</th>' in html
    assert (
        "<code>ULN</code>: ULN is not valid: its last digit does not match the other nine; check the number"
        in html
    )
    # The rows with errors are shown first; the valid ones are a link away.
    assert rows[0]["uln"] not in html
    assert (
        rows[0]["uln"] in page.client.get(page.request["PATH_INFO"] + "?show=all").content.decode()
    )
    bulk = BulkUpload.objects.get()
    assert (bulk.row_count, bulk.error_row_count, bulk.registered_count) == (3, 1, 0)


def test_valid_only_registers_the_others(signed_in, world):
    rows = [row(world), row(world, start_date="31/02/2025"), row(world, start_date="03/02/2025")]
    html = upload(signed_in(world.provider_user), world, csv_bytes(rows), mode="valid_only")
    html = html.content.decode()
    assert registered() == 2
    assert "2 apprentices registered on ST0072." in html
    assert "Start date “31/02/2025” is not a date as YYYY-MM-DD or DD/MM/YYYY." in html
    assert not Enrolment.objects.filter(apprentice__uln=rows[1]["uln"]).exists()
    assert not Apprentice.objects.filter(uln=rows[1]["uln"]).exists()


def test_check_only_registers_nobody(signed_in, world):
    html = upload(signed_in(world.provider_user), world, csv_bytes([row(world)]), mode="check_only")
    assert "The file was only checked: nobody was registered." in html.content.decode()
    assert registered() == 0
    assert Apprentice.objects.count() == 1


def test_a_uln_twice_in_the_file_names_both_rows(signed_in, world):
    twin = row(world)
    html = upload(
        signed_in(world.provider_user),
        world,
        csv_bytes([twin, row(world), twin]),
        mode="valid_only",
    ).content.decode()
    assert html.count(f"ULN {twin['uln']} is on rows 2 and 4 of this file.") == 2
    assert registered() == 1


def test_a_uln_already_on_the_standard_is_refused_as_on_the_registration_page(signed_in, world):
    existing = world.enrolment.apprentice
    data = row(world, uln=existing.uln, date_of_birth=existing.date_of_birth.isoformat())
    html = upload(signed_in(world.admin), world, csv_bytes([data])).content.decode()
    assert f"An apprentice with ULN {existing.uln} is already registered on ST0072." in html
    assert registered() == 0


def test_an_apprentice_recorded_with_another_birth_date_or_name_is_refused(signed_in, world):
    # Recorded (say, on another standard) but on no enrolment of this one.
    existing = Apprentice.objects.create(
        uln=next_uln(), given_name="Ada", family_name="Lovelace", date_of_birth="2007-06-01"
    )
    client = signed_in(world.admin)
    data = row(world, uln=existing.uln, given_name="Ada", family_name="Lovelace")
    html = upload(client, world, csv_bytes([data])).content.decode()
    assert "belongs to an apprentice with a different date of birth; check the ULN." in html
    data["date_of_birth"] = "01/06/2007"
    html = upload(client, world, csv_bytes([data | {"given_name": "Ida"}])).content.decode()
    assert "belongs to an apprentice with a different name; check the ULN." in html
    assert registered() == 0
    # The same person again is registered on the standard with their existing record.
    upload(client, world, csv_bytes([data | {"given_name": " ada "}]))
    assert Enrolment.objects.get(apprentice__uln=existing.uln).apprentice_id == existing.pk
    assert Apprentice.objects.filter(uln=existing.uln).count() == 1


def test_organisations_are_found_by_name_and_a_provider_registers_only_for_itself(signed_in, world):
    rows = [
        row(world, employer="harbour  BANK", provider=""),
        row(world, employer="Nowhere Ltd"),
        row(world, provider=world.other_provider.name),
    ]
    html = upload(
        signed_in(world.provider_user), world, csv_bytes(rows), mode="valid_only"
    ).content.decode()
    assert "No employer called “Nowhere Ltd” is recorded in OpenEPA; check the name." in html
    assert "You can register apprentices only for Coastal Training." in html
    assert registered() == 1
    assert Enrolment.objects.get(apprentice__uln=rows[0]["uln"]).provider == world.provider


def test_an_admin_must_name_the_provider(signed_in, world):
    html = upload(signed_in(world.admin), world, csv_bytes([row(world, provider="")]))
    assert "Training provider is required when an EPAO admin uploads." in html.content.decode()
    assert registered() == 0


def test_a_file_with_a_byte_order_mark_and_uk_dates_is_read(signed_in, world):
    data = row(
        world, date_of_birth="09/12/2006", start_date="3/2/2025", planned_end_date="31/03/2026"
    )
    upload(signed_in(world.provider_user), world, csv_bytes([data], bom=True))
    enrolment = Enrolment.objects.get(apprentice__uln=data["uln"])
    assert enrolment.start_date.isoformat() == "2025-02-03"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"uln,given_name\n", "a.csv", "Missing columns: Family name"),
        ("Grace,Hopper,Café\n".encode("latin-1"), "a.csv", "The file is not UTF-8 text."),
        (b"PK\x03\x04binary", "a.csv", "This is a spreadsheet or other binary file, not CSV."),
        (b"uln", "a.xlsx", "Choose a .csv file."),
        (b"", "a.csv", "The submitted file is empty."),
        (",".join(COLUMNS).encode() + b"\n", "a.csv", "The file has a header but no apprentices."),
    ],
)
def test_a_file_that_is_not_the_template_csv_is_refused_on_the_file_field(
    signed_in, world, content, name, message
):
    page = upload(signed_in(world.provider_user), world, content, name=name)
    html = page.content.decode()
    assert page.redirect_chain == []
    assert 'id="id_file-error"' in html
    assert message in html
    assert BulkUpload.objects.count() == 0


def test_too_large_a_file_is_refused(signed_in, world, settings):
    settings.OPENEPA_BULK_MAX_BYTES = 1000
    content = csv_bytes([row(world) for _ in range(10)])
    html = upload(signed_in(world.provider_user), world, content).content.decode()
    assert "one upload takes at most 1000 bytes. Split it into smaller files." in html
    assert BulkUpload.objects.count() == 0


def test_too_many_rows_are_refused(signed_in, world, settings):
    settings.OPENEPA_BULK_MAX_ROWS = 3
    html = upload(signed_in(world.provider_user), world, csv_bytes([row(world) for _ in range(4)]))
    assert "The file has 4 apprentices; one upload takes at most 3." in html.content.decode()
    assert registered() == 0


def test_the_errors_download_lists_each_problem_with_row_and_column(signed_in, world):
    client = signed_in(world.provider_user)
    upload(client, world, csv_bytes([row(world), row(world, uln="123", given_name="")]))
    bulk = BulkUpload.objects.get()
    response = client.get(f"/enrolments/bulk/{bulk.pk}/errors.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["Row", "ULN", "Name", "Column", "Problem"]
    assert lines[1] == ["3", "123", "Hopper", "ULN", "ULN must be exactly 10 digits (this has 3)"]
    assert lines[2] == ["3", "123", "Hopper", "Given name", "Given name is required."]


def test_the_template_is_the_header_and_an_example_that_registers(signed_in, world):
    client = signed_in(world.provider_user)
    response = client.get("/enrolments/bulk/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="apprentices-template.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines == [[HEADINGS[c] for c in COLUMNS], [EXAMPLE_ROW[c] for c in COLUMNS]]
    # Its example names the world's employer and provider, so it registers as it is.
    upload(client, world, response.content)
    assert Enrolment.objects.filter(apprentice__uln=EXAMPLE_ROW["uln"]).exists()


def test_the_upload_page_offers_the_template_and_the_modes(signed_in, world):
    html = signed_in(world.provider_user).get(URL).content.decode()
    assert "Download the CSV template" in html
    assert 'enctype="multipart/form-data"' in html
    assert "Register every row, or nobody if any row has an error" in html
    assert re.search(r'value="all_or_nothing"[^>]*checked', html)


@pytest.mark.parametrize(
    "persona", ["employer", "apprentice", "assessor", "iqa", "outsider_employer"]
)
def test_anyone_else_gets_not_found_and_nothing_is_registered(signed_in, world, persona):
    client = signed_in(world.personas()[persona])
    assert client.get(URL).status_code == 404
    assert client.get("/enrolments/bulk/template.csv").status_code == 404
    response = client.post(
        URL,
        {"file": SimpleUploadedFile("a.csv", csv_bytes([row(world)])), "epao": world.epao.pk},
    )
    assert response.status_code == 404
    assert registered() == 0


def test_a_report_is_its_uploaders_only(signed_in, world, client):
    upload(signed_in(world.provider_user), world, csv_bytes([row(world)]))
    bulk = BulkUpload.objects.get()
    client.force_login(world.admin)  # even an admin of the EPAO
    assert client.get(f"/enrolments/bulk/{bulk.pk}/").status_code == 404
    assert client.get(f"/enrolments/bulk/{bulk.pk}/errors.csv").status_code == 404


def test_the_upload_is_csrf_protected(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.provider_user)
    response = client.post(
        URL, {"file": SimpleUploadedFile("a.csv", csv_bytes([row(world)])), "epao": world.epao.pk}
    )
    assert response.status_code == 403
    assert registered() == 0


def queries_for(client, world, count: int) -> int:
    content = csv_bytes([row(world) for _ in range(count)])
    with CaptureQueriesContext(connection) as captured:
        upload(client, world, content)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_rows(signed_in, world):
    client = signed_in(world.admin)
    few = queries_for(client, world, 10)
    many = queries_for(client, world, 200)
    assert registered() == 210
    assert many == few


def test_bulk_inserts_give_the_new_ids_back_on_this_database(world):
    """The enrolments and events need the apprentices' and enrolments' ids from the bulk
    INSERT (PostgreSQL and SQLite 3.35+ return them)."""
    made = Apprentice.objects.bulk_create(
        [
            Apprentice(uln=next_uln(), given_name="A", family_name="B", date_of_birth="2007-01-01")
            for _ in range(3)
        ]
    )
    assert all(a.pk is not None for a in made)
    assert connection.features.can_return_rows_from_bulk_insert


def test_the_training_plan_and_a_restarts_original_start_are_registered_from_their_columns(
    signed_in, world
):
    rows = [
        row(world, english_in_training_plan="yes", original_start_date="04/09/2023"),
        row(world, maths_in_training_plan="x"),
    ]
    upload(signed_in(world.provider_user), world, csv_bytes(rows))
    english_only = Enrolment.objects.get(apprentice__uln=rows[0]["uln"])
    assert (english_only.english_in_training_plan, english_only.maths_in_training_plan) == (
        True,
        False,
    )
    assert str(english_only.original_start_date) == "2023-09-04"
    assert english_only.training_plan_recorded_by == world.provider_user
    assert english_only.training_plan_recorded_at is not None
    maths_only = Enrolment.objects.get(apprentice__uln=rows[1]["uln"])
    assert (maths_only.english_in_training_plan, maths_only.maths_in_training_plan) == (
        False,
        True,
    )
    assert maths_only.original_start_date is None


def test_a_file_without_the_training_plan_columns_registers_them_as_not_in_the_plan(
    signed_in, world
):
    old_columns = [c for c in COLUMNS if "training_plan" not in c and c != "original_start_date"]
    data = row(world)
    upload(signed_in(world.provider_user), world, csv_bytes([data], columns=old_columns))
    enrolment = Enrolment.objects.get(apprentice__uln=data["uln"])
    assert (enrolment.english_in_training_plan, enrolment.maths_in_training_plan) == (False, False)
    assert enrolment.original_start_date is None


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        (
            {"original_start_date": "2025-03-01"},
            "Original start date",
            "The original start date must be on or before the start date: it is when a "
            "restarted apprenticeship first started.",
        ),
        (
            {"original_start_date": "1/9/23"},
            "Original start date",
            "Original start date “1/9/23” is not a date as YYYY-MM-DD or DD/MM/YYYY.",
        ),
        (
            {"maths_in_training_plan": "maybe"},
            "Maths in training plan",
            "Write yes or no in Maths in training plan, not “maybe”.",
        ),
    ],
)
def test_a_bad_training_plan_or_original_start_cell_is_refused_naming_its_column(
    signed_in, world, changes, column, message
):
    rows = [row(world), row(world, **changes)]
    html = upload(signed_in(world.provider_user), world, csv_bytes(rows)).content.decode()
    assert registered() == 0
    assert '<th scope="row" class="govuk-table__header" data-label="Row">3</th>' in html
    assert f"<code>{column}</code>: {message}" in html
