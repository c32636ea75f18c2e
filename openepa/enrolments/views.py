"""Views of the enrolments context: thin. Reads come from `queries`/`access`, writes go
through `actions` via `run_action`, so a refusal shows on the field it names."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role, User
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.core.actions_ui import run_action
from openepa.core.keyset import AFTER, BEFORE, KeysetPage, keyset_page, listed_page
from openepa.domain import csvsafe
from openepa.domain.bulk_registration import (
    COLUMNS,
    EXAMPLE_ROW,
    HEADINGS,
    LABELS,
    REQUIRED_COLUMNS,
)
from openepa.domain.journey import TERMINAL, State
from openepa.enrolments import queries
from openepa.enrolments.access import access_bulk_upload, access_enrolment
from openepa.enrolments.actions import (
    TRAINING_PLAN_STATES,
    do_bulk_register_enrolments,
    do_record_employer_attempts,
    do_record_training_plan,
    do_register_enrolment,
    do_withdraw_enrolment,
)
from openepa.enrolments.exports import pipeline_filters, pipeline_rows
from openepa.enrolments.forms import (
    BulkUploadForm,
    EmployerAttemptsForm,
    PipelineFilterForm,
    RegistrationForm,
    SearchForm,
    TrainingPlanForm,
    WithdrawForm,
)
from openepa.enrolments.links import action_links, object_links
from openepa.enrolments.models import Enrolment

PER_PAGE = 25


def _paged(
    request: AuthenticatedRequest,
    queryset: QuerySet[Enrolment],
    total: int | None = None,
    keys: tuple[str, ...] = queries.BY_NAME,
    rows: QuerySet[Enrolment] | None = None,
) -> dict[str, object]:
    """The page asked for: PER_PAGE rows by name, read from the cursor in the link (keyset
    pagination, so a deep page costs what the first costs); a damaged cursor shows the
    first page. With `rows`, the page's rows are read from it by the keys found in
    `queryset` (see `keyset_page`)."""
    page = keyset_page(
        queryset,
        keys,
        after=request.GET.get(AFTER),
        before=request.GET.get(BEFORE),
        size=PER_PAGE,
        total=total,
        rows=rows,
    )
    return {"page": page}


@login_required
def enrolment_list(request: AuthenticatedRequest) -> HttpResponse:
    """My apprentices: the employer's, the provider's, the allocated assessor's, or the
    apprentice's own record."""
    form = SearchForm(request.GET)
    text = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    stage = request.GET.get("stage", "")
    stage = stage if stage in queries.STAGES else ""
    rows = queries.in_stage(queries.search(queries.my_apprentices(request.user), text), stage)
    return render(
        request,
        "enrolments/list.html",
        {
            "form": form,
            **_paged(request, rows, keys=queries.BY_NAME_OF_MATCHES),
            "search": text,
            "stage": queries.STAGES[stage][0] if stage else "",
            "is_admin": roles_of(request.user).has(Role.EPAO_ADMIN),
        },
    )


@login_required
def pipeline(request: AuthenticatedRequest) -> HttpResponse:
    """The EPAO admin's pipeline: every enrolment of their EPAO, filtered and counted."""
    form, filters = pipeline_filters(request.user, request.GET)
    searched = _searched(request, filters) if filters.search else None
    if searched is not None:
        counts, page = searched
        return _pipeline_page(request, form, filters, counts, {"page": page})
    rows = pipeline_rows(request.user, filters)  # what the downloads hold too
    # The counts follow every filter but the state, so they read as tabs: kept counts when
    # only the state is chosen, counted over the narrowed list otherwise.
    counts = queries.pipeline_counts(request.user, queries.pipeline_for(request.user), filters)
    total = sum(n for state, n in counts if not filters.state or state.value == filters.state)
    keys = queries.BY_NAME
    shown = None
    if filters.search and total <= queries.SORT_MATCHES_UP_TO:
        rows, keys = queries.by_name_of_matches(rows), queries.BY_NAME_OF_MATCHES
        # Every match is sorted to find the page: by its keys alone, the employer, the
        # provider and the overdue check joined for the page's rows only (a third of the
        # query's time at 100,000 apprentices went on joining the 2,000 matches of "Patel").
        shown = queries.by_name_of_matches(
            queries.with_overdue(queries.pipeline_for(request.user))
        ).only(*queries.LIST_ROW_FIELDS)
    else:
        rows = rows.only(*queries.LIST_ROW_FIELDS)
    return _pipeline_page(request, form, filters, counts, _paged(request, rows, total, keys, shown))


def _searched(
    request: AuthenticatedRequest, filters: queries.Filters
) -> tuple[list[tuple[State, int]], KeysetPage[Enrolment]] | None:
    """A searched pipeline's counts by state and its page, from one read of every match
    (`matches_listed`): the counts were a second pass over the same matches, 9.5 of the
    page's 23 ms of SQL for the 2,041 of "Patel" at 100,000 apprentices (page_profile).
    None when more match than are read so, or the cursor's row has left the list."""
    everything = queries.pipeline_for(request.user)
    listed = queries.matches_listed(queries.apply_filters(everything, filters, with_state=False))
    if listed is None:
        return None
    counts = queries.in_journey_order(Counter(state for *_, state in listed))
    in_state = [keys[:3] for keys in listed if not filters.state or keys[3] == filters.state]
    page = listed_page(
        in_state,
        queries.with_overdue(everything).only(*queries.LIST_ROW_FIELDS),
        after=request.GET.get(AFTER),
        before=request.GET.get(BEFORE),
        size=PER_PAGE,
    )
    return None if page is None else (counts, page)


def _pipeline_page(
    request: AuthenticatedRequest,
    form: PipelineFilterForm,
    filters: queries.Filters,
    counts: list[tuple[State, int]],
    paged: dict[str, object],
) -> HttpResponse:
    return render(
        request,
        "enrolments/pipeline.html",
        {
            "form": form,
            "filters": filters,
            **paged,
            "counts": counts,
            "name_matches": form.name_matches(request.GET),
        },
    )


@login_required
def pipeline_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """The pipeline as filtered, every row (not only the page), as CSV or XLSX; prepared
    in the background when it is long (openepa.core.downloads)."""
    return SOURCES.download(request, request.user, "pipeline", fmt)


def _only_registrars(user: User) -> None:
    roles = roles_of(user)
    if not (roles.has(Role.PROVIDER) or roles.has(Role.EPAO_ADMIN)):
        # The same answer as for a page that is not there (CONTRIBUTING.md, access).
        raise Http404("No such page")


@login_required
def register(request: AuthenticatedRequest) -> HttpResponse:
    _only_registrars(request.user)
    form = RegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enrolment = run_action(
            form,
            lambda: do_register_enrolment(actor=request.user, registration=form.registration()),
        )
        if enrolment is not None:
            messages.success(
                request,
                f"{enrolment.apprentice} is registered on {enrolment.standard.reference}.",
            )
            return redirect("enrolments:detail", enrolment_id=enrolment.pk)
    return render(request, "enrolments/register.html", {"form": form})


@login_required
def detail(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, roles=queries.RECORD_ROLES)
    is_admin = enrolment.epao_id in roles_of(request.user).orgs(Role.EPAO_ADMIN)
    return render(
        request,
        "enrolments/detail.html",
        {
            "enrolment": enrolment,
            "timeline": queries.timeline(enrolment, request.user),
            "links": action_links(request.user, enrolment),
            "records": object_links(request.user, enrolment),
            "may_withdraw": is_admin and enrolment.journey_state not in TERMINAL,
        },
    )


@login_required
def withdraw(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    # Only the EPAO's admins withdraw; everyone else gets the 404 a missing id gets.
    enrolment = access_enrolment(
        request.user, enrolment_id, roles={Role.EPAO_ADMIN}, apprentice=False
    )
    form = WithdrawForm(request.POST or None, initial={"version": enrolment.version})
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: do_withdraw_enrolment(
                actor=request.user,
                enrolment_id=enrolment.pk,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            ),
        )
        if done is not None:
            messages.success(request, f"{enrolment.apprentice} has been withdrawn.")
            return redirect("enrolments:detail", enrolment_id=enrolment.pk)
    return render(request, "enrolments/withdraw.html", {"enrolment": enrolment, "form": form})


@login_required
def employer_decisions(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    """The employer's say: English and maths in the training plan (employer or provider,
    before gateway) and the attempts funded with further learning (employer)."""
    enrolment = access_enrolment(
        request.user, enrolment_id, roles={Role.EMPLOYER, Role.PROVIDER}, apprentice=False
    )
    is_employer = enrolment.employer_id in roles_of(request.user).orgs(Role.EMPLOYER)
    which = request.POST.get("which") if request.method == "POST" else None
    posted = request.POST if which else None
    plan = TrainingPlanForm(
        posted if which == "training_plan" else None,
        initial={
            "version": enrolment.version,
            "english_in_training_plan": enrolment.english_in_training_plan,
            "maths_in_training_plan": enrolment.maths_in_training_plan,
        },
    )
    further = enrolment.further_learning_before_resit
    attempts = EmployerAttemptsForm(
        posted if which == "attempts" else None,
        initial={
            "version": enrolment.version,
            "funded_attempts": enrolment.funded_attempts,
            "further_learning_before_resit": ""
            if further is None
            else ("yes" if further else "no"),
        },
    )
    done = None
    if which == "training_plan" and plan.is_valid():
        done = run_action(
            plan,
            lambda: do_record_training_plan(
                actor=request.user,
                enrolment_id=enrolment.pk,
                english_in_training_plan=plan.cleaned_data["english_in_training_plan"],
                maths_in_training_plan=plan.cleaned_data["maths_in_training_plan"],
                expected_version=plan.cleaned_data["version"],
            ),
        )
    elif which == "attempts" and attempts.is_valid():
        done = run_action(
            attempts,
            lambda: do_record_employer_attempts(
                actor=request.user,
                enrolment_id=enrolment.pk,
                funded_attempts=attempts.cleaned_data["funded_attempts"],
                further_learning_before_resit=attempts.further_learning(),
                expected_version=attempts.cleaned_data["version"],
            ),
        )
    if done is not None:
        messages.success(request, "The employer's decision is recorded.")
        return redirect("enrolments:employer_decisions", enrolment_id=enrolment.pk)
    return render(
        request,
        "enrolments/employer_decisions.html",
        {
            "enrolment": enrolment,
            "plan_form": plan,
            "attempts_form": attempts,
            "plan_open": enrolment.journey_state in TRAINING_PLAN_STATES,
            "is_employer": is_employer,
        },
    )


@login_required
def bulk_upload(request: AuthenticatedRequest) -> HttpResponse:
    """Register many apprentices from a CSV file; the report is its own page."""
    _only_registrars(request.user)
    form = BulkUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = run_action(
            form,
            lambda: do_bulk_register_enrolments(
                actor=request.user,
                content=form.cleaned_data["file"].read(),
                filename=form.cleaned_data["file"].name,
                epao=form.cleaned_data["epao"],
                standard=form.chosen_standard(),
                mode=form.cleaned_data["mode"],
            ),
        )
        if upload is not None:
            return redirect("enrolments:bulk_report", upload_id=upload.pk)
    return render(
        request,
        "enrolments/bulk_upload.html",
        {
            "form": form,
            "columns": [(key, HEADINGS[key], text) for key, text in COLUMNS.items()],
            "required": REQUIRED_COLUMNS,
            "max_rows": f"{settings.OPENEPA_BULK_MAX_ROWS:,}",
        },
    )


@login_required
def bulk_template(request: AuthenticatedRequest) -> HttpResponse:
    """The CSV template: the header row and one example apprentice."""
    _only_registrars(request.user)
    response = _csv_response("apprentices-template.csv")
    writer = csvsafe.writer(response)
    writer.writerow(HEADINGS[c] for c in COLUMNS)
    writer.writerow(EXAMPLE_ROW[c] for c in COLUMNS)
    return response


REPORT_PER_PAGE = 100


@login_required
def bulk_report(request: AuthenticatedRequest, upload_id: int) -> HttpResponse:
    upload = access_bulk_upload(request.user, upload_id)
    show = request.GET.get("show") or ("errors" if upload.error_row_count else "all")
    rows = [
        (number, uln, name, [(LABELS.get(column, column), text) for column, text in problems])
        for number, uln, name, problems in upload.rows
        if problems or show != "errors"
    ]
    paginator = Paginator(rows, REPORT_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "enrolments/bulk_report.html",
        {
            "upload": upload,
            "show": show,
            "page": page,
            "labels": LABELS,
        },
    )


@login_required
def bulk_errors(request: AuthenticatedRequest, upload_id: int) -> HttpResponse:
    """Every problem of an upload, one per line, to fix in the spreadsheet."""
    upload = access_bulk_upload(request.user, upload_id)
    response = _csv_response(f"errors-upload-{upload.pk}.csv")
    writer = csvsafe.writer(response)
    writer.writerow(["Row", "ULN", "Name", "Column", "Problem"])
    for number, uln, name, problems in upload.rows:
        for column, message in problems:
            writer.writerow([number, uln, name, LABELS.get(column, column), message])
    return response


def _csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # a byte-order mark, so spreadsheets read the file as UTF-8
    return response
