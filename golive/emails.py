"""Go Live notifications: staff hear of new and withdrawn requests, developers of every
step. Sent after the database commit, so nobody is told about a change that rolled back.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from golive.models import GoLiveRequest

logger = logging.getLogger(__name__)


def _send(
    template: str,
    context: dict,
    recipients: list[str],
    *,
    time_zone: str = "UTC",
    language: str = "",
) -> None:
    """Render and send after the commit. Dates render in `time_zone` and the text is in
    `language`: the developer's (User.time_zone, User.language) for their emails; the
    reviewers' address list has no profile, so theirs are in UTC and the portal's
    default language (whoever's request is being served)."""
    with (
        timezone.override(ZoneInfo(time_zone)),
        translation.override(language or settings.LANGUAGE_CODE),
    ):
        context = {**context, "time_zone": time_zone}
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")

    def deliver() -> None:
        try:
            send_mail(prefix + subject, body, None, recipients)
        except Exception:  # an SMTP outage must not turn a committed change into a 500
            logger.exception("could not send Go Live email %s", template)

    transaction.on_commit(deliver)


def _to_developer(template: str, context: dict, request: GoLiveRequest) -> None:
    _send(
        template,
        context,
        [request.user.email],
        time_zone=request.user.time_zone,
        language=request.user.language,
    )


def _context(request: GoLiveRequest, base_url: str) -> dict:
    base = (settings.PUBLIC_BASE_URL or base_url).rstrip("/")
    return {
        "request": request,
        "developer": request.user,
        "status_url": base + reverse("golive:status"),
        "admin_url": base + reverse("admin:golive_goliverequest_change", args=[request.pk]),
        "live_base_url": settings.LIVE_BASE_URL,
        "request_url": base + reverse("golive:request-detail", args=[request.public_id]),
    }


def notify_submitted(request: GoLiveRequest, *, base_url: str = "") -> None:
    context = _context(request, base_url)
    _send("golive_submitted_staff", context, list(settings.GOLIVE_REVIEWER_EMAILS))
    _to_developer("golive_submitted_developer", context, request)


def notify_withdrawn(request: GoLiveRequest, *, base_url: str = "") -> None:
    _send(
        "golive_withdrawn_staff", _context(request, base_url), list(settings.GOLIVE_REVIEWER_EMAILS)
    )


def notify_in_review(request: GoLiveRequest, *, base_url: str = "") -> None:
    _to_developer("golive_in_review_developer", _context(request, base_url), request)


def notify_decided(request: GoLiveRequest, *, base_url: str = "") -> None:
    template = (
        "golive_approved_developer"
        if request.status == GoLiveRequest.Status.APPROVED
        else "golive_rejected_developer"
    )
    _to_developer(template, _context(request, base_url), request)


def notify_changes_requested(request: GoLiveRequest, *, base_url: str = "") -> None:
    _to_developer("golive_changes_requested_developer", _context(request, base_url), request)


def notify_revoked(request: GoLiveRequest, *, base_url: str = "") -> None:
    _to_developer("golive_revoked_developer", _context(request, base_url), request)


def notify_comment(comment, *, base_url: str = "") -> None:
    """A new message of the thread, to the other side."""
    request = comment.request
    context = {**_context(request, base_url), "comment": comment}
    if comment.from_staff:
        _to_developer("golive_comment_developer", context, request)
    else:
        _send("golive_comment_staff", context, list(settings.GOLIVE_REVIEWER_EMAILS))
