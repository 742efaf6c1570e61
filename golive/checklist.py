"""The conformance checklist's items (golive/conformance.py computes them; the
ConformanceRequirement model's choices list them): data only, so both can import it."""

from __future__ import annotations

from django.utils.translation import gettext_noop

C2B = "c2b"
REVERSAL = "reversal"
QUERY_STATUS = "query_status"
FAILURE_HANDLED = "failure_handled"
UNKNOWN_RESOLVED = "unknown_resolved"
DUPLICATE_HANDLED = "duplicate_handled"
CALLBACKS_ACKNOWLEDGED = "callbacks_acknowledged"

ITEMS: dict[str, str] = {
    C2B: gettext_noop("A successful C2B payment"),
    REVERSAL: gettext_noop("A successful Reversal"),
    QUERY_STATUS: gettext_noop("A successful Query Transaction Status"),
    FAILURE_HANDLED: gettext_noop(
        "A failure handled: after insufficient balance (INS-2006) the same request is not resent"
    ),
    UNKNOWN_RESOLVED: gettext_noop(
        "An unknown outcome resolved: after a timeout (INS-9) a Query "
        "Transaction Status of that call"
    ),
    DUPLICATE_HANDLED: gettext_noop("A duplicate (INS-10) seen and not retried blindly"),
    CALLBACKS_ACKNOWLEDGED: gettext_noop(
        "Callbacks acknowledged with 2xx (asynchronous applications)"
    ),
}
