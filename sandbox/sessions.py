"""Session ids from getSession (reference §3.3; decisions in docs/gateway.md)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts import crypto
from accounts.models import ApiKey
from sandbox.models import Session


def issue_session(api_key: ApiKey) -> str:
    """Create a session for `api_key` and return its id (32 lowercase hex, like the
    real sandbox's). Only its digest is stored. It becomes usable after
    SANDBOX_SESSION_ACTIVATION_DELAY_SECONDS and lasts SANDBOX_SESSION_LIFETIME_SECONDS."""
    session_id = uuid.uuid4().hex
    now = timezone.now()
    active_from = now + timedelta(seconds=settings.SANDBOX_SESSION_ACTIVATION_DELAY_SECONDS)
    Session.objects.create(
        api_key=api_key,
        digest=crypto.digest(session_id),
        created_at=now,
        active_from=active_from,
        expires_at=active_from + timedelta(seconds=settings.SANDBOX_SESSION_LIFETIME_SECONDS),
    )
    return session_id
