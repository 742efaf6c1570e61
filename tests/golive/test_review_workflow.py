"""The review workflow: queue, comments, request changes, resubmission rules, approval
with confirmation, revocation; each audited and emailed."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiKey, Environment, SecurityEvent
from golive import services
from golive.models import GoLiveComment, GoLiveRequest
from tests.golive.helpers import make_report

pytestmark = pytest.mark.django_db


def _submit(user, report=None):
    report = report or user.report
    return services.submit_request(user, report_public_id=str(report.public_id))


def _admin(obj, suffix="change/"):
    return reverse("admin:golive_goliverequest_change", args=[obj.pk]).replace("change/", suffix)


def test_queue_is_oldest_first_with_time_in_review(reviewer_client, ready_developer):
    request = _submit(ready_developer)
    GoLiveRequest.objects.filter(pk=request.pk).update(
        submitted_at=timezone.now() - timedelta(days=2)
    )
    body = reviewer_client.get(reverse("admin:golive_goliverequest_changelist")).content.decode()
    assert "Time in review" in body
    assert "2\xa0days" in body


def test_request_changes_then_resubmit_needs_a_newer_report(
    reviewer_client, reviewer, ready_developer, mailoutbox, django_capture_on_commit_callbacks
):
    request = _submit(ready_developer)
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(
            _admin(request, "request-changes/"), {"changes": "Handle INS-9 by querying."}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "changes_requested"
    assert request.changes_requested == "Handle INS-9 by querying."
    assert "Handle INS-9 by querying." in mailoutbox[-1].body
    assert SecurityEvent.objects.filter(
        user=ready_developer, kind=SecurityEvent.Kind.GOLIVE_CHANGES_REQUESTED
    ).exists()
    # The same report again: refused.
    with pytest.raises(services.GoLiveError, match="older than the reviewer's decision"):
        _submit(ready_developer)
    newer = make_report(ready_developer)
    assert _submit(ready_developer, newer).status == "submitted"


def test_request_changes_needs_a_list(reviewer_client, ready_developer):
    request = _submit(ready_developer)
    page = reviewer_client.post(_admin(request, "request-changes/"), {"changes": " "})
    assert page.status_code == 200
    assert "List what the developer must change." in page.content.decode()
    request.refresh_from_db()
    assert request.status == "submitted"


def test_comment_thread_both_ways_with_email(
    reviewer_client, ready_developer, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()  # (reviewer_client is the default client, signed in as staff)
    request = _submit(ready_developer)
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(_admin(request, "comment/"), {"body": "Which shortcode?"})
    assert mailoutbox[-1].to == [ready_developer.email]
    assert "Which shortcode?" in mailoutbox[-1].body
    client.force_login(ready_developer)
    url = reverse("golive:request-comment", args=[request.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"body": "We hold 171717."}).status_code == 302
    assert "We hold 171717." in mailoutbox[-1].body
    assert [c.from_staff for c in GoLiveComment.objects.all()] == [True, False]
    page = client.get(reverse("golive:request-detail", args=[request.public_id])).content.decode()
    assert "Which shortcode?" in page and "We hold 171717." in page
    admin_page = reviewer_client.get(_admin(request)).content.decode()
    assert "We hold 171717." in admin_page


def test_approve_then_revoke_retires_the_live_key(
    reviewer_client, ready_developer, mailoutbox, django_capture_on_commit_callbacks
):
    request = _submit(ready_developer)
    assert reviewer_client.post(_admin(request, "approve/")).status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"
    key = request.live_api_key
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(_admin(request, "revoke/"), {"reason": "Fraud reports."})
    request.refresh_from_db()
    assert request.status == "revoked"
    assert request.revoked_reason == "Fraud reports."
    assert not ApiKey.objects.filter(pk=key.pk).usable().exists()
    assert (
        not ApiKey.objects.filter(application=request.application, environment=Environment.LIVE)
        .usable()
        .exists()
    )
    assert request.application.locked_at is not None
    assert "Fraud reports." in mailoutbox[-1].body
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.GOLIVE_REVOKED).exists()


def test_revoke_needs_an_approved_request(reviewer, ready_developer):
    request = _submit(ready_developer)
    with pytest.raises(services.GoLiveError):
        services.revoke_request(request, by=reviewer, reason="x")


def test_developer_cannot_comment_on_anothers_request(client, ready_developer, other_developer):
    request = _submit(ready_developer)
    client.force_login(other_developer)
    url = reverse("golive:request-comment", args=[request.public_id])
    assert client.post(url, {"body": "hi"}).status_code == 404
    assert not GoLiveComment.objects.exists()
