"""factory_boy factories for the portal's models."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from accounts import keys
from accounts.models import ApiKey, User
from sandbox.models import ApiCall

TEST_PASSWORD = "correct-horse-battery-staple-42"
# The authenticator-app secret of every staff member made here (base32, RFC 6238).
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = STAFF_TOTP_SECRET) -> str:
    """The authenticator app's current code for `secret`."""
    import pyotp

    return pyotp.TOTP(secret).now()


def verify_email(user: User) -> None:
    """allauth signs in only verified addresses (staff included)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def add_totp(user: User, secret: str = STAFF_TOTP_SECRET) -> None:
    """Turn on two-factor sign-in for `user`: the admin refuses staff without it."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        # Staff have two-factor sign-in unless a test asks otherwise (mfa=False).
        wanted = obj.is_staff if extracted is None else extracted
        if create and wanted and not obj.authenticator_set.exists():
            add_totp(obj)


class DeveloperFactory(UserFactory):
    """An activated developer: verified email, confirmed phone, an active sandbox key.

    The key's plaintext is on `.api_key_plaintext`.
    """

    phone_number = factory.Sequence(lambda n: f"+2547{n:08d}")
    phone_confirmed_at = factory.LazyFunction(timezone.now)
    company = "Acme Payments"
    country = "Kenya"

    @factory.post_generation
    def activate(obj, create, extracted, **kwargs):
        if not create:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=obj, email=obj.email, defaults={"verified": True, "primary": True}
        )
        key, plaintext = keys.issue_api_key(obj)
        obj.api_key_plaintext = plaintext
        obj.api_key = key


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """A key with a known plaintext on `.plaintext_value`."""

    class Meta:
        model = ApiKey

    user = factory.SubFactory(UserFactory)
    application = factory.LazyAttribute(lambda k: keys.default_application(k.user))
    plaintext_value = factory.LazyFunction(keys.generate_api_key)
    digest = factory.LazyAttribute(lambda k: keys.crypto.digest(k.plaintext_value))
    encrypted = factory.LazyAttribute(lambda k: keys.crypto.encrypt(k.plaintext_value))
    last4 = factory.LazyAttribute(lambda k: k.plaintext_value[-4:])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        plaintext = kwargs.pop("plaintext_value")
        obj = super()._create(model_class, *args, **kwargs)
        obj.plaintext_value = plaintext
        return obj


def set_async_url(user: User, url: str) -> None:
    """Point the user's Default application (My Profile's box) at `url` ("" = sync)."""
    application = keys.default_application(user)
    application.async_response_url = url
    application.save(update_fields=["async_response_url"])


class ApiCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiCall

    api_key = factory.SubFactory(ApiKeyFactory)
    user = factory.LazyAttribute(lambda c: c.api_key.user)
    operation = "c2bPayment"
    market = "vodafoneGHA"
    method = "POST"
    path = "/sandbox/ipg/v2/vodafoneGHA/c2bPayment/singleStage/"
    request_body = factory.LazyFunction(dict)
    response_body = factory.LazyFunction(dict)
    result_code = "INS-0"
    result_desc = "Request processed successfully"
    http_status = 201
    latency_ms = 12.5
    is_success = True
    amount = Decimal("10.00")
    msisdn = "000000000001"
    transaction_id = factory.Sequence(lambda n: f"TX{n:010d}")
    conversation_id = factory.Sequence(lambda n: f"{n:032x}")
    third_party_conversation_id = factory.Sequence(lambda n: f"tp{n}")
    created_at = factory.LazyFunction(timezone.now)
