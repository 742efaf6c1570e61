"""The Callbacks pages, redelivery, signing-secret rotation and the My Profile panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.keys import default_application
from callbacks.models import CallbackDelivery, CallbackSigningSecret, DeliveryAttempt
from callbacks.signing import get_signing_secret
from tests.factories import set_async_url

LIST = "/sandbox/callbacks/"
ROTATE = "/sandbox/callbacks/signing-secret/rotate/"


def detail(d):
    return f"/sandbox/callbacks/{d.public_id}/"


def redeliver(d):
    return f"/sandbox/callbacks/{d.public_id}/redeliver/"


def make_delivery(user, *, status="pending", created_at=None, conversation_id="conv", **kw):
    now = timezone.now()
    return CallbackDelivery.objects.create(
        user=user,
        application=default_application(user),
        operation="c2bPayment",
        conversation_id=conversation_id,
        url="http://127.0.0.1:9/cb",
        payload={"input_ResultCode": "INS-0", "input_TransactionID": "G27DEn1DLoQ3"},
        status=status,
        max_attempts=8,
        next_attempt_at=now,
        created_at=created_at or now,
        **kw,
    )


@pytest.fixture
def mine(developer):
    delivery = make_delivery(
        developer, status="failed", attempt_count=1, last_error="HTTP 500", conversation_id="mine1"
    )
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=1,
        url=delivery.url,
        started_at=timezone.now(),
        duration_ms=42,
        http_status=500,
        error="HTTP 500: the listener must answer with a 2xx status.",
        response_excerpt="listener exploded",
    )
    return delivery


@pytest.fixture
def theirs(other_developer):
    return make_delivery(other_developer, conversation_id="theirs1")


# --- List ---------------------------------------------------------------------------


def test_list_shows_own_deliveries_only(developer_client, mine, theirs):
    response = developer_client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "mine1" in html and "theirs1" not in html
    assert "HTTP 500" in html
    assert 'for="id_status">Status</label>' in html
    assert "Redeliver" in html
    # How to verify, with the samples of docs/callbacks.md (tested there).
    assert 'id="verify"' in html
    assert "def verify_callback" in html and "function verifyCallback" in html


def test_list_filters_by_status(developer_client, developer, mine):
    make_delivery(developer, status="delivered", conversation_id="ok1")
    html = developer_client.get(LIST, {"status": "delivered"}).content.decode()
    assert "ok1" in html and "mine1" not in html
    html = developer_client.get(LIST, {"status": "failed"}).content.decode()
    assert "mine1" in html and "ok1" not in html


def deliveries_table(html: str) -> str:
    """The delivery log of the page, without the Hanging section (which is not filtered)."""
    return html.split('id="deliveries"', 1)[1].split('id="test-callback"', 1)[0]


def test_list_filters_by_date(developer_client, developer):
    old = timezone.now() - timedelta(days=10)
    make_delivery(developer, conversation_id="old1", created_at=old)
    make_delivery(developer, conversation_id="new1")
    today = timezone.now().date()
    html = deliveries_table(
        developer_client.get(LIST, {"date_from": today.isoformat()}).content.decode()
    )
    assert "new1" in html and "old1" not in html
    html = developer_client.get(
        LIST, {"date_to": (today - timedelta(days=5)).isoformat()}
    ).content.decode()
    assert "old1" in html and "new1" not in html


def test_list_invalid_filters_are_reported_next_to_the_field(developer_client, mine):
    response = developer_client.get(LIST, {"date_from": "2026-05-10", "date_to": "2026-05-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_date_to_error"' in html
    assert "must not be before the start date" in html
    response = developer_client.get(LIST, {"status": "bogus", "date_from": "not-a-date"})
    assert response.status_code == 200
    assert 'id="id_status_error"' in response.content.decode()


def test_list_paginates(developer_client, developer):
    for n in range(30):
        make_delivery(developer, conversation_id=f"p{n:02d}")
    first = developer_client.get(LIST).content.decode()
    second = developer_client.get(LIST, {"page": 2}).content.decode()
    assert "p29" in first and "p00" not in first
    assert "p00" in second and "Page 2 of 2" in second


def test_list_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_list_wrong_method(developer_client):
    assert developer_client.post(LIST).status_code == 405


# --- Detail -------------------------------------------------------------------------


def test_detail_shows_attempts_and_payload(developer_client, mine):
    response = developer_client.get(detail(mine))
    assert response.status_code == 200
    html = response.content.decode()
    assert "listener exploded" in html
    assert "42 ms" in html
    assert "&quot;input_TransactionID&quot;: &quot;G27DEn1DLoQ3&quot;" in html
    assert str(mine.public_id) in html
    assert "Redeliver this callback" in html


def test_detail_of_another_developers_delivery_is_404(developer_client, theirs):
    assert developer_client.get(detail(theirs)).status_code == 404


def test_detail_anonymous(client, mine):
    assert client.get(detail(mine)).status_code == 302


def test_detail_wrong_method(developer_client, mine):
    assert developer_client.post(detail(mine)).status_code == 405


# --- Redeliver ----------------------------------------------------------------------


def test_redeliver_queues_one_more_attempt(
    developer_client, developer, mine, django_capture_on_commit_callbacks
):
    set_async_url(developer, "http://127.0.0.1:8121/new")
    with django_capture_on_commit_callbacks(execute=False) as hooks:
        response = developer_client.post(redeliver(mine))
    assert response.status_code == 302
    assert response["Location"] == detail(mine)
    mine.refresh_from_db()
    assert (mine.status, mine.max_attempts, mine.url) == (
        "pending",
        8,
        "http://127.0.0.1:8121/new",
    )
    assert len(hooks) == 1  # deliver_callback is enqueued after commit


def test_redeliver_in_flight_is_refused_with_a_message(developer_client, mine):
    CallbackDelivery.objects.filter(pk=mine.pk).update(
        status="pending", claimed_until=timezone.now() + timedelta(seconds=30)
    )
    response = developer_client.post(redeliver(mine), follow=True)
    assert "being delivered right now" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "pending" and mine.attempt_count == 1


def test_redeliver_another_developers_delivery_is_404(developer_client, theirs):
    assert developer_client.post(redeliver(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.next_attempt_at <= timezone.now()


def test_redeliver_anonymous(client, mine):
    response = client.post(redeliver(mine))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "failed"


def test_redeliver_wrong_method(developer_client, mine):
    assert developer_client.get(redeliver(mine)).status_code == 405
    mine.refresh_from_db()
    assert mine.status == "failed"


# --- Signing secret and profile panel -----------------------------------------------


def test_profile_panel_shows_secret_counts_and_link(developer_client, developer, mine):
    response = developer_client.get("/profile/integration/")
    assert response.status_code == 200
    html = response.content.decode()
    secret = CallbackSigningSecret.objects.get(user=developer).secret
    assert secret in html
    assert 'for="callback-signing-secret">Callback signing secret</label>' in html
    assert "1 failed" in html
    assert f'href="{LIST}"' in html
    assert "Rotate signing secret" in html


def test_rotate_replaces_the_secret(developer_client, developer):
    before = get_signing_secret(developer).secret
    response = developer_client.post(ROTATE)
    assert response.status_code == 302
    assert response["Location"] == "/profile/#callbacks"
    after = CallbackSigningSecret.objects.get(user=developer)
    assert after.secret != before and after.rotated_at is not None


def test_rotate_goes_back_to_the_profile_tab_that_showed_the_form(developer_client, developer):
    html = developer_client.get("/profile/integration/").content.decode()
    assert '<input type="hidden" name="next" value="/profile/integration/">' in html

    response = developer_client.post(ROTATE, {"next": "/profile/integration/"})

    assert response.status_code == 302
    assert response["Location"] == "/profile/integration/#callbacks"
    page = developer_client.get(response["Location"]).content.decode()
    assert "New callback signing secret created" in page


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:1"])
def test_rotate_ignores_a_next_pointing_elsewhere(developer_client, developer, next_url):
    before = get_signing_secret(developer).secret

    response = developer_client.post(ROTATE, {"next": next_url})

    assert response["Location"] == "/profile/#callbacks"
    assert CallbackSigningSecret.objects.get(user=developer).secret != before


def test_rotate_anonymous(client, db):
    assert client.post(ROTATE).status_code == 302
    assert not CallbackSigningSecret.objects.exists()


def test_rotate_wrong_method(developer_client, developer):
    assert developer_client.get(ROTATE).status_code == 405
    assert not CallbackSigningSecret.objects.filter(user=developer).exists()
