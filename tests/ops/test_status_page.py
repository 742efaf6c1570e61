"""/status/: the human page beside /healthz (issue 16)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ops import health
from ops.models import Heartbeat
from ops.tasks import record_heartbeat

pytestmark = pytest.mark.django_db


def _row(html: str, part: str) -> str:
    return html.split(f'data-part="{part}"', 1)[1].split("</tr>", 1)[0]


def test_status_shows_each_part_up_and_for_how_long(client, monkeypatch):
    monkeypatch.setattr(health, "PROCESS_STARTED", timezone.now() - timedelta(hours=2, minutes=5))
    now = timezone.now()
    Heartbeat.objects.create(
        name="worker", seen_at=now - timedelta(seconds=10), up_since=now - timedelta(days=3)
    )

    response = client.get("/status/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Everything is up." in html
    assert "2 h 5 min" in _row(html, "portal")
    assert "2 h 5 min" in _row(html, "sandbox-gateway")
    assert "3 days 0 h" in _row(html, "callback-delivery")
    assert 'href="/healthz"' in html


def test_callback_delivery_is_down_when_the_worker_is_silent(client):
    Heartbeat.objects.create(
        name="worker", seen_at=timezone.now() - timedelta(minutes=10), up_since=timezone.now()
    )

    html = client.get("/status/").content.decode()

    row = _row(html, "callback-delivery")
    assert "Down" in row and "last seen 10 min ago" in row
    assert "Something is down" in html
    assert "Up" in _row(html, "portal")


def test_the_heartbeat_run_restarts_after_a_gap():
    record_heartbeat()
    beat = Heartbeat.objects.get(name="worker")
    first = beat.up_since
    record_heartbeat()  # right after: the same run
    assert Heartbeat.objects.get(name="worker").up_since == first

    Heartbeat.objects.filter(name="worker").update(seen_at=timezone.now() - timedelta(minutes=5))
    record_heartbeat()
    assert Heartbeat.objects.get(name="worker").up_since > first


def test_the_footer_links_to_the_status_page(client):
    html = client.get("/").content.decode()

    assert 'href="/status/">status</a>' in html
