from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts import crypto, timezones


class Environment(models.TextChoices):
    SANDBOX = "sandbox", gettext_lazy("Sandbox")
    LIVE = "live", gettext_lazy("Live")


class User(AbstractUser):
    """A developer (or M-Pesa staff member) of the portal."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", unique=True)
    # E.164, set by the phone step; unique so a number belongs to one account.
    phone_number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    phone_confirmed_at = models.DateTimeField(null=True, blank=True)
    company = models.CharField(max_length=150, blank=True)
    country = models.CharField(max_length=100, blank=True)
    # The developer's IANA time zone (accounts/timezones.py); empty until chosen on My
    # Profile or taken from the browser on the first page (dates show in UTC till then).
    timezone = models.CharField(
        "time zone",
        max_length=timezones.MAX_LENGTH,
        blank=True,
        default="",
        validators=[timezones.validate_time_zone],
    )
    # The portal's language for this developer (settings.LANGUAGES): pages once signed
    # in, and the emails and SMS sent to them. Empty until chosen or signed up.
    language = models.CharField(max_length=8, blank=True, default="", choices=settings.LANGUAGES)

    class Meta:
        verbose_name = "developer"

    def __str__(self) -> str:
        return self.username

    @property
    def time_zone(self) -> str:
        """The zone every date is shown in: the chosen one, else UTC."""
        return timezones.effective(self.timezone)

    @property
    def has_confirmed_phone(self) -> bool:
        return self.phone_confirmed_at is not None


class Application(models.Model):
    """An integration (reference §1): its API keys, session lifetime, trusted sources,
    products and limits, and where its asynchronous results go.

    Registration makes the developer's first one, "Default" (`is_default`): it holds the
    key the seed calls "the API key assigned to your profile", and My Profile's
    Asynchronous Response URL box edits it. After Go Live approval the application is
    locked (`locked_at`): its settings change only through a new review.
    """

    MAX_PER_USER = 10
    DEFAULT_NAME = "Default"
    MIN_SESSION_LIFETIME = 60
    MAX_SESSION_LIFETIME = 24 * 3600

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="applications")
    name = models.CharField(max_length=60)
    version = models.CharField(max_length=20, blank=True, default="1.0")
    description = models.CharField(max_length=500, blank=True)
    is_default = models.BooleanField(default=False)
    # Empty: every API answers synchronously. Set: every API answers at once and the
    # result is delivered to this URL (seed: "Asynchronous Response URL").
    async_response_url = models.URLField(
        gettext_lazy("Asynchronous Response URL"), max_length=500, blank=True
    )
    session_lifetime_seconds = models.PositiveIntegerField(default=3600)
    # IP addresses or CIDR ranges the gateway accepts calls from; empty: anywhere.
    trusted_sources = models.JSONField(default=list, blank=True)
    # Catalogue slugs of the APIs turned off (400 INS-997); empty: every API enabled, so
    # an API added to the catalogue later is on for existing applications too.
    disabled_apis = models.JSONField(default=list, blank=True)
    # Limits (reference §8: INS-990...INS-996); null: no limit.
    limit_single_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    limit_session_count = models.PositiveIntegerField(null=True, blank=True)
    limit_session_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    limit_customer_daily_count = models.PositiveIntegerField(null=True, blank=True)
    limit_customer_daily_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    usage_start = models.TimeField(null=True, blank=True)
    usage_end = models.TimeField(null=True, blank=True)
    usage_timezone = models.CharField(max_length=64, default="UTC")
    # Strict mode: the sandbox refuses what production refuses (docs/gateway.md).
    strict_mode = models.BooleanField(default=False)
    locked_at = models.DateTimeField(null=True, blank=True)
    # Emails to the developer (ops/alerts.py): an hourly digest of failing callbacks, and
    # a warning when the share of failed calls jumps against the application's own week.
    alert_on_callback_failures = models.BooleanField(default=True)
    alert_on_error_rate = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="accounts_application_name"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="accounts_application_default"
            ),
        ]
        indexes = [
            # The Applications page: the developer's applications, oldest first.
            models.Index(fields=["user", "created_at"], name="accounts_application_user"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ApiKeyQuerySet(models.QuerySet):
    def active(self) -> ApiKeyQuerySet:
        """The current key of each application and environment (the one renewal
        replaces); a key in its overlap period is not current but still usable."""
        return self.filter(retired_at__isnull=True)

    def usable(self, now=None) -> ApiKeyQuerySet:
        """Keys the gateway accepts now: current, or retiring later (overlap)."""
        return self.filter(Q(retired_at__isnull=True) | Q(retired_at__gt=now or timezone.now()))

    def for_environment(self, environment: str) -> ApiKeyQuerySet:
        return self.filter(environment=environment)


class ApiKey(models.Model):
    """An application's API key. One current key per application and environment.

    The plaintext is never stored: `digest` finds the key from a bearer, `encrypted`
    lets the owner see it on My Profile. `retired_at` in the future is an overlap
    ("roll"): the key still works until then, beside its successor. `user` is the
    application's owner, kept on the key because reports and the gateway read it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="api_keys")
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
                fields=["application", "environment"],
                condition=Q(retired_at__isnull=True),
                name="accounts_apikey_one_active_per_app_env",
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
        """Accepted by the gateway now: current, or inside its overlap period."""
        return self.retired_at is None or self.retired_at > timezone.now()

    @property
    def is_current(self) -> bool:
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
    public_key_b64 = models.TextField(help_text=gettext_lazy("Base64 DER SubjectPublicKeyInfo"))
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Set when superseded: still accepted until then."),
    )

    class Meta:
        indexes = [
            # current_keypair(): newest keypair of an environment.
            models.Index(fields=["environment", "-created_at"], name="accounts_gwkey_env_created"),
        ]

    def __str__(self) -> str:
        return f"{self.environment} gateway keypair of {self.created_at:%Y-%m-%d %H:%M}"


class PhoneVerificationQuerySet(models.QuerySet):
    def pending(self) -> PhoneVerificationQuerySet:
        return self.filter(confirmed_at__isnull=True)


class PhoneVerification(models.Model):
    """A one-time code sent by SMS to confirm a phone number (the phone step).

    Only a keyed digest of the code is stored. A verification is spent when confirmed,
    expired, or when its attempts are used up; sending a new code replaces the user's
    pending one (see accounts.phone).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="phone_verifications")
    phone_number = models.CharField(max_length=20)
    code_digest = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = PhoneVerificationQuerySet.as_manager()

    class Meta:
        indexes = [
            # The phone step: the user's latest verification (pending code, resend cooldown).
            models.Index(fields=["user", "-sent_at"], name="accounts_phonever_user_sent"),
        ]

    def __str__(self) -> str:
        return f"code for {self.phone_number} ({self.user})"


class SecurityEvent(models.Model):
    """Something that changed how an account signs in or calls the gateway.

    Listed on My Profile so a developer notices a change they did not make.
    """

    class Kind(models.TextChoices):
        API_KEY_RENEWED = "api_key_renewed", gettext_lazy("API key renewed")
        PASSWORD_CHANGED = "password_changed", gettext_lazy("Password changed")
        PASSWORD_RESET = "password_reset", gettext_lazy("Password reset by email")
        EMAIL_CHANGED = "email_changed", gettext_lazy("Email address changed")
        PHONE_CONFIRMED = "phone_confirmed", gettext_lazy("Phone number confirmed")
        PHONE_CHANGED = "phone_changed", gettext_lazy("Phone number changed")
        USERNAME_CHANGED = "username_changed", gettext_lazy("Username changed")
        DEACTIVATED = "deactivated", gettext_lazy("Account deactivated by staff")
        REACTIVATED = "reactivated", gettext_lazy("Account reactivated by staff")
        GOLIVE_APPROVED = "golive_approved", gettext_lazy("Go Live approved (live key issued)")
        GOLIVE_REJECTED = "golive_rejected", gettext_lazy("Go Live rejected")
        # Staff decisions of the Go Live review workflow (golive.services); to be routed to
        # the staff audit trail too once it exists.
        GOLIVE_CHANGES_REQUESTED = (
            "golive_changes_requested",
            gettext_lazy("Go Live: changes requested"),
        )
        GOLIVE_REVOKED = "golive_revoked", gettext_lazy("Go Live revoked (live key retired)")
        GOLIVE_COMMENT = "golive_comment", gettext_lazy("Go Live: comment from staff")
        LIMITS_CHANGED_BY_STAFF = (
            "limits_changed_by_staff",
            gettext_lazy("Application limits changed by staff"),
        )
        MFA_ENABLED = "mfa_enabled", gettext_lazy("Two-factor authentication turned on")
        MFA_DISABLED = "mfa_disabled", gettext_lazy("Two-factor authentication turned off")
        PASSKEY_ADDED = "passkey_added", gettext_lazy("Passkey added")
        PASSKEY_REMOVED = "passkey_removed", gettext_lazy("Passkey removed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # My Profile: the user's latest events.
            models.Index(fields=["user", "-created_at"], name="accounts_secevent_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.user}, {self.created_at:%Y-%m-%d %H:%M})"


class StaffActionQuerySet(models.QuerySet):
    # The trail is append-only: bulk edits and deletes are refused like single ones.
    def update(self, **kwargs):
        raise PermissionError("Staff actions are immutable.")

    def delete(self):
        raise PermissionError("Staff actions are immutable.")


class StaffAction(models.Model):
    """One thing a member of staff did (issue 18, "staff audit trail"): written once by
    `services.record_staff_action`, never changed or deleted, listed read-only in the admin."""

    class Action(models.TextChoices):
        GOLIVE_IN_REVIEW = "golive_in_review", gettext_lazy("Go Live review started")
        GOLIVE_APPROVED = "golive_approved", gettext_lazy("Go Live approved")
        GOLIVE_REJECTED = "golive_rejected", gettext_lazy("Go Live rejected")
        GOLIVE_CHANGES_REQUESTED = (
            "golive_changes_requested",
            gettext_lazy("Go Live changes requested"),
        )
        GOLIVE_REVOKED = "golive_revoked", gettext_lazy("Go Live revoked")
        GOLIVE_COMMENTED = "golive_commented", gettext_lazy("Go Live comment")
        DEVELOPER_DEACTIVATED = "developer_deactivated", gettext_lazy("Developer deactivated")
        DEVELOPER_REACTIVATED = "developer_reactivated", gettext_lazy("Developer reactivated")
        KEYPAIR_ROTATED = "keypair_rotated", gettext_lazy("Gateway keypair rotated")
        LIVE_KEY_RENEWED = "live_key_renewed", gettext_lazy("Live API key renewed")
        LIMITS_CHANGED = "limits_changed", gettext_lazy("Limits changed")
        ADMIN_ADDED = "admin_added", gettext_lazy("Added in the admin")
        ADMIN_CHANGED = "admin_changed", gettext_lazy("Changed in the admin")
        ADMIN_DELETED = "admin_deleted", gettext_lazy("Deleted in the admin")

    # SET_NULL and a copy of the username: the trail outlives the staff account.
    actor = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="staff_actions"
    )
    actor_username = models.CharField(max_length=150)
    action = models.CharField(max_length=32, choices=Action.choices)
    target = models.CharField(max_length=200)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = StaffActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The admin's list: newest first.
            models.Index(fields=["-created_at"], name="accounts_staffaction_created"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_username}: {self.get_action_display()} {self.target}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Staff actions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Staff actions are immutable.")
