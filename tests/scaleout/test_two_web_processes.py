"""Scale-out: two web processes (gunicorn) on the same database and cache.

On the embedded defaults each process has its own local-memory cache and they share
only the database; in CI (REDIS_URL) they also share Redis. Either way the gateway
checks the key's state in the database on every call, so a key renewed through one
process is refused by the other on its very next call, although that process has the
old bearer in its bearer cache.
"""

from __future__ import annotations

import hashlib
import re

import pytest
import requests
from django.conf import settings
from django.core.cache import cache

from accounts import keys
from accounts.models import ApiKey
from sandbox.models import ApiCall, Transaction
from tests.faults.processes import WebProcess, scratch_dir, subprocess_env
from tests.sandbox.conftest import Gateway

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def two_web_processes(transactional_db):
    cache.clear()
    with scratch_dir("portal-scaleout-") as tmp:
        env_a, env_b = subprocess_env(tmp / "a"), subprocess_env(tmp / "b")
        with WebProcess(env_a, tmp / "a.log") as a, WebProcess(env_b, tmp / "b.log") as b:
            yield a, b
    cache.clear()


def signed_in_session(client, developer) -> requests.Session:
    """A browser session of the developer: Django's session row is in the shared
    database, so its cookie works on either process."""
    client.force_login(developer)
    http = requests.Session()
    http.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return http


def renew_through(process: WebProcess, http: requests.Session) -> requests.Response:
    """Submit the Renew form of My Profile, as the browser does (CSRF token included)."""
    form = http.get(f"{process.url}/profile/api-key/renew/", timeout=30)
    assert form.status_code == 200, form.text[:500]
    token = CSRF_FIELD.search(form.text).group(1)
    return http.post(
        f"{process.url}/profile/api-key/renew/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{process.url}/profile/api-key/renew/"},
        allow_redirects=False,
        timeout=30,
    )


def test_key_renewed_through_one_process_is_refused_by_the_other_on_the_next_call(
    two_web_processes, developer, client
):
    a, b = two_web_processes
    old_key = keys.active_api_key(developer)
    on_b = Gateway(b.url, developer.api_key_plaintext)
    on_a = Gateway(a.url, developer.api_key_plaintext)
    on_a.bearer = on_b.bearer  # the same bearer, as one client library would reuse it
    # Both processes accept the key, and B now holds the bearer in its bearer cache.
    assert on_b.c2b().status_code == 201
    assert on_a.c2b().status_code == 201
    assert on_b.c2b().status_code == 201

    renewed = renew_through(a, signed_in_session(client, developer))

    assert renewed.status_code == 302, renewed.text[:500]
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    new_key = keys.active_api_key(developer)
    assert new_key.pk != old_key.pk
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        # Shared cache: the old bearer is still cached (digest -> key); only the
        # database check refuses it.
        digest = hashlib.sha256(on_b.bearer.encode()).hexdigest()
        assert cache.get(f"sandbox:bearer:sandbox:{digest}") is not None
    refused = on_b.c2b()  # the very next call on B, with the cached bearer
    assert refused.status_code == 401, refused.text
    assert refused.json()["output_ResponseCode"] == "INS-2"
    assert on_a.c2b().status_code == 401
    # The new key works on both at once.
    assert Gateway(b.url, new_key.plaintext).c2b().status_code == 201
    assert Gateway(a.url, new_key.plaintext).c2b().status_code == 201
    # Nothing was written for the refused calls.
    assert Transaction.objects.filter(api_key=old_key).count() == 3
    assert Transaction.objects.filter(api_key=new_key).count() == 2
    assert ApiKey.objects.filter(user=developer, retired_at__isnull=True).count() == 1
    assert ApiCall.objects.filter(api_key=old_key, http_status=201).count() == 3


def test_a_renewal_through_b_is_seen_by_a_as_well(two_web_processes, developer, client):
    """The same the other way round, with the first renewal's key renewed again."""
    a, b = two_web_processes
    http = signed_in_session(client, developer)
    assert renew_through(a, http).status_code == 302
    second = keys.active_api_key(developer).plaintext
    on_a = Gateway(a.url, second)
    assert on_a.c2b().status_code == 201  # cached on A
    assert renew_through(b, http).status_code == 302
    refused = on_a.c2b()
    assert refused.status_code == 401, refused.text
    assert Gateway(a.url, keys.active_api_key(developer).plaintext).c2b().status_code == 201
