import re

import pytest

from accounts import sms


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts sign-ups and sign-ins in the cache: start every test at zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def sms_outbox():
    """The LocmemBackend's outbox, emptied around each test."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def code_from(message: sms.SmsMessage) -> str:
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@pytest.fixture
def newcomer(db):
    """Registered and email-verified, no phone yet (the state after the first sign-in)."""
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory(username="newcomer")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def newcomer_client(client, newcomer):
    client.force_login(newcomer)
    return client
