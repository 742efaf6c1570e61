"""Staff review in the Django admin: list, snapshot, in review, approve, reject."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.keys import default_application
from accounts.models import ApiKey, Environment, SecurityEvent
from golive import services
from golive.models import GoLiveRequest
from tests import factories

CHANGELIST = reverse("admin:golive_goliverequest_changelist")


def _change(request):
    return reverse("admin:golive_goliverequest_change", args=[request.pk])


def _approve(request):
    return reverse("admin:golive_request_approve", args=[request.pk])


def _reject(request):
    return reverse("admin:golive_request_reject", args=[request.pk])


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def waiting(ready_developer):
    return services.submit_request(
        ready_developer, report_public_id=str(ready_developer.report.public_id)
    )


@pytest.fixture
def plain_staff_client(client, staff_reviewer):
    """Staff without the review permission."""
    client.force_login(staff_reviewer)
    return client


# --- List and filters -----------------------------------------------------------------


def test_reviewer_lists_requests_and_filters_by_status(reviewer_client, waiting, other_developer):
    decided = GoLiveRequest.objects.create(
        user=other_developer,
        application=default_application(other_developer),
        status=GoLiveRequest.Status.REJECTED,
        reason="No",
    )

    all_rows = reviewer_client.get(CHANGELIST)
    submitted_only = reviewer_client.get(CHANGELIST, {"status__exact": "submitted"})

    assert all_rows.status_code == 200
    assert _change(waiting) in all_rows.content.decode()
    assert _change(decided) in all_rows.content.decode()
    assert _change(waiting) in submitted_only.content.decode()
    assert _change(decided) not in submitted_only.content.decode()


def test_list_filters_by_date(reviewer_client, waiting):
    today = waiting.submitted_at.date()
    response = reviewer_client.get(
        CHANGELIST,
        {"submitted_at__year": today.year, "submitted_at__month": today.month},
    )
    old = reviewer_client.get(CHANGELIST, {"submitted_at__year": today.year - 3})

    assert _change(waiting) in response.content.decode()
    assert _change(waiting) not in old.content.decode()


def test_staff_without_permission_cannot_see_requests(plain_staff_client, waiting):
    assert plain_staff_client.get(CHANGELIST).status_code == 403
    assert plain_staff_client.get(_change(waiting)).status_code == 403


def test_developer_is_kept_out_of_the_admin(client, ready_developer, waiting):
    client.force_login(ready_developer)

    response = client.get(_change(waiting))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_nobody_adds_or_deletes_requests_in_the_admin(reviewer_client, waiting):
    assert reviewer_client.get(reverse("admin:golive_goliverequest_add")).status_code == 403
    delete = reverse("admin:golive_goliverequest_delete", args=[waiting.pk])
    assert reviewer_client.post(delete, {"post": "yes"}).status_code == 403
    assert GoLiveRequest.objects.filter(pk=waiting.pk).exists()


# --- Opening a request ------------------------------------------------------------------


def test_opening_shows_snapshot_and_marks_in_review(
    reviewer_client, reviewer, waiting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.get(_change(waiting))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Snapshot sent by the developer" in body
    assert "<svg" in body and "queryTransactionStatus" in body
    assert waiting.user.email in body
    assert "Approve and issue a live key" in body
    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.IN_REVIEW
    assert waiting.review_started_at is not None
    assert [m.to for m in mailoutbox] == [[waiting.user.email]]
    assert "in review" in mailoutbox[0].subject


def test_decided_request_offers_no_decision(reviewer_client, reviewer, waiting):
    services.approve_request(waiting, by=reviewer)

    body = reviewer_client.get(_change(waiting)).content.decode()

    assert "Approve and issue a live key" not in body


# --- Approve ------------------------------------------------------------------------------


def test_approve_issues_live_key_records_decision_and_emails(
    reviewer_client, reviewer, waiting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(_approve(waiting))

    assert response.status_code == 302
    assert response["Location"] == _change(waiting)
    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.APPROVED
    assert waiting.decided_by == reviewer
    assert waiting.decided_at is not None
    live = ApiKey.objects.get(user=waiting.user, environment=Environment.LIVE)
    assert waiting.live_api_key == live and live.is_active
    (mail,) = mailoutbox
    assert mail.to == [waiting.user.email]
    assert "approved" in mail.subject
    assert live.plaintext not in mail.body  # the key is shown on My Profile only
    event = waiting.user.security_events.get(kind=SecurityEvent.Kind.GOLIVE_APPROVED)
    assert event.detail == f"by {reviewer.username}; live key …{live.last4}"


def test_staff_without_permission_cannot_approve(plain_staff_client, waiting):
    response = plain_staff_client.post(_approve(waiting))

    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.SUBMITTED
    assert not ApiKey.objects.filter(environment=Environment.LIVE).exists()


def test_approve_get_is_the_confirmation_step(reviewer_client, waiting):
    page = reviewer_client.get(_approve(waiting))
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Approve {waiting.application.name}?" in body
    assert "This issues a live key and locks the application." in body
    assert reviewer_client.put(_approve(waiting)).status_code == 405
    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.SUBMITTED


def test_approve_twice_is_refused(reviewer_client, waiting):
    reviewer_client.post(_approve(waiting))

    response = reviewer_client.post(_approve(waiting), follow=True)

    assert "This request is already approved." in _messages(response)
    assert ApiKey.objects.filter(environment=Environment.LIVE).count() == 1


def test_unknown_request_is_404(reviewer_client):
    assert reviewer_client.post("/admin/golive/goliverequest/999999/approve/").status_code == 404


# --- Reject -------------------------------------------------------------------------------


def test_reject_page_asks_for_a_reason(reviewer_client, waiting):
    response = reviewer_client.get(_reject(waiting))

    assert response.status_code == 200
    body = response.content.decode()
    assert '<label for="id_reason"' in body and "Reason for rejection" in body
    assert "Reject this request" in body


def test_reject_without_reason_is_refused_with_a_message(reviewer_client, waiting, mailoutbox):
    response = reviewer_client.post(_reject(waiting), {"reason": "   "})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Give a reason: the developer needs it to fix their work." in body
    assert "The request was not rejected: give a reason." in _messages(response)
    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.SUBMITTED
    assert waiting.decided_by is None
    assert mailoutbox == []


def test_reject_with_reason_records_and_emails(
    reviewer_client, reviewer, waiting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(_reject(waiting), {"reason": "Reversal never succeeded."})

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.REJECTED
    assert waiting.reason == "Reversal never succeeded."
    assert waiting.decided_by == reviewer
    assert waiting.decided_at is not None
    assert not ApiKey.objects.filter(environment=Environment.LIVE).exists()
    (mail,) = mailoutbox
    assert "rejected" in mail.subject
    assert "Reversal never succeeded." in mail.body
    event = waiting.user.security_events.get(kind=SecurityEvent.Kind.GOLIVE_REJECTED)
    assert event.detail == f"by {reviewer.username}"


def test_staff_without_permission_cannot_reject(plain_staff_client, waiting):
    assert plain_staff_client.get(_reject(waiting)).status_code == 403
    response = plain_staff_client.post(_reject(waiting), {"reason": "no"})

    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.SUBMITTED


def test_reject_decided_request_is_refused(reviewer_client, reviewer, waiting):
    services.approve_request(waiting, by=reviewer)

    response = reviewer_client.post(_reject(waiting), {"reason": "Changed my mind"}, follow=True)

    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.APPROVED
    assert "This request is already approved." in _messages(response)


def test_superuser_may_decide(client, waiting):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    client.post(_approve(waiting))

    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.APPROVED


# --- The service refuses non-reviewers too (not only the admin's views) -------------------


def test_service_refuses_decisions_by_non_reviewers(waiting, staff_reviewer, ready_developer):
    for user in (staff_reviewer, ready_developer):
        with pytest.raises(services.GoLiveError, match="permission"):
            services.approve_request(waiting, by=user)
        with pytest.raises(services.GoLiveError, match="permission"):
            services.reject_request(waiting, by=user, reason="No")
    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.SUBMITTED


def test_service_refuses_rejection_without_reason(waiting, reviewer):
    with pytest.raises(services.GoLiveError, match="needs a reason"):
        services.reject_request(waiting, by=reviewer, reason="  \n ")
    waiting.refresh_from_db()
    assert waiting.status == GoLiveRequest.Status.SUBMITTED
