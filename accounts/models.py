from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from accounts import crypto


class Environment(models.TextChoices):
    SANDBOX = "sandbox", "Sandbox"
    LIVE = "live", "Live"


class User(AbstractUser):
    """A developer (or M-Pesa staff member) of the portal."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", unique=True)
    # E.164, set by the phone step; unique so a number belongs to one account.
    phone_number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    phone_confirmed_at = models.DateTimeField(null=True, blank=True)
    company = models.CharField(max_length=150, blank=True)
    country = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    # Empty: every API answers synchronously. Set: every API answers at once and the
    # result is delivered to this URL (seed: "Asynchronous Response URL").
    async_response_url = models.URLField("Asynchronous Response URL", max_length=500, blank=True)

    class Meta:
        verbose_name = "developer"

    def __str__(self) -> str:
        return self.username

    @property
    def has_confirmed_phone(self) -> bool:
        return self.phone_confirmed_at is not None


class ApiKeyQuerySet(models.QuerySet):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(retired_at__isnull=True)

    def for_environment(self, environment: str) -> ApiKeyQuerySet:
        return self.filter(environment=environment)


class ApiKey(models.Model):
    """A developer's API key. One active key per developer and environment.

    The plaintext is never stored: `digest` finds the key from a bearer, `encrypted`
    lets the owner see it on My Profile.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    environment = models.CharField(
        max_length=10, choices=Environment.choices, default=Environment.SANDBOX
    )
    digest = models.CharField(max_length=64, unique=True)
    encrypted = models.TextField()
    last4 = models.CharField(max_length=4)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "environment"],
                condition=Q(retired_at__isnull=True),
                name="accounts_apikey_one_active_per_env",
            ),
        ]
        indexes = [
            # Key history on My Profile and the key selector of reports.
            models.Index(
                fields=["user", "environment", "-created_at"], name="accounts_apikey_user_env"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.environment} key …{self.last4} of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.retired_at is None

    @property
    def plaintext(self) -> str:
        return crypto.decrypt(self.encrypted)


class GatewayKeypair(models.Model):
    """The gateway's RSA-4096 keypair for one environment (DESIGN.md, "Credentials").

    The newest keypair of an environment is the current one, shown on My Profile. After
    a rotation the previous one keeps decrypting bearers until `accepted_until`.
    """

    environment = models.CharField(max_length=10, choices=Environment.choices)
    public_key_b64 = models.TextField(help_text="Base64 DER SubjectPublicKeyInfo")
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_until = models.DateTimeField(
        null=True, blank=True, help_text="Set when superseded: still accepted until then."
    )

    class Meta:
        indexes = [
            # current_keypair(): newest keypair of an environment.
            models.Index(fields=["environment", "-created_at"], name="accounts_gwkey_env_created"),
        ]

    def __str__(self) -> str:
        return f"{self.environment} gateway keypair of {self.created_at:%Y-%m-%d %H:%M}"
