"""Building blocks for Go Live tests: calls in the sandbox log and a generated report."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission
from django.utils import timezone

from golive.evidence import REQUIRED_OPERATIONS
from reports.queries import Selection
from reports.services import generate_report
from tests import factories


def grant_review_permission(user):
    user.user_permissions.add(Permission.objects.get(codename="review_golive"))
    # Permissions are cached on the instance; a fresh one sees the new grant.
    return type(user).objects.get(pk=user.pk)


def log_calls(user, *, successes=REQUIRED_OPERATIONS, failures=("c2bPayment",), when=None):
    """One successful call per operation in `successes`, one failed per `failures`."""
    when = when or timezone.now() - timedelta(minutes=5)
    for operation in successes:
        factories.ApiCallFactory(api_key=user.api_key, operation=operation, created_at=when)
    for operation in failures:
        factories.ApiCallFactory(
            api_key=user.api_key,
            operation=operation,
            created_at=when,
            is_success=False,
            result_code="INS-2006",
            result_desc="Insufficient balance",
            http_status=422,
        )


def log_conformance_calls(user, *, when=None, skip=(), api_key=None):
    """Calls that make every conformance item of a synchronous application hold (each
    with a distinct request), except the items named in `skip` (golive.conformance)."""
    # Days before the reports of these tests: their counts stay as they were.
    when = when or timezone.now() - timedelta(days=5)
    made = {}

    def call(operation, code="INS-0", *, at, body, http_status=201, **fields):
        return factories.ApiCallFactory(
            api_key=api_key or user.api_key,
            operation=operation,
            result_code=code,
            is_success=code == "INS-0",
            http_status=http_status,
            request_body=body,
            created_at=at,
            **fields,
        )

    if "failure_handled" not in skip:
        made["failure_handled"] = call(
            "c2bPayment",
            "INS-2006",
            at=when,
            http_status=422,
            body={
                "input_TransactionReference": "R2006",
                "input_ThirdPartyConversationID": "tp2006",
            },
        )
    if "unknown_resolved" not in skip:
        made["timeout"] = call(
            "c2bPayment",
            "INS-9",
            at=when,
            http_status=408,
            third_party_conversation_id="tp9",
            body={"input_TransactionReference": "R9", "input_ThirdPartyConversationID": "tp9"},
        )
        made["unknown_resolved"] = call(
            "queryTransactionStatus",
            at=when + timedelta(minutes=1),
            body={"input_QueryReference": "tp9", "input_ThirdPartyConversationID": "tpq9"},
        )
    if "duplicate_handled" not in skip:
        made["duplicate_handled"] = call(
            "c2bPayment",
            "INS-10",
            at=when,
            http_status=409,
            body={"input_TransactionReference": "R10", "input_ThirdPartyConversationID": "tp10"},
        )
    return made


def make_report(user, **selection):
    """Generate a report over today (UTC) through the reports app, as "Generate" does."""
    today = timezone.now().date()
    values = {"api_key": user.api_key, "date_from": today - timedelta(days=1), "date_to": today}
    values.update(selection)
    return generate_report(user, selection=Selection(tz=ZoneInfo("UTC"), **values))


def ready_report(user):
    log_calls(user)
    log_conformance_calls(user)
    return make_report(user)


PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def business_data(**overrides):
    """A valid business-details POST of the confirmation step, with fresh files."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "legal_name": "Acme Payments Ltd",
        "registration_number": "CS/2019/1234",
        "trading_name": "Acme Pay",
        "markets": ["vodafoneGHA"],
        "shortcode": "171717",
        "shortcode_held": "requested",
        "contact_person": "Ama Mensah",
        "website": "https://acme.example",
        "expected_monthly_volume": "250000.00",
        "incorporation_certificate": SimpleUploadedFile(
            "certificate.pdf", PDF_BYTES, content_type="application/pdf"
        ),
        "director_id": SimpleUploadedFile("id.png", PNG_BYTES, content_type="image/png"),
    }
    data.update(overrides)
    return data
