"""The conformance checklist (golive.conformance): each item positive and negative,
the per-market requirements, and the refusal of a submission naming what is missing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from golive import conformance, services
from golive.models import ConformanceRequirement
from tests import factories
from tests.golive.helpers import log_conformance_calls

pytestmark = pytest.mark.django_db


def _items(user):
    return {r.key: r for r in conformance.checklist(user.api_key.application)}


def _call(user, operation="c2bPayment", code="INS-0", *, at, body=None, **fields):
    return factories.ApiCallFactory(
        api_key=user.api_key,
        operation=operation,
        result_code=code,
        is_success=code == "INS-0",
        request_body=body or {},
        created_at=at,
        **fields,
    )


@pytest.mark.parametrize(
    ("key", "operation"),
    [("c2b", "c2bPayment"), ("reversal", "reversal"), ("query_status", "queryTransactionStatus")],
)
def test_successful_call_items(developer, key, operation):
    assert not _items(developer)[key].ok
    _call(developer, operation, "INS-2001", at=timezone.now())
    assert not _items(developer)[key].ok
    proof = _call(developer, operation, at=timezone.now())
    item = _items(developer)[key]
    assert item.ok and item.call == proof


def test_failure_handled_when_not_resent(developer):
    now = timezone.now()
    body = {"input_TransactionReference": "R1", "input_ThirdPartyConversationID": "tp1"}
    trigger = _call(developer, code="INS-2006", at=now - timedelta(minutes=3), body=body)
    # A new attempt with a fresh ThirdPartyConversationID is not a blind resend.
    _call(developer, at=now, body={**body, "input_ThirdPartyConversationID": "tp2"})
    item = _items(developer)["failure_handled"]
    assert item.ok and item.call == trigger


def test_failure_resent_as_is_fails_and_names_the_resend(developer):
    now = timezone.now()
    body = {"input_TransactionReference": "R1", "input_ThirdPartyConversationID": "tp1"}
    _call(developer, code="INS-2006", at=now - timedelta(minutes=3), body=body)
    resend = _call(developer, code="INS-10", at=now, body=body)
    item = _items(developer)["failure_handled"]
    assert not item.ok and item.call == resend
    assert "sent again" in item.detail
    assert not _items(developer)["failure_handled"].ok


def test_failure_item_needs_a_trigger(developer):
    item = _items(developer)["failure_handled"]
    assert not item.ok and "INS-2006" in item.detail


def test_unknown_outcome_resolved_within_the_window(developer, settings):
    settings.GOLIVE_TIMEOUT_RESOLUTION_SECONDS = 600
    now = timezone.now() - timedelta(hours=1)
    _call(developer, code="INS-9", at=now, third_party_conversation_id="tp9")
    late = _call(
        developer,
        "queryTransactionStatus",
        at=now + timedelta(minutes=11),
        body={"input_QueryReference": "tp9"},
    )
    assert not _items(developer)["unknown_resolved"].ok  # too late
    other = _call(
        developer,
        "queryTransactionStatus",
        at=now + timedelta(minutes=1),
        body={"input_QueryReference": "another"},
    )
    assert not _items(developer)["unknown_resolved"].ok  # names another call
    query = _call(
        developer,
        "queryTransactionStatus",
        at=now + timedelta(minutes=2),
        body={"input_QueryReference": "tp9"},
    )
    item = _items(developer)["unknown_resolved"]
    assert item.ok and item.call == query
    assert late != other


def test_duplicate_not_retried(developer):
    now = timezone.now()
    body = {"input_TransactionReference": "R10", "input_ThirdPartyConversationID": "tp10"}
    dup = _call(developer, code="INS-10", at=now - timedelta(minutes=2), body=body)
    assert _items(developer)["duplicate_handled"].call == dup
    assert _items(developer)["duplicate_handled"].ok
    # Sent again as is: a blind retry, itself answered INS-10.
    again = _call(developer, code="INS-10", at=now, body=body)
    item = _items(developer)["duplicate_handled"]
    assert not item.ok and item.call == again
    # A later, different request that was handled: the item holds again.
    body2 = {"input_TransactionReference": "R11", "input_ThirdPartyConversationID": "tp11"}
    fixed = _call(developer, code="INS-10", at=now + timedelta(seconds=5), body=body2)
    assert _items(developer)["duplicate_handled"].call == fixed


def test_callbacks_item_only_for_async_applications(developer):
    application = developer.api_key.application
    item = _items(developer)["callbacks_acknowledged"]
    assert not item.applicable and not item.required
    application.async_response_url = "https://example.com/cb"
    application.save()
    assert not _items(developer)["callbacks_acknowledged"].ok
    call = _call(developer, at=timezone.now())
    _delivery(developer, call)
    item = _items(developer)["callbacks_acknowledged"]
    assert item.ok and item.call == call


def _delivery(developer, call):
    from callbacks.models import CallbackDelivery

    CallbackDelivery.objects.create(
        user=developer,
        application=developer.api_key.application,
        api_call=call,
        operation="c2bPayment",
        url="https://example.com/cb",
        status=CallbackDelivery.Status.DELIVERED,
        max_attempts=8,
        next_attempt_at=timezone.now(),
        delivered_at=timezone.now(),
    )


def test_staff_make_an_item_optional_per_market(developer):
    _call(developer, at=timezone.now())  # market vodafoneGHA
    assert _items(developer)["reversal"].required
    ConformanceRequirement.objects.create(market="vodafoneGHA", item="reversal", required=False)
    assert not _items(developer)["reversal"].required
    # Another market of the application that requires it still does.
    _call(developer, at=timezone.now(), market="vodacomTZN")
    assert _items(developer)["reversal"].required


def test_submission_refused_naming_the_missing_items(ready_developer):
    application = ready_developer.api_key.application
    conformance_calls = conformance.application_calls(application).filter(
        result_code__in=["INS-10"]
    )
    conformance_calls.delete()
    with pytest.raises(services.GoLiveError) as error:
        services.submit_request(
            ready_developer, report_public_id=str(ready_developer.report.public_id)
        )
    assert "A duplicate (INS-10) seen and not retried blindly" in str(error.value)
    assert "C2B" not in str(error.value)
    log_conformance_calls(ready_developer, skip=("failure_handled", "unknown_resolved"))
    assert services.submit_request(
        ready_developer, report_public_id=str(ready_developer.report.public_id)
    )


def test_markets_chosen_at_submission_add_their_requirements(developer):
    _call(developer, at=timezone.now())  # vodafoneGHA only
    ConformanceRequirement.objects.create(market="vodafoneGHA", item="reversal", required=False)
    application = developer.api_key.application
    markets = conformance.application_markets(application)
    by_key = {r.key: r for r in conformance.checklist(application, markets=markets)}
    assert not by_key["reversal"].required
    with_tanzania = conformance.checklist(application, markets=markets | {"vodacomTZN"})
    assert {r.key: r for r in with_tanzania}["reversal"].required
