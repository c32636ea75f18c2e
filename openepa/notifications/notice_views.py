"""The notices page (issue 17 §6): every email a user was sent, in the app, newest first,
a page at a time; each opens the page it is about and is marked read on the way.

Marking read is a write, so it is always a POST (a form's button, CSRF-checked): a GET
never changes a notice nor the count in the header, whatever prefetches or follows it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from openepa.accounts.requests import AuthenticatedRequest
from openepa.notifications import actions, queries
from openepa.notifications.access import access_notice
from openepa.notifications.forms import MarkAllReadForm

PAGE_SIZE = 25


@login_required
def notices(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(queries.notices_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    newest = rows[0].pk if rows and page.number == 1 else None
    unread = queries.unread_count(request.user)
    return render(
        request,
        "notifications/notices.html",
        {
            "page": page,
            "rows": rows,
            "unread": unread,
            "shown_up_to": queries.UNREAD_SHOWN_UP_TO,
            "mark_all": MarkAllReadForm(initial={"up_to": newest}) if newest else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def open_notice(request: AuthenticatedRequest, notice_id: int) -> HttpResponse:
    """GET: the notice itself (what it says, when, read or not, the page it is about), read
    without changing anything. POST (the list's and this page's button): mark it read and go
    to the page it is about; marking one's own notice read twice changes nothing."""
    notice = access_notice(request.user, notice_id)
    target = notice.url if url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) else ""
    if request.method == "POST":
        actions.do_mark_notice_read(actor=request.user, notice_id=notice.pk)
        return redirect(target or "notifications:notices")
    return render(request, "notifications/notice.html", {"notice": notice, "target": target})


@login_required
@require_POST
def mark_read(request: AuthenticatedRequest, notice_id: int) -> HttpResponse:
    notice = access_notice(request.user, notice_id)
    actions.do_mark_notice_read(actor=request.user, notice_id=notice.pk)
    messages.success(request, f"Marked as read: {notice.title}")
    return redirect("notifications:notices")


@login_required
@require_POST
def mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    form = MarkAllReadForm(request.POST)
    if form.is_valid():
        done = actions.do_mark_all_notices_read(
            actor=request.user, up_to_id=form.cleaned_data["up_to"]
        )
        messages.success(request, f"{done} notice{'' if done == 1 else 's'} marked as read.")
    return redirect("notifications:notices")
