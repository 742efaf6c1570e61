"""What the developer sees of Go Live: readiness, the status tracker, the live key.

Shared by the My Profile panel and the Go Live status page, so both always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext_noop

from accounts.keys import active_api_key, current_keypair, default_application
from accounts.models import ApiKey, Application, Environment
from golive import conformance, evidence, probe
from golive.models import GoLiveRequest

Status = GoLiveRequest.Status


@dataclass
class Step:
    label: str
    at: object  # datetime | None
    state: str  # "done", "current", "todo", "failed"


def tracker_steps(request: GoLiveRequest) -> list[Step]:
    """Submitted -> In review -> Approved / Rejected (or Withdrawn), with dates."""
    in_review_states: dict[str, str] = {
        Status.SUBMITTED: "todo",
        Status.IN_REVIEW: "current",
    }
    in_review_state = in_review_states.get(
        request.status, "done" if request.review_started_at else "todo"
    )
    steps = [
        Step(
            gettext_noop("Submitted"),
            request.submitted_at,
            "current" if request.status == Status.SUBMITTED else "done",
        ),
        Step(gettext_noop("In review"), request.review_started_at, in_review_state),
    ]
    if request.status == Status.APPROVED:
        steps.append(Step(gettext_noop("Approved"), request.decided_at, "done"))
    elif request.status == Status.REJECTED:
        steps.append(Step(gettext_noop("Rejected"), request.decided_at, "failed"))
    elif request.status == Status.WITHDRAWN:
        steps.append(Step(gettext_noop("Withdrawn"), request.withdrawn_at, "failed"))
    elif request.status == Status.CHANGES_REQUESTED:
        steps.append(Step(gettext_noop("Changes requested"), request.decided_at, "failed"))
    elif request.status == Status.REVOKED:
        steps.append(Step(gettext_noop("Approved"), request.decided_at, "done"))
        steps.append(Step(gettext_noop("Revoked"), request.revoked_at, "failed"))
    else:
        steps.append(Step(gettext_noop("Decision"), None, "todo"))
    return steps


def live_keys(user, application: Application) -> list[ApiKey]:
    """The application's usable live keys: the current one first, then any still in
    their renewal overlap (shown with the moment they stop working)."""
    keys = (
        ApiKey.objects.filter(user=user, application=application, environment=Environment.LIVE)
        .usable()
        .order_by(F("retired_at").asc(nulls_first=True), "-created_at")
    )
    return list(keys)


def golive_context(user, application: Application | None = None) -> dict:
    """The Go Live state of one application (default: the Default application)."""
    application = application or default_application(user)
    requests = GoLiveRequest.objects.for_user(user).filter(application=application)
    latest: GoLiveRequest | None = (
        requests.select_related("report").order_by("-submitted_at").first()
    )
    is_live = requests.filter(status=Status.APPROVED).exists()
    live_key: ApiKey | None = (
        active_api_key(user, environment=Environment.LIVE, application=application)
        if is_live
        else None
    )
    waiting = latest is not None and latest.is_open
    readiness = None if (is_live or waiting) else evidence.check_readiness(user, application)
    checklist = (
        None if (is_live or waiting) else [r.as_json() for r in conformance.checklist(application)]
    )
    return {
        "golive_application": application,
        "golive_latest": latest,
        "golive_steps": tracker_steps(latest) if latest else [],
        "golive_is_live": is_live,
        # The key's row only: its plaintext is never rendered on a GET (views.live_key_reveal).
        "golive_live_key": live_key,
        "golive_live_keys": live_keys(user, application) if is_live else [],
        "golive_live_public_key": current_keypair(Environment.LIVE) if is_live else None,
        "golive_live_settings": evidence.application_settings(application) if is_live else None,
        "golive_live_base_url": settings.LIVE_BASE_URL,
        "golive_waiting": waiting,
        "golive_readiness": readiness,
        "golive_checklist": checklist,
        "golive_checklist_ok": checklist is not None
        and not any(i["required"] and not i["ok"] for i in checklist),
        "golive_receiver_check": probe.latest_check(application)
        if application.async_response_url
        else None,
    }
