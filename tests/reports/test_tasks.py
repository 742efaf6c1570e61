"""The beat task that keeps report roll-ups current in the background."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts import services
from reports.models import CallSlot, RollupMark
from reports.tasks import roll_up_keys

pytestmark = pytest.mark.django_db


def test_rolls_up_keys_in_use_and_skips_long_retired_ones(developer, other_developer, make_call):
    an_hour_ago = timezone.now() - timedelta(hours=1)
    make_call(developer.api_key, at=an_hour_ago)
    old_key = other_developer.api_key
    make_call(old_key, at=an_hour_ago - timedelta(days=3))
    services.renew_api_key(other_developer)
    type(old_key).objects.filter(pk=old_key.pk).update(
        retired_at=timezone.now() - timedelta(days=2)
    )

    assert roll_up_keys() == 2  # developer's key and other_developer's new key

    assert CallSlot.objects.filter(api_key=developer.api_key).count() == 1
    assert RollupMark.objects.filter(api_key=developer.api_key).exists()
    assert not RollupMark.objects.filter(api_key=old_key).exists()


def test_beat_runs_the_roll_up_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["roll-up-report-slots"]

    assert entry == {"task": "reports.tasks.roll_up_keys", "schedule": 300.0}
