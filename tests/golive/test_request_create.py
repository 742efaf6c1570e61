"""The confirmation page (GET) and "Send my Go Live request" (POST)."""

from django.contrib.messages import get_messages
from django.urls import reverse

from golive.models import GoLiveRequest
from tests.golive.helpers import business_data, make_report

URL = reverse("golive:request-create")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_confirmation_page_shows_what_will_be_sent(client, ready_developer):
    client.force_login(ready_developer)

    response = client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Confirm your Go Live request" in body
    assert ready_developer.email in body
    assert "Acme Payments" in body
    assert "Send my Go Live request" in body
    assert str(ready_developer.report.public_id) in body  # the report being confirmed
    assert "<svg" in body and "c2bPayment" in body
    assert not GoLiveRequest.objects.exists()  # looking sends nothing


def test_submit_stores_snapshot_and_notifies(
    client, ready_developer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.GOLIVE_REVIEWER_EMAILS = ["review@mpesa.example", "lead@mpesa.example"]
    client.force_login(ready_developer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, {**business_data(), "report": str(ready_developer.report.public_id)}
        )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("golive:status"))
    request = GoLiveRequest.objects.get()
    assert request.user == ready_developer
    assert request.status == GoLiveRequest.Status.SUBMITTED
    assert request.report == ready_developer.report
    assert request.snapshot["account"]["email"] == ready_developer.email
    assert request.snapshot["report"]["summary"]["successes"] == 3
    assert len(request.snapshot["rows"]) == 4
    staff_mail, developer_mail = mailoutbox
    assert staff_mail.to == ["review@mpesa.example", "lead@mpesa.example"]
    assert "Go Live request from dev" in staff_mail.subject
    assert f"/admin/golive/goliverequest/{request.pk}/change/" in staff_mail.body
    assert developer_mail.to == [ready_developer.email]
    assert "received" in developer_mail.subject


def test_second_open_request_is_refused(client, ready_developer, mailoutbox):
    client.force_login(ready_developer)
    client.post(URL, {**business_data(), "report": str(ready_developer.report.public_id)})

    response = client.post(
        URL, {**business_data(), "report": str(ready_developer.report.public_id)}, follow=True
    )

    assert GoLiveRequest.objects.count() == 1
    assert "This application already has a Go Live request waiting for review." in _messages(
        response
    )


def test_not_ready_is_refused_with_what_is_missing(client, developer):
    client.force_login(developer)
    report = make_report(developer)  # no calls at all

    response = client.post(URL, {**business_data(), "report": str(report.public_id)}, follow=True)

    assert not GoLiveRequest.objects.exists()
    assert any("holds no successful call" in m for m in _messages(response))


def test_a_newer_report_does_not_replace_the_one_confirmed(client, ready_developer):
    """The developer sends the report they saw (and chose), even if a newer one exists."""
    client.force_login(ready_developer)
    seen = ready_developer.report
    make_report(ready_developer)

    response = client.post(URL, {**business_data(), "report": str(seen.public_id)})

    assert response.status_code == 302
    assert GoLiveRequest.objects.get().report == seen


def test_incomplete_form_is_refused(client, ready_developer):
    client.force_login(ready_developer)

    response = client.post(URL, {"report": "not-a-uuid"})

    assert response.status_code == 200
    assert not GoLiveRequest.objects.exists()
    assert "The confirmation form was incomplete" in " ".join(_messages(response))


def test_not_ready_confirmation_page_redirects_to_status(client, developer):
    client.force_login(developer)

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("golive:status"))


def test_anonymous_is_sent_to_sign_in(anonymous_client, ready_developer):
    response = anonymous_client.post(
        URL, {**business_data(), "report": str(ready_developer.report.public_id)}
    )

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not GoLiveRequest.objects.exists()


def test_wrong_method(client, ready_developer):
    client.force_login(ready_developer)

    assert client.put(URL).status_code == 405
    assert not GoLiveRequest.objects.exists()
