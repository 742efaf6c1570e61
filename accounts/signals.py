"""Security events from allauth's signals (password and email changes)."""

from __future__ import annotations

from allauth.account import signals as allauth_signals
from django.dispatch import receiver

from accounts.models import SecurityEvent
from accounts.services import record_security_event


@receiver(allauth_signals.password_changed, dispatch_uid="accounts-password-changed")
def on_password_changed(sender, request, user, **kwargs) -> None:
    record_security_event(user, kind=SecurityEvent.Kind.PASSWORD_CHANGED)


@receiver(allauth_signals.password_reset, dispatch_uid="accounts-password-reset")
def on_password_reset(sender, request, user, **kwargs) -> None:
    record_security_event(user, kind=SecurityEvent.Kind.PASSWORD_RESET)


@receiver(allauth_signals.email_changed, dispatch_uid="accounts-email-changed")
def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    # allauth also sends this when the sign-up address is first verified (no "from"):
    # that is the activation, not a change.
    if from_email_address is None:
        return
    record_security_event(
        user,
        kind=SecurityEvent.Kind.EMAIL_CHANGED,
        detail=f"{from_email_address.email} → {to_email_address.email}",
    )
