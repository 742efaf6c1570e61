"""The request type of views that only a signed-in developer reaches, and where a form
sends its developer back to.

`login_required` (or the admin) guarantees `request.user` is a `User`, which
`HttpRequest` (typed `User | AnonymousUser`) cannot know. Annotate such a view's
request with `AuthenticatedHttpRequest` instead of narrowing inside it; at run time it
is the same `HttpRequest` (the django-stubs recipe).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def on_this_site(request: HttpRequest, url: str) -> str | None:
    """`url` if it is an address of this site to send the visitor to (as Django's own
    views check a `next`), else None: anything pointing elsewhere is ignored, so a
    redirect built from it is never an open redirect."""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and safe else None


def posted_next(request: HttpRequest) -> str | None:
    """The POST's `next` field if it is an address of this site, else None.

    A page composed above an app (My Profile's tabs, in dashboard) names itself in the
    forms of that app it shows, so the app sends people back there without knowing the
    higher app's URLs."""
    return on_this_site(request, request.POST.get("next", ""))
