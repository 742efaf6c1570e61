"""`manage.py purge_gateway_sessions`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from sandbox.models import Session

pytestmark = pytest.mark.django_db


def test_deletes_only_expired_sessions(developer):
    now = timezone.now()
    expired = Session.objects.create(
        api_key=developer.api_key, digest="a" * 64, active_from=now, expires_at=now
    )
    live = Session.objects.create(
        api_key=developer.api_key,
        digest="b" * 64,
        active_from=now,
        expires_at=now + timedelta(hours=1),
    )
    out = StringIO()
    call_command("purge_gateway_sessions", stdout=out)
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=live.pk).exists()
    assert "Deleted 1" in out.getvalue()
