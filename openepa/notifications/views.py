"""The outbox page of an EPAO's admins: every email with its delivery state, attempts and
last error, and "send again now" for one that failed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.requests import AuthenticatedRequest
from openepa.core.actions_ui import post_action
from openepa.core.paging import CappedPaginator
from openepa.notifications import actions, queries
from openepa.notifications.access import access_message, may_see_outbox
from openepa.notifications.forms import RetryForm
from openepa.notifications.kinds import KIND_LABELS
from openepa.notifications.models import OutboxMessage

PAGE_SIZE = 50


@login_required
def outbox(request: AuthenticatedRequest) -> HttpResponse:
    if not may_see_outbox(request.user):
        raise Http404("No such page")
    state = request.GET.get("state", "")
    page = CappedPaginator(queries.outbox_for(request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "state": state,
            "states": OutboxMessage.State.choices,
            "kinds": KIND_LABELS,
            "retryable": queries.NEEDS_ATTENTION,
        },
    )


@login_required
def message_detail(request: AuthenticatedRequest, message_id: int) -> HttpResponse:
    return _detail(request, access_message(request.user, message_id))


@login_required
@require_POST
def retry(request: AuthenticatedRequest, message_id: int) -> HttpResponse:
    message = access_message(request.user, message_id)
    form = RetryForm(request.POST)
    done = post_action(
        request,
        form,
        lambda data: actions.do_retry_message(actor=request.user, message_id=message.pk),
        f"The email to {message.recipient} is queued to be sent again now.",
    )
    if done is not None:
        return redirect("notifications:message", message_id=message.pk)
    return _detail(request, message, form=form)


def _detail(
    request: AuthenticatedRequest, message: OutboxMessage, *, form: RetryForm | None = None
) -> HttpResponse:
    return render(
        request,
        "notifications/message.html",
        {
            "message": message,
            "kind": KIND_LABELS.get(message.kind, message.kind),
            "retryable": message.state
            not in (OutboxMessage.State.SENT, OutboxMessage.State.SENDING),
            "form": form or RetryForm(),
        },
    )
