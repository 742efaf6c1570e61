"""Security events from allauth's signals (password and email changes), and the staff
audit trail's copy of every change made in the admin's forms."""

from __future__ import annotations

from typing import cast

from allauth.account import signals as allauth_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation

from accounts.models import Application, SecurityEvent, StaffAction, User
from accounts.services import record_security_event, record_staff_action


@receiver(allauth_signals.user_signed_up, dispatch_uid="accounts-signed-up-language")
def on_signed_up(sender, request, user, **kwargs) -> None:
    """A new developer keeps the language they signed up in (the switcher's choice, else
    Accept-Language): their activation email and phone code go out in it."""
    _store_language(user)


@receiver(allauth_signals.user_logged_in, dispatch_uid="accounts-logged-in-language")
def on_logged_in(sender, request, user, **kwargs) -> None:
    # Accounts from before languages were stored get one at their next sign-in.
    _store_language(user)


def _store_language(user: User) -> None:
    if user.language:
        return
    language = translation.get_language() or "en"
    user.language = translation.get_supported_language_variant(language)
    User.objects.filter(pk=user.pk).update(language=user.language)


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


# Recovery codes are authenticators too: only the authenticator app turns 2FA on or off;
# each passkey added or removed is an event of its own, with its name.
@receiver(mfa_signals.authenticator_added, dispatch_uid="accounts-mfa-added")
def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        record_security_event(user, kind=SecurityEvent.Kind.MFA_ENABLED)
    elif authenticator.type == Authenticator.Type.WEBAUTHN:
        record_security_event(
            user, kind=SecurityEvent.Kind.PASSKEY_ADDED, detail=_passkey_name(authenticator)
        )


@receiver(mfa_signals.authenticator_removed, dispatch_uid="accounts-mfa-removed")
def on_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        record_security_event(user, kind=SecurityEvent.Kind.MFA_DISABLED)
    elif authenticator.type == Authenticator.Type.WEBAUTHN:
        record_security_event(
            user, kind=SecurityEvent.Kind.PASSKEY_REMOVED, detail=_passkey_name(authenticator)
        )


def _passkey_name(authenticator: Authenticator) -> str:
    return str(authenticator)[:200]


_ADMIN_ACTIONS = {
    ADDITION: StaffAction.Action.ADMIN_ADDED,
    CHANGE: StaffAction.Action.ADMIN_CHANGED,
}
_LIMIT_FIELDS = (
    "limit_single_value",
    "limit_session_count",
    "limit_session_value",
    "limit_customer_daily_count",
    "limit_customer_daily_value",
)


@receiver(post_save, sender=LogEntry, dispatch_uid="accounts-staff-action-from-admin")
def on_admin_log_entry(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    """Every add, change and delete made through an admin form is a staff action.

    Django's LogEntry rows can be edited in the database; the trail keeps its own,
    immutable copy. An application's limits get their own action with the new values.
    """
    if not created:
        return
    action = _ADMIN_ACTIONS.get(instance.action_flag, StaffAction.Action.ADMIN_DELETED)
    content_type = cast("ContentType | None", instance.content_type)
    label = f"{content_type.app_label}.{content_type.model}" if content_type else "?"
    detail = instance.get_change_message()
    if content_type and content_type.model_class() is Application and "limit" in detail.lower():
        application = Application.objects.filter(pk=instance.object_id).first()
        if application is not None:
            action = StaffAction.Action.LIMITS_CHANGED
            values = ", ".join(f"{f}={getattr(application, f)}" for f in _LIMIT_FIELDS)
            detail = f"{detail} Now: {values}"
    record_staff_action(
        cast(User, instance.user),
        action=action,
        target=f"{label} {instance.object_repr}",
        detail=detail,
    )
