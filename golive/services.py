"""Go Live state changes: submit, withdraw, start review, approve, reject.

Every change locks the rows it reads (the developer on submission, the request on a
decision), so two clicks or two reviewers cannot both win: the second sees the new state
and gets a GoLiveError with a message fit to show.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.keys import active_api_key, default_application, issue_api_key
from accounts.models import ApiKey, Application, Environment, SecurityEvent, StaffAction, User
from accounts.services import record_security_event, record_staff_action, renew_api_key
from golive import conformance, emails, evidence, probe
from golive.models import GoLiveComment, GoLiveRequest, ReceiverCheck
from reports import services as reports_services
from reports.models import Report
from reports.queries import Selection

REVIEW_PERMISSION = "golive.review_golive"
# A new request after one of these decisions must carry a report made after it.
RESUBMIT_AFTER = ("rejected", "changes_requested")


class GoLiveError(Exception):
    """A refused change; str(error) is the message for the person who asked."""


def can_review(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(REVIEW_PERMISSION)


def conformance_refusal(results: list[conformance.ItemResult]) -> str:
    """The message naming the required checklist items that do not hold ("" if none)."""
    missing = conformance.missing_required(results)
    if not missing:
        return ""
    return _("Your application does not pass the conformance checklist yet: %(items)s.") % {
        "items": "; ".join(str(r.label) for r in missing)
    }


def probe_refusal(check: ReceiverCheck | None) -> str:
    if check is None or check.passed:
        return ""
    reasons = [i["reason"] for i in check.evidence.get("items", []) if not i["ok"]]
    return _("Your Asynchronous Response URL failed the receiver check: %(reasons)s.") % {
        "reasons": "; ".join(str(reason) for reason in reasons)
    }


NOT_YOUR_REPORT = gettext_lazy(
    "That report is not one of your saved reports on this application's keys: "
    "choose one from the list, or generate a fresh one."
)


def chosen_report(user: User, application: Application, public_id) -> Report | None:
    """The developer's saved report `public_id` over one of `application`'s keys, or None
    (someone else's report, another application's, an unknown or malformed id)."""
    try:
        uuid.UUID(str(public_id))
    except ValueError:
        return None
    return evidence.reports_for(user, application).filter(public_id=public_id).first()


# "Generate a fresh report" on the confirmation page: the Reports page's default range.
FRESH_REPORT_DAYS = 7


def generate_fresh_report(user: User, application: Application) -> Report:
    """A new report over every key of `application`, for the last FRESH_REPORT_DAYS
    days in the developer's time zone (today included), saved like any report."""
    keys = reports_services.keys_of(user).filter(application=application)
    key = reports_services.default_key(keys)
    if key is None:
        raise GoLiveError(_("This application has no API key to report on."))
    tz = ZoneInfo(user.time_zone)
    today = timezone.now().astimezone(tz).date()
    selection = Selection(
        api_key=key,
        date_from=today - timedelta(days=FRESH_REPORT_DAYS - 1),
        date_to=today,
        tz=tz,
        application=application,
    )
    return reports_services.generate_report(user, selection=selection)


def submit_request(
    user: User,
    *,
    report_public_id: str,
    application: Application | None = None,
    base_url: str = "",
    markets: list[str] | None = None,
    business: dict | None = None,
    documents: dict | None = None,
) -> GoLiveRequest:
    """Send an application (default: the Default one) for review: its settings, the
    account details, the latest report over its keys, the conformance checklist and,
    for an asynchronous application, a receiver probe run now (before any lock: it
    makes network requests).

    `report_public_id` is the report the developer chose and saw on the confirmation
    page: one of their saved reports on the application's keys (`chosen_report`), else
    nothing is sent.
    """
    application = application or default_application(user)
    if application.user_id != user.pk:
        raise GoLiveError(_("You can only send your own applications for review."))
    # The cheap refusals first: no probe (network requests, a stored run) for a request
    # that cannot be sent anyway. _submit_locked checks them again under the lock.
    requests = GoLiveRequest.objects.for_application(application)
    if requests.open().exists():
        raise GoLiveError(_("This application already has a Go Live request waiting for review."))
    if requests.filter(status=GoLiveRequest.Status.APPROVED).exists():
        raise GoLiveError(_("This application is already live."))
    check = None
    if application.async_response_url:
        try:
            check = probe.run_probe(application)
        except ValueError as exc:  # pragma: no cover (the URL was checked just above)
            raise GoLiveError(str(exc)) from exc
    if business and not markets:
        markets = list(business.get("markets", []))
    stored: list[str] = []
    try:
        return _submit_locked(
            user,
            application=application,
            report_public_id=report_public_id,
            base_url=base_url,
            check=check,
            markets=markets,
            business=business or {},
            documents=documents or {},
            stored=stored,
        )
    except BaseException:
        # Rolled back: the row is gone, so are the files it had written (nothing
        # half-saved).
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def _submit_locked(
    user: User,
    *,
    application: Application,
    report_public_id: str,
    base_url: str,
    check: ReceiverCheck | None,
    markets: list[str] | None,
    business: dict,
    documents: dict,
    stored: list[str],
) -> GoLiveRequest:
    # Lock the application: two clicks cannot both send it.
    Application.objects.select_for_update().filter(pk=application.pk).first()
    requests = GoLiveRequest.objects.for_application(application)
    if requests.open().exists():
        raise GoLiveError(_("This application already has a Go Live request waiting for review."))
    if requests.filter(status=GoLiveRequest.Status.APPROVED).exists():
        raise GoLiveError(_("This application is already live."))
    chosen = chosen_report(user, application, report_public_id)
    if chosen is None:
        raise GoLiveError(NOT_YOUR_REPORT)
    readiness = evidence.check_readiness(user, application, report=chosen)
    # (is_ready implies a report: the second test only tells the type checker.)
    if not readiness.is_ready or readiness.report is None:
        raise GoLiveError(" ".join(readiness.missing))
    report: Report = readiness.report
    last_decision = (
        requests.filter(status__in=RESUBMIT_AFTER, decided_at__isnull=False)
        .order_by("-decided_at")
        .first()
    )
    if last_decision is not None and report.created_at <= last_decision.decided_at:
        raise GoLiveError(
            _(
                "This report is older than the reviewer's decision: fix what they asked, "
                "generate a new report, then send the request again."
            )
        )
    results = conformance.checklist(
        application,
        markets=(set(markets) | conformance.application_markets(application)) if markets else None,
    )
    if refusal := conformance_refusal(results):
        raise GoLiveError(refusal)
    if refusal := probe_refusal(check):
        raise GoLiveError(refusal)
    snapshot = evidence.build_snapshot(user, report)
    snapshot["checklist"] = [r.as_json() for r in results]
    if business:
        snapshot["business"] = {
            **business,
            "documents": {
                name: {
                    "filename": upload.name[:200],
                    "size": upload.size,
                    "media_type": getattr(upload, "golive_media_type", ""),
                }
                for name, upload in documents.items()
                if upload is not None
            },
        }
    if check is not None:
        snapshot["receiver_check"] = {
            "created_at": check.created_at.isoformat(),
            "passed": check.passed,
            **check.evidence,
        }
    try:
        with transaction.atomic():
            request = GoLiveRequest(
                user=user,
                application=application,
                report=report,
                snapshot=snapshot,
                business_details=business,
            )
            for name, upload in documents.items():
                if upload is not None:
                    extension = getattr(upload, "golive_extension", "bin")
                    # Stored under a random name (document_path): never the client's.
                    getattr(request, name).save(f"document.{extension}", upload, save=False)
                    stored.append(getattr(request, name).name)
            request.save()
    except IntegrityError as exc:  # the one-open-request constraint, should the lock be bypassed
        raise GoLiveError(
            _("This application already has a Go Live request waiting for review.")
        ) from exc
    emails.notify_submitted(request, base_url=base_url)
    return request


def _locked(request: GoLiveRequest) -> GoLiveRequest:
    return (
        GoLiveRequest.objects.select_for_update()
        .select_related("user", "application")
        .get(pk=request.pk)
    )


@transaction.atomic
def withdraw_request(request: GoLiveRequest, *, by: User, base_url: str = "") -> GoLiveRequest:
    request = _locked(request)
    if request.user_id != by.pk:
        raise GoLiveError(_("Only the developer who sent a request can withdraw it."))
    if not request.is_open:
        raise GoLiveError(_("This request was already decided or withdrawn."))
    request.status = GoLiveRequest.Status.WITHDRAWN
    request.withdrawn_at = timezone.now()
    request.save(update_fields=["status", "withdrawn_at"])
    emails.notify_withdrawn(request, base_url=base_url)
    return request


@transaction.atomic
def start_review(request: GoLiveRequest, *, by: User, base_url: str = "") -> GoLiveRequest:
    """A reviewer opened a submitted request: the developer sees "In review"."""
    if not can_review(by):
        return request
    request = _locked(request)
    if request.status != GoLiveRequest.Status.SUBMITTED:
        return request
    request.status = GoLiveRequest.Status.IN_REVIEW
    request.review_started_at = timezone.now()
    request.save(update_fields=["status", "review_started_at"])
    record_staff_action(by, action=StaffAction.Action.GOLIVE_IN_REVIEW, target=request)
    emails.notify_in_review(request, base_url=base_url)
    return request


def _decide(request: GoLiveRequest, *, by: User) -> GoLiveRequest:
    if not can_review(by):
        raise GoLiveError(_("You do not have permission to review Go Live requests."))
    request = _locked(request)
    if not request.is_open:
        raise GoLiveError(
            _("This request is already %(status)s.")
            % {"status": request.get_status_display().lower()}
        )
    request.decided_by = by
    request.decided_at = timezone.now()
    return request


@transaction.atomic
def approve_request(request: GoLiveRequest, *, by: User, base_url: str = "") -> GoLiveRequest:
    """Approve: lock the application (its settings now change only through a new
    review) and issue its live API key (kept if one is already active)."""
    request = _decide(request, by=by)
    application = request.application
    live_key: ApiKey | None = active_api_key(
        request.user, environment=Environment.LIVE, application=application
    )
    if live_key is None:
        live_key, _plaintext = issue_api_key(
            request.user, environment=Environment.LIVE, application=application
        )
    if application.locked_at is None:
        application.locked_at = timezone.now()
        application.save(update_fields=["locked_at"])
    request.status = GoLiveRequest.Status.APPROVED
    request.live_api_key = live_key
    request.save(update_fields=["status", "decided_by", "decided_at", "live_api_key"])
    record_security_event(
        request.user,
        kind=SecurityEvent.Kind.GOLIVE_APPROVED,
        detail=(
            ("" if application.is_default else f"{application.name}: ")
            + f"by {by.username}; live key …{live_key.last4}"
        ),
    )
    record_staff_action(
        by,
        action=StaffAction.Action.GOLIVE_APPROVED,
        target=request,
        detail=f"live key …{live_key.last4}",
    )
    emails.notify_decided(request, base_url=base_url)
    return request


@transaction.atomic
def reject_request(
    request: GoLiveRequest, *, by: User, reason: str, base_url: str = ""
) -> GoLiveRequest:
    reason = (reason or "").strip()
    if not reason:
        raise GoLiveError(
            _("A rejection needs a reason: the developer reads it to fix their work.")
        )
    request = _decide(request, by=by)
    request.status = GoLiveRequest.Status.REJECTED
    request.reason = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    record_security_event(
        request.user, kind=SecurityEvent.Kind.GOLIVE_REJECTED, detail=f"by {by.username}"
    )
    record_staff_action(
        by, action=StaffAction.Action.GOLIVE_REJECTED, target=request, detail=reason
    )
    emails.notify_decided(request, base_url=base_url)
    return request


@transaction.atomic
def request_changes(
    request: GoLiveRequest, *, by: User, changes: str, base_url: str = ""
) -> GoLiveRequest:
    """Send the request back with what to fix: the developer fixes it and sends a new
    request (with a newer report and a fresh conformance run)."""
    changes = (changes or "").strip()
    if not changes:
        raise GoLiveError(_("Say what the developer must change."))
    request = _decide(request, by=by)
    request.status = GoLiveRequest.Status.CHANGES_REQUESTED
    request.changes_requested = changes
    request.save(update_fields=["status", "decided_by", "decided_at", "changes_requested"])
    record_security_event(
        request.user,
        kind=SecurityEvent.Kind.GOLIVE_CHANGES_REQUESTED,
        detail=f"{request.application.name}: by {by.username}",
    )
    record_staff_action(
        by, action=StaffAction.Action.GOLIVE_CHANGES_REQUESTED, target=request, detail=changes
    )
    emails.notify_changes_requested(request, base_url=base_url)
    return request


@transaction.atomic
def revoke_request(
    request: GoLiveRequest, *, by: User, reason: str, base_url: str = ""
) -> GoLiveRequest:
    """Revoke live access: every live key of the application stops at once (overlap
    keys included); the application stays locked (its reviewed settings are the
    record); a new Go Live request can take it live again."""
    reason = (reason or "").strip()
    if not reason:
        raise GoLiveError(_("A revocation needs a reason: the developer reads it."))
    if not can_review(by):
        raise GoLiveError(_("You do not have permission to review Go Live requests."))
    request = _locked(request)
    if request.status != GoLiveRequest.Status.APPROVED:
        raise GoLiveError(_("Only an approved request can be revoked."))
    now = timezone.now()
    retired = (
        ApiKey.objects.filter(application=request.application, environment=Environment.LIVE)
        .usable()
        .update(retired_at=now)
    )
    request.status = GoLiveRequest.Status.REVOKED
    request.revoked_at = now
    request.revoked_by = by
    request.revoked_reason = reason
    request.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"])
    record_security_event(
        request.user,
        kind=SecurityEvent.Kind.GOLIVE_REVOKED,
        detail=f"{request.application.name}: by {by.username}; {retired} live key(s) retired",
    )
    record_staff_action(
        by,
        action=StaffAction.Action.GOLIVE_REVOKED,
        target=request,
        detail=f"{retired} live key(s) retired; {reason}",
    )
    emails.notify_revoked(request, base_url=base_url)
    return request


def add_comment(request: GoLiveRequest, *, by: User, body: str, base_url: str = ""):
    """A message of the thread: from the developer who sent the request, or a reviewer;
    the other side is emailed."""
    body = (body or "").strip()
    if not body:
        raise GoLiveError(_("Write a message first."))
    from_staff = by.pk != request.user_id
    if from_staff and not can_review(by):
        raise GoLiveError(_("You cannot comment on this request."))
    with transaction.atomic():
        comment = GoLiveComment.objects.create(
            request=request, author=by, from_staff=from_staff, body=body[:4000]
        )
        if from_staff:
            record_security_event(
                request.user,
                kind=SecurityEvent.Kind.GOLIVE_COMMENT,
                detail=f"{request.application.name}: by {by.username}",
            )
            record_staff_action(
                by, action=StaffAction.Action.GOLIVE_COMMENTED, target=request, detail=body
            )
        emails.notify_comment(comment, base_url=base_url)
    return comment


def live_application(user: User, application: Application) -> bool:
    """Whether the application went through Go Live (an approved request)."""
    return (
        GoLiveRequest.objects.for_application(application)
        .filter(user=user, status=GoLiveRequest.Status.APPROVED)
        .exists()
    )


@transaction.atomic
def renew_live_key(
    application: Application, *, by: User, overlap: timedelta = timedelta(0)
) -> tuple[ApiKey, str]:
    """Renew the live key of an approved application, by its developer or by staff.

    The same renewal as the sandbox key (accounts.services.renew_api_key: the overlap,
    the developer's security event); staff renewals add who did it to the audit trail.
    """
    user = application.user
    if not live_application(user, application):
        raise GoLiveError(_("This application is not live: it has no live key to renew."))
    if by.pk != user.pk and not can_review(by):
        raise GoLiveError(_("You do not have permission to renew this live key."))
    key, plaintext = renew_api_key(
        user, environment=Environment.LIVE, application=application, overlap=overlap
    )
    if by.pk != user.pk:
        record_security_event(
            user,
            kind=SecurityEvent.Kind.API_KEY_RENEWED,
            detail=f"live key of {application.name} renewed by staff {by.username}",
        )
        record_staff_action(
            by,
            action=StaffAction.Action.LIVE_KEY_RENEWED,
            target=application,
            detail=f"…{key.last4} issued; overlap {overlap}",
        )
    return key, plaintext
