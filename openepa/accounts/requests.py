"""The request type of the views behind `login_required`: its `user` is a signed-in User,
so a view passes `request.user` to actions and queries typed with `User` without a cast.
Only for views the decorator guards; a page anonymous visitors may open takes an
HttpRequest, whose user may be an AnonymousUser."""

from __future__ import annotations

from django.http import HttpRequest

from openepa.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
