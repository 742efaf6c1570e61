"""A developer's own request: what was sent and where it stands."""

from django.urls import reverse

from golive import services


def _url(request):
    return reverse("golive:request-detail", args=[request.public_id])


def _submit(user):
    return services.submit_request(user, report_public_id=str(user.report.public_id))


def test_owner_sees_snapshot_and_tracker(client, ready_developer):
    request = _submit(ready_developer)
    client.force_login(ready_developer)

    response = client.get(_url(request))

    assert response.status_code == 200
    body = response.content.decode()
    assert "What you sent" in body
    assert ready_developer.email in body
    assert "golive-tracker" in body


def test_snapshot_shown_is_the_one_sent_not_the_current_profile(client, ready_developer):
    request = _submit(ready_developer)
    ready_developer.company = "Renamed Ltd"
    ready_developer.save(update_fields=["company"])
    client.force_login(ready_developer)

    body = client.get(_url(request)).content.decode()

    assert "Acme Payments" in body
    assert "Renamed Ltd" not in body


def test_another_developers_request_is_404(client, ready_developer, other_developer):
    request = _submit(ready_developer)
    client.force_login(other_developer)

    assert client.get(_url(request)).status_code == 404


def test_anonymous_is_sent_to_sign_in(anonymous_client, ready_developer):
    request = _submit(ready_developer)

    response = anonymous_client.get(_url(request))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_unknown_id_is_404(client, developer):
    client.force_login(developer)

    response = client.get("/golive/requests/00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404


def test_wrong_method(client, ready_developer):
    request = _submit(ready_developer)
    client.force_login(ready_developer)

    assert client.post(_url(request)).status_code == 405
