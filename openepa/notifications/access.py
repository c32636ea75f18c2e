"""access_message: the only way an outbox message reaches a view. The EPAO's admins see
their EPAO's messages; anyone else gets the 404 a missing id gets."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.notifications.models import InAppNotice, OutboxMessage, PreparedDownload
from openepa.notifications.queries import administered_by


def may_see_outbox(user: User) -> bool:
    return roles_of(user).has(Role.EPAO_ADMIN)


def access_message(user: User, message_id: int) -> OutboxMessage:
    message = (
        OutboxMessage.objects.select_related("enrolment__apprentice", "retried_by")
        .filter(administered_by(user), pk=message_id)
        .first()
    )
    if message is None:
        raise Http404("No such message")
    return message


def access_notice(user: User, notice_id: int) -> InAppNotice:
    """The user's own notice; anyone else's is the 404 a missing id gets."""
    notice = InAppNotice.objects.filter(user_id=user.pk, pk=notice_id).first()
    if notice is None:
        raise Http404("No such notice")
    return notice


def access_download(user: User, download_id: int) -> PreparedDownload:
    """The user's own prepared download; anyone else's (an admin of the same EPAO too) is
    the 404 a missing id gets: it holds what its requester may see, not what they may."""
    download = PreparedDownload.objects.filter(user_id=user.pk, pk=download_id).first()
    if download is None:
        raise Http404("No such download")
    return download
