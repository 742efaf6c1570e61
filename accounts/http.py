"""The request type of views that only a signed-in developer reaches.

`login_required` (or the admin) guarantees `request.user` is a `User`, which
`HttpRequest` (typed `User | AnonymousUser`) cannot know. Annotate such a view's
request with `AuthenticatedHttpRequest` instead of narrowing inside it; at run time it
is the same `HttpRequest` (the django-stubs recipe).
"""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
