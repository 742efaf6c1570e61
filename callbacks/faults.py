"""Fault injection (docs/callbacks.md, "Fault injection"): what each new delivery of an
application gets, fixed when the delivery is written so that changing the settings later
does not change a delivery already on its way.

- delay: the first attempt waits `delay_seconds` (0..300);
- shuffle: plus a random hold of 0..CALLBACK_SHUFFLE_WINDOW_SECONDS, so deliveries
  written within that window are released in a random order;
- fail_first: the first attempt is recorded as failed without a POST (a retry follows);
- duplicate: once delivered, the same callback (same delivery id) is POSTed once more.
"""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings

from callbacks.models import CallbackSettings


def settings_for(application) -> CallbackSettings:
    """The application's callback settings, created (all off) on first use."""
    row, _ = CallbackSettings.objects.get_or_create(application=application)
    return row


def plan(application) -> dict[str, Any]:
    """The faults a delivery written now for `application` gets ({} when none)."""
    if application is None:
        return {}
    row = CallbackSettings.objects.filter(application=application).first()
    if row is None or not row.any_fault:
        return {}
    faults: dict[str, Any] = {}
    if row.delay_seconds:
        faults["delay"] = row.delay_seconds
    if row.shuffle:
        faults["shuffle"] = round(random.uniform(0, settings.CALLBACK_SHUFFLE_WINDOW_SECONDS), 2)
    if row.fail_first:
        faults["fail_first"] = True
    if row.duplicate:
        faults["duplicate"] = True
    return faults


def hold_seconds(faults: dict[str, Any]) -> float:
    """How long the first attempt waits: the delay plus the shuffle's random hold."""
    return float(faults.get("delay", 0)) + float(faults.get("shuffle", 0))
