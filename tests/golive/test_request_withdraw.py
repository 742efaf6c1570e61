"""Withdrawing a request while it waits for a decision."""

from django.contrib.messages import get_messages
from django.urls import reverse

from golive import services
from golive.models import GoLiveRequest


def _url(request):
    return reverse("golive:request-withdraw", args=[request.public_id])


def _submit(user):
    return services.submit_request(user, report_public_id=str(user.report.public_id))


def test_withdraw_waiting_request(
    client, ready_developer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.GOLIVE_REVIEWER_EMAILS = ["review@mpesa.example"]
    request = _submit(ready_developer)
    client.force_login(ready_developer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(request))

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == GoLiveRequest.Status.WITHDRAWN
    assert request.withdrawn_at is not None
    assert [m.to for m in mailoutbox] == [["review@mpesa.example"]]
    assert "withdrawn" in mailoutbox[0].subject
    # Nothing open any more: a new request may be sent.
    assert services.submit_request(
        ready_developer, report_public_id=str(ready_developer.report.public_id)
    ).is_open


def test_withdraw_in_review_request(client, ready_developer, reviewer):
    request = services.start_review(_submit(ready_developer), by=reviewer)
    client.force_login(ready_developer)

    client.post(_url(request))

    request.refresh_from_db()
    assert request.status == GoLiveRequest.Status.WITHDRAWN


def test_decided_request_cannot_be_withdrawn(client, ready_developer, reviewer):
    request = services.approve_request(_submit(ready_developer), by=reviewer)
    client.force_login(ready_developer)

    response = client.post(_url(request), follow=True)

    request.refresh_from_db()
    assert request.status == GoLiveRequest.Status.APPROVED
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "This request was already decided or withdrawn." in messages


def test_another_developers_request_is_404(client, ready_developer, other_developer):
    request = _submit(ready_developer)
    client.force_login(other_developer)

    assert client.post(_url(request)).status_code == 404
    request.refresh_from_db()
    assert request.status == GoLiveRequest.Status.SUBMITTED


def test_anonymous_is_sent_to_sign_in(anonymous_client, ready_developer):
    request = _submit(ready_developer)

    response = anonymous_client.post(_url(request))

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == GoLiveRequest.Status.SUBMITTED


def test_wrong_method(client, ready_developer):
    request = _submit(ready_developer)
    client.force_login(ready_developer)

    assert client.get(_url(request)).status_code == 405
    request.refresh_from_db()
    assert request.status == GoLiveRequest.Status.SUBMITTED
