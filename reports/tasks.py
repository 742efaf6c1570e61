from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiKey
from reports import rollup


@shared_task(ignore_result=True)
def roll_up_keys() -> int:
    """Beat: roll the settled calls of every key in use up in the background, so that
    Generate only adds the last few minutes instead of a key's whole history, and the
    partner API's summary (a GET, which never rolls up) reads a short raw tail.

    Safe beside a Generate rolling up the same key: roll_up locks the key's mark.
    Returns how many keys were looked at.
    """
    recent = timezone.now() - timedelta(days=1)
    keys = ApiKey.objects.filter(Q(retired_at__isnull=True) | Q(retired_at__gte=recent))
    count = 0
    for key in keys.only("pk").iterator(chunk_size=500):
        rollup.roll_up(key)
        count += 1
    return count
