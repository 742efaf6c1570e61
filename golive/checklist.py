"""The conformance checklist's items (golive/conformance.py computes them; the
ConformanceRequirement model's choices list them): data only, so both can import it."""

from __future__ import annotations

C2B = "c2b"
REVERSAL = "reversal"
QUERY_STATUS = "query_status"
FAILURE_HANDLED = "failure_handled"
UNKNOWN_RESOLVED = "unknown_resolved"
DUPLICATE_HANDLED = "duplicate_handled"
CALLBACKS_ACKNOWLEDGED = "callbacks_acknowledged"

ITEMS: dict[str, str] = {
    C2B: "A successful C2B payment",
    REVERSAL: "A successful Reversal",
    QUERY_STATUS: "A successful Query Transaction Status",
    FAILURE_HANDLED: "A failure handled: after insufficient balance (INS-2006) "
    "the same request is not resent",
    UNKNOWN_RESOLVED: "An unknown outcome resolved: after a timeout (INS-9) a Query "
    "Transaction Status of that call",
    DUPLICATE_HANDLED: "A duplicate (INS-10) seen and not retried blindly",
    CALLBACKS_ACKNOWLEDGED: "Callbacks acknowledged with 2xx (asynchronous applications)",
}
