"""The gateway enforces an application's access settings (issue 14; docs/gateway.md,
"Applications"): trusted sources, products, the usage window, the session lifetime,
and a key roll with an overlap. Time is a patched clock, never a sleep."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts import services
from catalog import all_apis
from sandbox import auth, limits
from sandbox.models import ApiCall, Session, Transaction
from tests.sandbox.helpers import AppWire, bearer_for


@pytest.fixture
def app(developer) -> AppWire:
    return AppWire(developer)


def at(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


# --- Trusted sources ----------------------------------------------------------------


def test_a_call_from_a_trusted_address_passes(app):
    app.configure(trusted_sources=["10.0.0.0/8", "127.0.0.1"])

    response = app.c2b()

    assert response.status_code == 201
    assert response.json()["output_ResponseCode"] == "INS-0"


def test_a_call_from_outside_the_trusted_sources_is_refused_and_logged(app):
    app.configure(trusted_sources=["10.0.0.0/8"])

    response = app.c2b(input_ThirdPartyConversationID="tpc1")

    assert response.status_code == 403
    body = response.json()
    assert body["output_ResponseCode"] == "INS-999"
    assert body["output_ResponseDesc"] == "Request Source Not Trusted"
    assert body["output_ThirdPartyConversationID"] == "tpc1"
    assert not Transaction.objects.exists()
    logged = ApiCall.objects.get()
    assert (logged.result_code, logged.http_status) == ("INS-999", 403)


def test_get_session_from_outside_the_trusted_sources_is_refused(app):
    app.configure(trusted_sources=["192.0.2.1"])

    response = app.call("getSession")

    assert response.status_code == 403
    assert response.json() == {
        "output_ResponseCode": "INS-999",
        "output_ResponseDesc": "Request Source Not Trusted",
    }
    assert not Session.objects.exists()


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_forwarded_address_is_the_caller(app):
    app.configure(trusted_sources=["203.0.113.0/24"])
    via_proxy = {"REMOTE_ADDR": "10.0.0.2"}

    trusted = app.c2b(headers={"HTTP_X_FORWARDED_FOR": "203.0.113.7", **via_proxy})
    # A client may prepend anything; only the entry our proxy appended counts.
    spoofed = app.c2b(headers={"HTTP_X_FORWARDED_FOR": "203.0.113.7, 198.51.100.1", **via_proxy})

    assert trusted.status_code == 201
    assert spoofed.status_code == 403
    assert spoofed.json()["output_ResponseCode"] == "INS-999"


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(app, settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    app.configure(trusted_sources=["203.0.113.7"])

    response = app.c2b(
        headers={"REMOTE_ADDR": "198.51.100.9", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    )

    assert response.status_code == 403
    assert response.json()["output_ResponseCode"] == "INS-999"


def test_an_edited_trusted_list_applies_on_the_next_call(app):
    app.configure(trusted_sources=["10.0.0.0/8"])
    assert app.c2b().status_code == 403

    app.configure(trusted_sources=["127.0.0.0/8"])

    assert app.c2b().status_code == 201


# --- Products -----------------------------------------------------------------------


def test_a_disabled_api_answers_ins_997_and_changes_nothing(app):
    app.configure(disabled_apis=["c2bPayment"])

    refused = app.c2b()
    other = app.call("b2cPayment", app.sample("b2cPayment"))

    assert refused.status_code == 400
    assert refused.json()["output_ResponseCode"] == "INS-997"
    assert refused.json()["output_ResponseDesc"] == "API Not Enabled"
    assert other.status_code == 201
    assert list(Transaction.objects.values_list("operation", flat=True)) == ["b2cPayment"]
    assert ApiCall.objects.filter(result_code="INS-997", operation="c2bPayment").count() == 1


def test_get_session_is_not_a_product(app):
    app.configure(disabled_apis=["getSession"])

    assert app.call("getSession").status_code == 200


# --- Usage time ---------------------------------------------------------------------

# 08:00-17:00 in Dar es Salaam (UTC+3): 09:00 local is 06:00 UTC, 18:00 local is 15:00 UTC
# (inside the window read in UTC: the zone matters).
INSIDE = datetime(2026, 1, 12, 6, 0, tzinfo=UTC)
OUTSIDE = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)


@pytest.fixture
def office_hours(app):
    app.configure(usage_start=time(8), usage_end=time(17), usage_timezone="Africa/Dar_es_Salaam")
    return app


def test_a_call_inside_the_usage_window_passes(office_hours):
    with at(INSIDE):
        response = office_hours.c2b()

    assert response.status_code == 201


def test_a_call_outside_the_usage_window_in_its_time_zone_is_refused(office_hours):
    with at(OUTSIDE):
        response = office_hours.c2b()
        query = office_hours.call(
            "queryTransactionStatus",
            office_hours.sample("queryTransactionStatus", input_QueryReference="x"),
        )

    assert response.status_code == 400
    assert response.json()["output_ResponseCode"] == "INS-996"
    assert response.json()["output_ResponseDesc"] == "API Being Used Outside Of Usage Time"
    assert query.json()["output_ResponseCode"] == "INS-996"
    assert not Transaction.objects.exists()


def test_the_window_end_is_exclusive(office_hours):
    with at(datetime(2026, 1, 12, 14, 0, tzinfo=UTC)):  # 17:00 local
        assert office_hours.c2b().json()["output_ResponseCode"] == "INS-996"
    with at(datetime(2026, 1, 12, 5, 0, tzinfo=UTC)):  # 08:00 local
        assert office_hours.c2b().status_code == 201


def test_query_direct_debit_and_get_session_ignore_the_window(office_hours):
    with at(OUTSIDE):
        session = office_hours.call("getSession")
        qdd = office_hours.call("queryDirectDebit", office_hours.sample("queryDirectDebit"))

    assert session.status_code == 200
    assert qdd.json()["output_ResponseCode"] != "INS-996"


# --- Session lifetime ---------------------------------------------------------------


def test_sessions_live_for_the_applications_lifetime(app):
    app.configure(session_lifetime_seconds=120)
    issued = timezone.now()
    with at(issued):
        bearer = app.session_bearer()
    session = Session.objects.get()
    assert session.expires_at - session.active_from == timedelta(seconds=120)
    assert session.market == "vodafoneGHA"

    with at(issued + timedelta(seconds=119)):
        alive = app.c2b(bearer=bearer)
    with at(issued + timedelta(seconds=121)):
        expired = app.c2b(bearer=bearer)

    assert alive.status_code == 201
    assert expired.status_code == 401
    assert expired.json()["output_ResponseCode"] == "INS-2"


def test_another_application_keeps_its_own_lifetime(app, other_developer):
    app.configure(session_lifetime_seconds=60)
    AppWire(other_developer).session_bearer()
    app.session_bearer()

    lifetimes = {
        s.api_key.user.username: (s.expires_at - s.active_from).total_seconds()
        for s in Session.objects.select_related("api_key__user")
    }
    assert lifetimes == {"dev": 60, "otherdev": 3600}


# --- Key roll with overlap ----------------------------------------------------------


def test_a_key_roll_keeps_both_keys_during_the_overlap_then_only_the_new_one(app, developer):
    old_bearer = app.key_bearer
    assert app.c2b(bearer=old_bearer).status_code == 201  # cached from here on
    rolled_at = timezone.now()
    with at(rolled_at):
        _, new_plaintext = services.renew_api_key(developer, overlap=timedelta(hours=1))
    new_bearer = bearer_for(new_plaintext)

    with at(rolled_at + timedelta(minutes=59)):
        old_in_overlap = app.c2b(bearer=old_bearer)
        new_in_overlap = app.c2b(bearer=new_bearer)
    with at(rolled_at + timedelta(hours=1, seconds=1)):
        old_after = app.c2b(bearer=old_bearer)
        new_after = app.c2b(bearer=new_bearer)

    assert old_in_overlap.status_code == 201
    assert new_in_overlap.status_code == 201
    assert old_after.status_code == 401
    assert old_after.json()["output_ResponseCode"] == "INS-2"
    assert new_after.status_code == 201


# --- Cost -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["api_key", "session"])
def test_the_application_comes_with_the_state_check_in_one_query(
    app, kind, django_assert_num_queries
):
    """Issue 17: what applications add per call is at most one indexed query; here they
    add none, since the state check's one query loads the application too."""
    app.configure(session_lifetime_seconds=600, trusted_sources=["127.0.0.1"])
    header = f"Bearer {app.key_bearer if kind == 'api_key' else app.session_bearer()}"
    auth.authenticate(header)  # decrypt once: the bearer is cached from here on

    with django_assert_num_queries(1):
        credential = auth.authenticate(header)
        settings_seen = (
            credential.application.trusted_sources,
            credential.api_key.application.session_lifetime_seconds,
            credential.user.username,
        )

    assert settings_seen == (["127.0.0.1"], 600, "dev")
    assert credential.is_session is (kind == "session")


def test_every_apis_table_lists_the_codes_its_application_may_answer():
    """The documentation pages' result-code tables come from the catalogue."""
    for api in all_apis():
        listed = {(r.code, r.http_status) for r in api.result_codes}
        assert ("INS-999", 403) in listed, api.slug
        if api.slug != "getSession":
            assert {("INS-2", 401), ("INS-997", 400), ("INS-21", 400)} <= listed, api.slug
        if api.slug in limits.LIMITED_APIS:
            assert {(f"INS-99{n}", 400) for n in range(7)} <= listed, api.slug
