"""Redelivery: the developer asks for one more attempt of a delivery, now."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks import outbox
from callbacks.models import CallbackDelivery


class RedeliveryRefused(Exception):
    pass


@transaction.atomic
def redeliver(delivery: CallbackDelivery) -> CallbackDelivery:
    """Give a delivery one more attempt now, to the developer's current URL (or the one
    it was made for, when async mode has been switched off since). The delivery id
    stays the same, so a listener that already processed it can recognise it."""
    row = CallbackDelivery.objects.select_for_update().get(pk=delivery.pk)
    if row.is_in_flight:
        raise RedeliveryRefused(_("This callback is being delivered right now; try again shortly."))
    row.url = row.current_url()
    row.status = CallbackDelivery.Status.PENDING
    row.max_attempts = max(row.max_attempts, row.attempt_count + 1)
    row.next_attempt_at = timezone.now()
    row.delivered_at = None
    row.save(update_fields=["url", "status", "max_attempts", "next_attempt_at", "delivered_at"])
    outbox.enqueue_on_commit(row.pk)
    return row
