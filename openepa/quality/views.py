"""IQA pages: the queue of samples, the review of one sampled marking sheet and the
assessors' consistency report. Thin: access, form, action, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import is_epao_iqa, roles_of
from openepa.assessments.forms import LABELS
from openepa.assessments.layout import groups
from openepa.assessments.preview import sheet_preview
from openepa.assessments.queries import LoadedSheet, load_sheet
from openepa.assessors.queries import quality_epaos
from openepa.core.actions_ui import post_action
from openepa.core.kept import changed_after, changed_at, kept, recounted_every
from openepa.core.paging import CountedPaginator
from openepa.domain.consistency import OUTLIER_MIN_DECISIONS, OUTLIER_POINTS
from openepa.domain.standard import Method
from openepa.enrolments.sections import DECISION_CHECK_PAGE
from openepa.organisations.models import Organisation
from openepa.quality import actions, queries
from openepa.quality.access import access_sample, independence_problem
from openepa.quality.consistency import (
    assessors,
    consistency_report,
    epao_totals,
    table_rows,
)
from openepa.quality.forms import ReviewForm, review_initial
from openepa.quality.models import IqaSample

PAGE_SIZE = 25


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """The IQA's queue: samples of their EPAOs waiting for review, oldest first. An EPAO
    admin who is not an IQA sees every open sample of their EPAOs (read-only: the review
    page shows them the sheet), which the admin's home page counts."""
    roles = roles_of(request.user)
    if roles.has(Role.IQA):
        samples = queries.queue_for(request.user)
    elif roles.has(Role.EPAO_ADMIN):
        samples = queries.open_samples_for_admin(request.user)
    else:
        raise Http404("No such page")
    page = Paginator(samples, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "quality/queue.html", {"page": page, "admin_view": not roles.has(Role.IQA)}
    )


@login_required
def queue_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """The whole IQA queue, in the page's order, as CSV or XLSX."""
    return SOURCES.download(request, request.user, "iqa-queue", fmt)


@login_required
def review(request: AuthenticatedRequest, sample_id: int) -> HttpResponse:
    """The sampled sheet with the IQA's review. The EPAO's admins see it read-only; an IQA
    who may not review it (seed 003 §9) is told why."""
    sample = access_sample(request.user, sample_id)
    loaded = load_sheet(sample.attempt)
    if request.method != "POST":
        form = ReviewForm(loaded.lines, initial=review_initial(sample))
        return _page(request, sample, loaded, form)
    form = ReviewForm(loaded.lines, data=request.POST)
    if request.POST.get("intent") == "sign_off":
        done = post_action(
            request,
            form,
            lambda data: actions.do_sign_off_sample(
                actor=request.user,
                sample_id=sample.pk,
                expected_version=data["version"],
                sheet_version=data["sheet_version"],
                reviews=form.reviews(),
                outcome=data["outcome"],
                comments=data["comments"],
                changes=form.changes(),
            ),
            lambda signed: f"Sample signed off: {signed.get_outcome_display().lower()}.",
        )
    else:
        done = post_action(
            request,
            form,
            lambda data: actions.do_save_review(
                actor=request.user,
                sample_id=sample.pk,
                expected_version=data["version"],
                reviews=form.reviews(),
            ),
            "Review saved. Sign off when every criterion is reviewed.",
        )
    if done is not None:
        return redirect("quality:review", sample_id=sample.pk)
    return _page(request, sample, loaded, form)


def _page(
    request: AuthenticatedRequest, sample: IqaSample, loaded: LoadedSheet, form: ReviewForm
) -> HttpResponse:
    attempt = loaded.attempt
    user = request.user
    is_iqa = is_epao_iqa(user, attempt.enrolment.epao_id)
    problem = independence_problem(user, attempt) if is_iqa else None
    editable = is_iqa and problem is None and sample.state != IqaSample.State.SIGNED_OFF
    reviews = {r.criterion_code: r for r in sample.reviews.all()}
    sections = [
        {
            "title": group.title,
            "rows": [
                {
                    "line": line,
                    "crit": line.criterion,
                    "text": line.criterion.text_for(loaded.modes),
                    "judgement": loaded.rows[line.criterion.code],
                    "label": LABELS[loaded.rows[line.criterion.code].outcome],
                    "review": reviews.get(line.criterion.code),
                    "fields": form.bound(line) if editable else None,
                }
                for line in group.lines
            ],
        }
        for group in groups(loaded.standard, loaded.lines)
    ]
    context = {
        "sample": sample,
        "attempt": attempt,
        "booking": attempt.booking,
        "enrolment": attempt.booking.enrolment,
        "method_name": loaded.standard.method(Method(attempt.method)).name,
        "modes": " and ".join(m.value.replace("_", "-") for m in sorted(loaded.modes)),
        "preview": sheet_preview(
            loaded.standard,
            Method(attempt.method),
            loaded.modes,
            loaded.lines,
            loaded.outcomes,
            source_outcomes=loaded.source_outcomes,
        ),
        "sections": sections,
        "form": form,
        "editable": editable,
        "problem": problem,
        "amendments": attempt.amendments.select_related("amended_by").order_by("amended_at"),
        # What the assessor saw (the evidence context adds the showcase files and notes).
        **DECISION_CHECK_PAGE.context(request, attempt.booking.enrolment),
    }
    return render(request, "quality/review.html", context)


#: Assessors on one page of the consistency report (four lines each: overall and methods).
REPORT_PAGE_SIZE = 20


def _quality_epaos(request: AuthenticatedRequest) -> list[Organisation]:
    epaos = quality_epaos(request.user)
    if not epaos:
        raise Http404("Not an EPAO admin or IQA")
    return list(Organisation.objects.filter(pk__in=epaos).order_by("name"))


@login_required
def consistency(request: AuthenticatedRequest) -> HttpResponse:
    """One EPAO's report (the first by name, or the one chosen when the user oversees
    several), a page of assessors at a time in name order."""
    epaos = _quality_epaos(request)
    chosen = request.GET.get("epao", "")
    epao = next((o for o in epaos if str(o.pk) == chosen), epaos[0])
    # The EPAO's totals and its number of assessors are kept a minute (openepa.core.kept):
    # they cost more than the page's rows at 100,000 apprentices.
    totals = kept(
        f"consistency-totals:{epao.pk}",
        lambda: epao_totals(epao),
        changed_since=changed_after(changed_at(request)),
    )
    page = CountedPaginator(
        assessors(epao.pk), REPORT_PAGE_SIZE, count=totals.value.assessors
    ).get_page(request.GET.get("page"))
    report = consistency_report(epao, list(page.object_list), totals.value)
    return render(
        request,
        "quality/consistency.html",
        {
            "report": report,
            "counted_at": totals.counted_at,
            "recounted_every": recounted_every(),
            "rows": table_rows(report),
            "page": page,
            "epaos": epaos,
            "points": OUTLIER_POINTS,
            "minimum": OUTLIER_MIN_DECISIONS,
        },
    )


@login_required
def consistency_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """Every assessor of every EPAO the user oversees: streamed when short, otherwise
    prepared in the background (the download source `assessor-consistency`)."""
    return SOURCES.download(request, request.user, "assessor-consistency", "csv")
