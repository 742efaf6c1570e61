"""Session ids from getSession (reference §3.3; decisions in docs/gateway.md)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts import crypto
from accounts.models import ApiKey
from sandbox.models import Session


def issue_session(api_key: ApiKey, *, market: str) -> str:
    """Create a session for `api_key`, issued in `market`, and return its id (32
    lowercase hex, like the real sandbox's). Only its digest is stored.

    It becomes usable after SANDBOX_SESSION_ACTIVATION_DELAY_SECONDS (an operator's
    setting: the real platform's delay is the platform's, §3.3) and lasts the key's
    application's `session_lifetime_seconds` (set per application on the portal, §1)."""
    session_id = uuid.uuid4().hex
    now = timezone.now()
    active_from = now + timedelta(seconds=settings.SANDBOX_SESSION_ACTIVATION_DELAY_SECONDS)
    Session.objects.create(
        api_key=api_key,
        digest=crypto.digest(session_id),
        market=market,
        created_at=now,
        active_from=active_from,
        expires_at=active_from + timedelta(seconds=api_key.application.session_lifetime_seconds),
    )
    return session_id
