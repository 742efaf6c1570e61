"""The application's limits on payments (reference §1, §8: INS-990...INS-995).

Checked inside the call's database transaction (sandbox.services.complete_call), before
the simulation: a refused payment moves nothing, and is logged like any refusal.

- single transaction value: the amount above `limit_single_value` -> INS-995;
- per session (calls whose bearer is a session): the session's payments so far reach
  `limit_session_count` -> INS-993, or would pass `limit_session_value` with this one ->
  INS-994. "Once the session limits are reached ... no further transaction can be
  completed until a new session key is generated" (§1): a new session starts at zero;
- per customer (the call's `input_CustomerMSISDN`) per day of the application's time
  zone, over every key of the application: count -> INS-991, value -> INS-990;
- more than one of these at once -> INS-992.

Counted: the payments this application made and that stand (Completed, or Pending for
a two-stage reservation); not failed or released ones, not reversals. Each check is one
indexed aggregate query, and only when its limit is set.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from sandbox.models import Transaction
from sandbox.policy import application_zone
from sandbox.simulation.base import GatewayCall, Outcome, failure
from sandbox.validation import amount_of

# The APIs that move money and carry input_Amount: Direct Debit Create and Cancel list
# the limit codes too (§8) but move no money, so nothing is counted against them.
LIMITED_APIS = frozenset(
    {"c2bPayment", "c2bMultiStage", "b2cPayment", "b2bPayment", "directDebitPayment"}
)
_STANDING = (Transaction.Status.COMPLETED, Transaction.Status.PENDING)


def refusal(call: GatewayCall) -> Outcome | None:
    """The limit refusal of `call`, or None when it is within every limit."""
    if call.api.slug not in LIMITED_APIS:
        return None
    application = call.credential.application
    amount = amount_of(call.get("input_Amount"))
    if amount is None:
        return None  # validation refused it already
    breached = []
    single = application.limit_single_value
    if single is not None and amount > single:
        breached.append("INS-995")
    session = call.credential.session
    if session is not None and (
        application.limit_session_count is not None or application.limit_session_value is not None
    ):
        # Served by the index sandbox_tx_session.
        count, total = _aggregate(_counted().filter(session=session))
        breached += _breaches(
            count,
            total,
            amount,
            application.limit_session_count,
            application.limit_session_value,
            count_code="INS-993",
            value_code="INS-994",
        )
    msisdn = call.get("input_CustomerMSISDN")
    if msisdn and (
        application.limit_customer_daily_count is not None
        or application.limit_customer_daily_value is not None
    ):
        start, end = customer_day(application, timezone.now())
        # Served by the index sandbox_tx_key_msisdn_day (one range per key of the app).
        count, total = _aggregate(
            _counted().filter(
                api_key__application_id=application.pk,
                msisdn=msisdn,
                created_at__gte=start,
                created_at__lt=end,
            )
        )
        breached += _breaches(
            count,
            total,
            amount,
            application.limit_customer_daily_count,
            application.limit_customer_daily_value,
            count_code="INS-991",
            value_code="INS-990",
        )
    if not breached:
        return None
    return failure(call, breached[0] if len(breached) == 1 else "INS-992")


def counts_payments(call: GatewayCall) -> bool:
    """Whether `refusal(call)` counts earlier payments (a query, to run inside the
    call's write transaction); if not, it reads nothing and may run before it."""
    if call.api.slug not in LIMITED_APIS:
        return False
    application = call.credential.application
    return (
        call.credential.session is not None
        and (
            application.limit_session_count is not None
            or application.limit_session_value is not None
        )
    ) or (
        bool(call.get("input_CustomerMSISDN"))
        and (
            application.limit_customer_daily_count is not None
            or application.limit_customer_daily_value is not None
        )
    )


def customer_day(application, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the calendar day containing `now` in the application's time zone
    (the zone of its usage window; UTC by default). A day across a DST change is 23 or
    25 hours long, as the business's own day is."""
    zone = application_zone(application)
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time.min, tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _counted():
    return Transaction.objects.filter(
        operation__in=LIMITED_APIS, status__in=_STANDING, original__isnull=True
    )


def _aggregate(queryset) -> tuple[int, Decimal]:
    row = queryset.aggregate(count=Count("pk"), total=Sum("amount"))
    return row["count"], row["total"] or Decimal("0")


def _breaches(
    count: int,
    total: Decimal,
    amount: Decimal,
    count_limit: int | None,
    value_limit: Decimal | None,
    *,
    count_code: str,
    value_code: str,
) -> list[str]:
    """The codes breached by one more payment of `amount` after `count` payments
    worth `total`."""
    codes = []
    if count_limit is not None and count + 1 > count_limit:
        codes.append(count_code)
    if value_limit is not None and total + amount > value_limit:
        codes.append(value_code)
    return codes
