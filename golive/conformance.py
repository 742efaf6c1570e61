"""The conformance checklist of an application (docs/golive.md, "Conformance checklist").

Pure queries over the application's sandbox call log (`sandbox.models.ApiCall` of its
keys) and its callback deliveries: nothing here writes. Each item either holds, with the
call that proves it, or does not, with why. Which items a submission needs is configured
per market by staff (`ConformanceRequirement`); without a row an item is required.

"Identical" calls below use the gateway's own duplicate key (sandbox/simulation/
transactions.py): the same API, the same `input_ThirdPartyConversationID` and the same
reference (`input_TransactionReference`; `input_TransactionID` for a Reversal). Among
several trigger calls the most recent one is judged: an integration that once retried
blindly and was fixed passes once its latest run handles the failure; the judged call
is the first that answered the code for the latest such request (a blind retry answers
it again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Application
from callbacks.models import CallbackDelivery
from golive.checklist import (
    C2B,
    CALLBACKS_ACKNOWLEDGED,
    DUPLICATE_HANDLED,
    FAILURE_HANDLED,
    ITEMS,
    QUERY_STATUS,
    REVERSAL,
    UNKNOWN_RESOLVED,
)
from golive.models import ConformanceRequirement
from sandbox.models import ApiCall

# The reference that, with the ThirdPartyConversationID, makes a repeat a duplicate.
_REFERENCE_FIELD = {"reversal": "input_TransactionID"}
_DEFAULT_REFERENCE_FIELD = "input_TransactionReference"


@dataclass
class ItemResult:
    key: str
    label: str
    ok: bool
    required: bool = True
    applicable: bool = True
    call: ApiCall | None = None  # the call that proves it (or the offending one)
    detail: str = ""

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "ok": self.ok,
            "required": self.required,
            "applicable": self.applicable,
            "call_public_id": str(self.call.public_id) if self.call else "",
            "call_summary": str(self.call) if self.call else "",
            "detail": self.detail,
        }


def application_calls(application: Application) -> QuerySet[ApiCall]:
    """Every sandbox call made with one of the application's keys."""
    return ApiCall.objects.filter(api_key__application=application)


def _reference(call: ApiCall) -> str:
    field = _REFERENCE_FIELD.get(call.operation, _DEFAULT_REFERENCE_FIELD)
    return str((call.request_body or {}).get(field, ""))


def _tpcid(call: ApiCall) -> str:
    return str((call.request_body or {}).get("input_ThirdPartyConversationID", ""))


def identical_later_call(calls: QuerySet[ApiCall], call: ApiCall) -> ApiCall | None:
    """The first later call repeating `call` as is (same API, ThirdPartyConversationID
    and reference), or None."""
    later = calls.filter(operation=call.operation, created_at__gt=call.created_at).order_by(
        "created_at", "pk"
    )
    for candidate in later.iterator():
        if _tpcid(candidate) == _tpcid(call) and _reference(candidate) == _reference(call):
            return candidate
    return None


def _success(calls: QuerySet[ApiCall], key: str, operation: str) -> ItemResult:
    call = calls.filter(operation=operation, is_success=True).order_by("-created_at").first()
    return ItemResult(
        key,
        ITEMS[key],
        ok=call is not None,
        call=call,
        detail="" if call else _("No successful call yet."),
    )


def _not_resent(calls: QuerySet[ApiCall], key: str, code: str, what: str) -> ItemResult:
    trigger = calls.filter(result_code=code).order_by("-created_at", "-pk").first()
    if trigger is None:
        return ItemResult(
            key, ITEMS[key], ok=False, detail=_("No call answered %(code)s yet.") % {"code": code}
        )
    # The first call of that request that got the code: a blind retry of it answers
    # the code again and would otherwise be judged on its own.
    first = trigger
    for earlier in calls.filter(
        result_code=code, operation=trigger.operation, created_at__lt=trigger.created_at
    ).order_by("created_at", "pk"):
        if _tpcid(earlier) == _tpcid(trigger) and _reference(earlier) == _reference(trigger):
            first = earlier
            break
    trigger = first
    repeat = identical_later_call(calls, trigger)
    if repeat is not None:
        return ItemResult(
            key,
            ITEMS[key],
            ok=False,
            call=repeat,
            detail=_("After %(what)s (%(code)s) the same request was sent again.")
            % {"what": _(what), "code": code},
        )
    return ItemResult(key, ITEMS[key], ok=True, call=trigger)


def _unknown_resolved(calls: QuerySet[ApiCall]) -> ItemResult:
    key = UNKNOWN_RESOLVED
    window = timedelta(seconds=settings.GOLIVE_TIMEOUT_RESOLUTION_SECONDS)
    timeouts = calls.filter(result_code="INS-9").order_by("-created_at", "-pk")
    if not timeouts.exists():
        return ItemResult(key, ITEMS[key], ok=False, detail=_("No call answered INS-9 yet."))
    for timeout in timeouts[:50]:
        names = {n for n in (timeout.third_party_conversation_id, _tpcid(timeout)) if n}
        if not names:
            continue
        queries = calls.filter(
            operation="queryTransactionStatus",
            created_at__gt=timeout.created_at,
            created_at__lte=timeout.created_at + window,
        ).order_by("created_at", "pk")
        for query in queries.iterator():
            if str((query.request_body or {}).get("input_QueryReference", "")) in names:
                return ItemResult(key, ITEMS[key], ok=True, call=query)
    minutes = f"{window.total_seconds() / 60:g}"
    return ItemResult(
        key,
        ITEMS[key],
        ok=False,
        call=timeouts.first(),
        detail=_(
            "No Query Transaction Status named the timed-out call's "
            "ThirdPartyConversationID within %(minutes)s minutes."
        )
        % {"minutes": minutes},
    )


def _callbacks(application: Application) -> ItemResult:
    key = CALLBACKS_ACKNOWLEDGED
    if not application.async_response_url:
        return ItemResult(key, ITEMS[key], ok=True, applicable=False, detail=_("Synchronous."))
    delivery = (
        CallbackDelivery.objects.filter(
            application=application,
            is_test=False,
            status=CallbackDelivery.Status.DELIVERED,
            api_call__isnull=False,
        )
        .select_related("api_call")
        .order_by("-delivered_at")
        .first()
    )
    if delivery is None:
        return ItemResult(
            key,
            ITEMS[key],
            ok=False,
            detail=_("No callback of a call was acknowledged with 2xx yet."),
        )
    return ItemResult(key, ITEMS[key], ok=True, call=delivery.api_call)


def required_items(markets: list[str] | set[str]) -> set[str]:
    """The items a submission needs for these markets: an item is required when any of
    the markets requires it (no configured row: required)."""
    rows = {
        (r.market, r.item): r.required
        for r in ConformanceRequirement.objects.filter(market__in=list(markets))
    }
    if not markets:
        return set(ITEMS)
    return {item for item in ITEMS for m in markets if rows.get((m, item), True)}


def application_markets(application: Application) -> set[str]:
    """The markets the application's sandbox calls went to."""
    return set(
        application_calls(application).order_by().values_list("market", flat=True).distinct()
    )


def checklist(
    application: Application, markets: list[str] | set[str] | None = None
) -> list[ItemResult]:
    calls = application_calls(application)
    results = [
        _success(calls, C2B, "c2bPayment"),
        _success(calls, REVERSAL, "reversal"),
        _success(calls, QUERY_STATUS, "queryTransactionStatus"),
        _not_resent(calls, FAILURE_HANDLED, "INS-2006", gettext_noop("insufficient balance")),
        _unknown_resolved(calls),
        _not_resent(calls, DUPLICATE_HANDLED, "INS-10", gettext_noop("a duplicate")),
        _callbacks(application),
    ]
    needed = required_items(application_markets(application) if markets is None else markets)
    for result in results:
        result.required = result.applicable and result.key in needed
    return results


def missing_required(results: list[ItemResult]) -> list[ItemResult]:
    return [r for r in results if r.required and not r.ok]
