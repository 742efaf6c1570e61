import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.urls import reverse
from django.utils import timezone

from ops import health
from ops.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_backend_ok(client, settings):
    response = client.get(reverse("ops:healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["cache"] == {"ok": True}
    assert body["broker"] == {"ok": True}
    # Say which backends answered, so the CI log shows PostgreSQL/Redis were really used.
    print(
        "healthz backends:",
        connection.vendor,
        settings.CACHES["default"]["BACKEND"],
        settings.CELERY_BROKER_URL.split("://")[0],
    )


def test_healthz_shows_when_the_worker_was_last_seen(client):
    Heartbeat.objects.create(name="worker", seen_at=timezone.now() - timezone.timedelta(seconds=42))

    body = client.get(reverse("ops:healthz")).json()

    assert 41 <= body["worker"]["last_seen_seconds_ago"] <= 60


def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    # A real connection attempt to a port where no database listens.
    dead = PostgresWrapper(
        {
            **connection.settings_dict,
            "ENGINE": "django.db.backends.postgresql",
            "HOST": "127.0.0.1",
            "PORT": "1",
            "NAME": "nothing",
            "USER": "nobody",
            "PASSWORD": "",
            "OPTIONS": {"connect_timeout": 2},
        },
        alias="dead",
    )
    monkeypatch.setattr(health, "connection", dead)

    response = client.get(reverse("ops:healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is False
    assert "OperationalError" in body["database"]["error"]
    assert body["cache"] == {"ok": True}


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": "/nonexistent/broker"}

    response = client.get(reverse("ops:healthz"))

    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_healthz_refuses_post(client):
    assert client.post(reverse("ops:healthz")).status_code == 405
