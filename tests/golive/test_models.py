"""GoLiveRequest invariants held by the database and the model."""

import pytest
from django.db import IntegrityError, transaction

from golive import services
from golive.models import GoLiveRequest


def test_database_allows_one_open_request_per_developer(developer):
    GoLiveRequest.objects.create(user=developer)

    with pytest.raises(IntegrityError), transaction.atomic():
        GoLiveRequest.objects.create(user=developer, status=GoLiveRequest.Status.IN_REVIEW)


def test_closed_requests_do_not_count_as_open(developer, other_developer):
    GoLiveRequest.objects.create(user=developer, status=GoLiveRequest.Status.REJECTED)
    GoLiveRequest.objects.create(user=developer, status=GoLiveRequest.Status.WITHDRAWN)
    GoLiveRequest.objects.create(user=other_developer)

    GoLiveRequest.objects.create(user=developer)  # allowed

    assert GoLiveRequest.objects.for_user(developer).open().count() == 1


def test_snapshot_cannot_be_rewritten(ready_developer):
    request = services.submit_request(
        ready_developer, report_public_id=str(ready_developer.report.public_id)
    )
    request.snapshot = {"account": {"username": "forged"}}

    with pytest.raises(ValueError, match="immutable"):
        request.save()
    with pytest.raises(ValueError, match="immutable"):
        request.save(update_fields=["snapshot"])
    request.refresh_from_db()
    assert request.snapshot["account"]["username"] == "dev"


def test_str_names_developer_and_status(developer):
    request = GoLiveRequest.objects.create(user=developer)

    assert str(request) == "Go Live request of dev (Submitted)"
