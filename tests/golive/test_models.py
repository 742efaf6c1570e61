"""GoLiveRequest invariants held by the database and the model."""

import pytest
from django.db import IntegrityError, transaction

from accounts.keys import default_application
from accounts.models import Application
from golive import services
from golive.models import GoLiveRequest


def _create(user, application=None, **fields):
    application = application or default_application(user)
    return GoLiveRequest.objects.create(user=user, application=application, **fields)


def test_database_allows_one_open_request_per_application(developer):
    _create(developer)

    with pytest.raises(IntegrityError), transaction.atomic():
        _create(developer, status=GoLiveRequest.Status.IN_REVIEW)


def test_each_application_may_have_its_own_open_request(developer):
    shop = Application.objects.create(user=developer, name="Shop")
    _create(developer)

    _create(developer, shop)  # allowed: another application

    assert GoLiveRequest.objects.for_user(developer).open().count() == 2


def test_closed_requests_do_not_count_as_open(developer, other_developer):
    _create(developer, status=GoLiveRequest.Status.REJECTED)
    _create(developer, status=GoLiveRequest.Status.WITHDRAWN)
    _create(other_developer)

    _create(developer)  # allowed

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
    request = _create(developer)

    assert str(request) == "Go Live request of dev (Submitted)"
