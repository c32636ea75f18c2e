"""The organisation's details page: its own people keep its contact, address and numbers
(served by accounts, which knows who they are; the templates are the organisations
context's)."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from openepa.accounts.organisation_details import (
    access_kept,
    do_update_organisation_details,
    kept_by,
)
from openepa.accounts.requests import AuthenticatedRequest
from openepa.core.actions_ui import run_action
from openepa.organisations.details import Details
from openepa.organisations.forms import DetailsForm


@login_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "organisations/mine.html", {"organisations": kept_by(request.user)})


@login_required
def details(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = access_kept(request.user, organisation_id)
    current = {k: getattr(organisation, k) for k in Details.__dataclass_fields__}
    form = DetailsForm(request.POST or None, initial=current, kind=organisation.kind)
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: do_update_organisation_details(
                actor=request.user, organisation_id=organisation.pk, details=form.details()
            ),
        )
        if done is not None:
            messages.success(request, f"{organisation.name}’s details are saved.")
            return redirect("organisations:details", organisation_id=organisation.pk)
    return render(
        request,
        "organisations/details.html",
        {
            "organisation": organisation,
            "form": form,
            "blank": not any(asdict(Details(**current)).values()),
        },
    )
