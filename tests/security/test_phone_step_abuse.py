"""The phone step answers no question about other accounts and texts no number without
limit (issue 18, finding 5): the cooldown comes first, a taken number is answered like a
free one, and codes are budgeted per destination number and for the whole portal."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from accounts import sms
from accounts.models import PhoneVerification
from tests.factories import DeveloperFactory, UserFactory

pytestmark = pytest.mark.django_db

TAKEN = "+254711000001"
FREE = "+254711000002"
ADD = reverse("accounts:phone-add")


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()


def _newcomer(name: str) -> Client:
    user = UserFactory(username=name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client = Client()
    client.force_login(user)
    return client


def _field_error(response) -> str:
    assert response.status_code == 200
    return re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode()).group(1)


def _errors(response) -> str:
    """The page's text without its per-response CSRF tokens."""
    if response.status_code != 200:
        return ""
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())


def test_a_taken_number_is_answered_exactly_like_a_free_one():
    DeveloperFactory(username="owner", phone_number=TAKEN)

    taken = _newcomer("prober1").post(ADD, {"phone_number": TAKEN})
    free = _newcomer("prober2").post(ADD, {"phone_number": FREE})

    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert [message.to for message in sms.outbox] == [FREE]  # the owner gets no text


def test_the_cooldown_comes_before_any_question_about_the_number():
    DeveloperFactory(username="owner", phone_number=TAKEN)
    client = _newcomer("prober")
    client.post(ADD, {"phone_number": FREE})

    # Within the minute, a taken and a free number get the same "wait" answer.
    taken = _field_error(client.post(ADD, {"phone_number": TAKEN}))
    free = _field_error(client.post(ADD, {"phone_number": "+254711000003"}))

    assert "ask for a new one in" in taken
    assert re.sub(r"\d+ s", "", taken) == re.sub(r"\d+ s", "", free)
    assert len(sms.outbox) == 1


def test_one_number_gets_at_most_three_codes_a_day_whoever_asks():
    statuses = [_newcomer(f"sender{n}").post(ADD, {"phone_number": FREE}) for n in range(4)]

    assert [response.status_code for response in statuses] == [302, 302, 302, 200]
    assert "more codes to this number today" in _errors(statuses[3])
    assert len(sms.outbox) == 3
    # Another number is not affected.
    assert _newcomer("sender9").post(ADD, {"phone_number": TAKEN}).status_code == 302


def test_a_taken_number_spends_its_budget_like_a_free_one():
    DeveloperFactory(username="owner", phone_number=TAKEN)
    answers = [_newcomer(f"p{n}").post(ADD, {"phone_number": TAKEN}) for n in range(4)]

    assert [response.status_code for response in answers] == [302, 302, 302, 200]
    assert "more codes to this number today" in _errors(answers[3])


@override_settings(PHONE_CODES_PER_DAY=2)
def test_the_global_budget_stops_all_codes():
    for n in range(2):
        _newcomer(f"g{n}").post(ADD, {"phone_number": f"+25471100001{n}"})

    refused = _newcomer("g9").post(ADD, {"phone_number": "+254711000019"})

    assert "cannot send phone codes right now" in _errors(refused)
    assert len(sms.outbox) == 2
    assert not PhoneVerification.objects.filter(phone_number="+254711000019").exists()
