"""Marking pages: the assessor's sheet (save, preview, submit), its read-only view once
submitted, and the EPAO admin's amendment form. Thin: access, form, action, render."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import is_epao_admin
from openepa.assessments.access import (
    access_attempt,
    access_booking_sheet,
    is_allocated_assessor,
)
from openepa.assessments.actions import (
    NotesMissing,
    check_submission,
    do_amend_sheet,
    do_open_sheet,
    do_save_sheet,
    do_submit_sheet,
)
from openepa.assessments.forms import LABELS, AmendForm, ConfirmForm, SheetForm, sheet_initial
from openepa.assessments.layout import Line, groups, outcome_field
from openepa.assessments.models import Attempt
from openepa.assessments.preview import GradeLine, sheet_preview
from openepa.assessments.queries import CARRIED, LoadedSheet, load_sheet
from openepa.assessments.sections import SUBMITTED_SHEET_PAGE
from openepa.bookings.sections import BOOKING_PAGE
from openepa.core.actions_ui import run_action
from openepa.core.refusals import ActionRefused
from openepa.domain.standard import Method
from openepa.enrolments.sections import DECISION_CHECK_PAGE


@login_required
def sheet(request: AuthenticatedRequest, booking_id: int) -> HttpResponse:
    """The allocated assessor marks here (the draft is created on first open); the EPAO's
    admins see the sheet read-only, with a link to amend it once submitted."""
    booking = access_booking_sheet(request.user, booking_id)
    if not is_allocated_assessor(request.user, booking):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        started = Attempt.objects.filter(booking=booking).first()
        if started is None:
            return render(request, "assessments/not_started.html", {"booking": booking})
        return _read_only(request, started)
    try:
        attempt = do_open_sheet(actor=request.user, booking_id=booking.pk)
    except ActionRefused as refusal:
        context = {"booking": booking, "message": refusal.message}
        return render(request, "assessments/not_started.html", context, status=409)
    if request.method == "POST":
        return _post(request, attempt)
    if attempt.status == Attempt.Status.SUBMITTED:
        return _read_only(request, attempt)
    loaded = load_sheet(attempt)
    form = SheetForm(loaded.lines, initial=sheet_initial(attempt, loaded.rows))
    return _marking(request, loaded, form, loaded.outcomes)


def _post(request: AuthenticatedRequest, attempt: Attempt) -> HttpResponse:
    loaded = load_sheet(attempt)
    form = SheetForm(loaded.lines, data=request.POST)
    intent = request.POST.get("intent", "save")
    if not form.is_valid() or intent == "preview":
        return _marking(request, loaded, form, form.outcomes())
    data = form.cleaned_data
    saved = run_action(
        form,
        lambda: do_save_sheet(
            actor=request.user,
            attempt_id=attempt.pk,
            expected_version=data["version"],
            judgements=form.judgements(),
            actual_start=data["actual_start"],
            actual_end=data["actual_end"],
            feedback=data["feedback"],
            photo_id_checked=bool(data.get("photo_id_checked")),
        ),
    )
    if saved is None:
        return _marking(request, loaded, form, form.outcomes())
    if intent != "submit":
        messages.success(request, "Draft saved.")
        return redirect("assessments:sheet", booking_id=attempt.booking_id)
    # The draft is saved first, so a sheet that is not ready to submit loses nothing; a
    # ready one goes to "check your answers", where submitting is confirmed.
    post = request.POST.copy()
    post["version"] = str(saved.version)
    form = SheetForm(loaded.lines, data=post)
    form.is_valid()
    checked = _refusing(form, lambda: check_submission(actor=request.user, attempt_id=attempt.pk))
    if checked is None:
        messages.info(
            request, "Your changes were saved as a draft, but the sheet was not submitted."
        )
        return _marking(request, load_sheet(saved), form, form.outcomes())
    return redirect("assessments:check", booking_id=attempt.booking_id)


def _refusing[T](form: SheetForm, action: Callable[[], T]) -> T | None:
    """run_action, plus one message per criterion when evidence notes are missing."""
    try:
        return action()
    except NotesMissing as refusal:
        form.refuse(refusal.message)
        for field, message in refusal.errors.items():
            form.refuse(message, field)
        return None
    except ActionRefused as refusal:
        form.refuse(refusal.message, refusal.field)
        return None


@login_required
def check(request: AuthenticatedRequest, booking_id: int) -> HttpResponse:
    """Check your answers: each criterion's judgement and note, what is carried over and
    the method grade, before the assessor confirms and the sheet locks."""
    booking = access_booking_sheet(request.user, booking_id)
    attempt = Attempt.objects.filter(booking=booking).first()
    if attempt is None or not is_allocated_assessor(request.user, booking):
        raise Http404("No such marking sheet")
    if attempt.status == Attempt.Status.SUBMITTED:
        return redirect("assessments:sheet", booking_id=booking.pk)
    form = ConfirmForm(request.POST or None, initial={"version": attempt.version})
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: do_submit_sheet(
                actor=request.user,
                attempt_id=attempt.pk,
                expected_version=form.cleaned_data["version"],
            ),
        )
        if done is not None:
            messages.success(request, "Marking sheet submitted. It is now locked.")
            return redirect("assessments:sheet", booking_id=booking.pk)
    try:
        checked = check_submission(actor=request.user, attempt_id=attempt.pk)
    except ActionRefused as refusal:
        messages.error(request, f"The sheet is not ready to submit: {refusal.message}")
        return redirect("assessments:sheet", booking_id=booking.pk)
    loaded = load_sheet(attempt)
    context = {
        **_header(request, loaded),
        "form": form,
        "grade": checked.grade,
        "method_result": checked.result.methods.get(Method(attempt.method)),
        "sections": _sections(
            loaded,
            lambda line: {
                "judgement": loaded.rows[line.criterion.code],
                "label": LABELS[loaded.rows[line.criterion.code].outcome],
                "anchor": outcome_field(line.criterion.code),
            },
        ),
        "carried_out": [
            line.criterion.code
            for line in loaded.lines
            if loaded.rows[line.criterion.code].outcome == CARRIED
        ],
        "carried_in": [line.criterion.code for line in loaded.lines if line.carried],
    }
    status = 409 if request.method == "POST" else 200
    return render(request, "assessments/check.html", context, status=status)


def _marking(
    request: AuthenticatedRequest, loaded: LoadedSheet, form: SheetForm, outcomes: dict[str, str]
) -> HttpResponse:
    attempt = loaded.attempt
    context = {
        **_header(request, loaded),
        "form": form,
        "sections": _sections(loaded, lambda line: {"fields": form.bound(line)}),
        "preview": _preview(loaded, outcomes),
        "locked": attempt.status == Attempt.Status.SUBMITTED,
    }
    return render(request, "assessments/sheet.html", context)


def _read_only(request: AuthenticatedRequest, attempt: Attempt) -> HttpResponse:
    loaded = load_sheet(attempt)
    context = {
        **_header(request, loaded),
        "sections": _sections(
            loaded,
            lambda line: {
                "judgement": loaded.rows[line.criterion.code],
                "label": _label(loaded, line.criterion.code),
            },
        ),
        "preview": _preview(loaded, loaded.outcomes),
        "amendments": attempt.amendments.select_related("amended_by").order_by("amended_at"),
        "may_amend": attempt.status == Attempt.Status.SUBMITTED
        and is_epao_admin(request.user, attempt.booking.enrolment.epao_id),
        # The signed-off IQA review, for its assessor and admins (openepa.quality adds it).
        **SUBMITTED_SHEET_PAGE.context(request, attempt),
    }
    return render(request, "assessments/sheet_read_only.html", context)


def _sections(
    loaded: LoadedSheet, extra: Callable[[Line], Mapping[str, object]]
) -> list[dict[str, object]]:
    """Criteria grouped by module, each with its wording for the apprentice's modes."""
    return [
        {
            "title": group.title,
            "rows": [
                {"line": line, "text": line.criterion.text_for(loaded.modes), **extra(line)}
                for line in group.lines
            ],
        }
        for group in groups(loaded.standard, loaded.lines)
    ]


def _label(loaded: LoadedSheet, code: str) -> str:
    label = LABELS[loaded.rows[code].outcome]
    resolved = loaded.resolution.get(code)
    if resolved:
        return f"{label}; judged in the discussion: {LABELS[resolved].lower()}"
    return label


@login_required
@require_POST
def preview(request: AuthenticatedRequest, attempt_id: int) -> HttpResponse:
    """The live grade preview as an HTML fragment, from the form as it is now (marking.js)."""
    attempt = access_attempt(request.user, attempt_id)
    if not is_allocated_assessor(request.user, attempt.booking):
        raise Http404("No such marking sheet")
    loaded = load_sheet(attempt)
    form = SheetForm(loaded.lines, data=request.POST)
    form.is_valid()
    return render(
        request, "assessments/_preview.html", {"preview": _preview(loaded, form.outcomes())}
    )


@login_required
def amend(request: AuthenticatedRequest, attempt_id: int) -> HttpResponse:
    """An EPAO admin changes outcomes on a submitted sheet, with a reason."""
    attempt = access_attempt(request.user, attempt_id)
    if not is_epao_admin(request.user, attempt.booking.enrolment.epao_id):
        raise Http404("No such marking sheet")
    loaded = load_sheet(attempt)
    if request.method == "POST":
        form = AmendForm(loaded.lines, data=request.POST)
        if form.is_valid():
            done = run_action(
                form,
                lambda: do_amend_sheet(
                    actor=request.user,
                    attempt_id=attempt.pk,
                    expected_version=form.cleaned_data["version"],
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                ),
            )
            if done is not None:
                messages.success(request, "The marking sheet was amended and the reason recorded.")
                return redirect("assessments:sheet", booking_id=attempt.booking_id)
    else:
        form = AmendForm(loaded.lines, initial={"version": attempt.version})
    rows = [
        {
            "line": line,
            "text": line.criterion.text_for(loaded.modes),
            "label": _label(loaded, line.criterion.code),
            "field": form[outcome_field(line.criterion.code)],
        }
        for line in loaded.lines
    ]
    context = {
        **_header(request, loaded),
        "form": form,
        "rows": rows,
        # What the assessor saw (the evidence context adds the showcase files and notes).
        **DECISION_CHECK_PAGE.context(request, attempt.booking.enrolment),
    }
    return render(request, "assessments/amend.html", context)


def _header(request: AuthenticatedRequest, loaded: LoadedSheet) -> dict[str, object]:
    attempt = loaded.attempt
    return {
        "attempt": attempt,
        "booking": attempt.booking,
        "enrolment": attempt.booking.enrolment,
        "method_name": loaded.standard.method(Method(attempt.method)).name,
        "modes": " and ".join(m.value.replace("_", "-") for m in sorted(loaded.modes)),
        # The approved adjustments' arrangements (openepa.cases adds them).
        **BOOKING_PAGE.context(request, attempt.booking),
    }


def _preview(loaded: LoadedSheet, outcomes: dict[str, str]) -> list[GradeLine]:
    return sheet_preview(
        loaded.standard,
        Method(loaded.attempt.method),
        loaded.modes,
        loaded.lines,
        outcomes,
        source_outcomes=loaded.source_outcomes,
    )
