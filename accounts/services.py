"""Writes of the accounts app: key renewal, username change, (de)activation, a fully
activated account, and `record_security_event`, the one writer of the audit trail."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import keys
from accounts.models import ApiKey, Application, Environment, SecurityEvent, StaffAction, User


def record_security_event(user: User, *, kind: str, detail: str = "") -> SecurityEvent:
    """The one way to write the account's audit trail (My Profile's security events, the
    admin's inline): every security-relevant change goes through here."""
    return SecurityEvent.objects.create(user=user, kind=kind, detail=detail[:200])


def record_staff_action(
    actor: User | None, *, action: str, target: object, detail: str = ""
) -> StaffAction:
    """The one way to write the staff audit trail (immutable; read-only in the admin).

    Every staff action goes through here: Go Live decisions, (de)activation, keypair
    rotation, live key renewal, limit changes and every add/change/delete made in the
    admin's forms (mirrored from Django's LogEntry, accounts/signals.py). `actor` is None
    for an operator's management command.
    """
    return StaffAction.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "(command line)",
        action=action,
        target=str(target)[:200],
        detail=detail[:500],
    )


MAX_KEY_OVERLAP = timedelta(days=7)


@transaction.atomic
def renew_api_key(
    user: User,
    *,
    environment: str = Environment.SANDBOX,
    application: Application | None = None,
    overlap: timedelta = timedelta(0),
) -> tuple[ApiKey, str]:
    """Replace the application's current key (default: the Default application) and
    record the security event. Returns the new row and its plaintext.

    With no `overlap` the old key is retired at once (the seed's "Renew API Key"); with
    one (up to 7 days, Stripe's "roll") it keeps working until then, beside the new one,
    and is kept for reports afterwards.
    """
    if not timedelta(0) <= overlap <= MAX_KEY_OVERLAP:
        raise ValueError("The overlap must be between 0 and 7 days.")
    application = application or keys.default_application(user)
    # Lock the application row so two concurrent renewals serialise instead of racing
    # on the one-current-key constraint.
    Application.objects.select_for_update().filter(pk=application.pk).first()
    previous = keys.active_api_key(user, environment=environment, application=application)
    ApiKey.objects.filter(application=application, environment=environment).active().update(
        retired_at=timezone.now() + overlap
    )
    key, plaintext = keys.issue_api_key(user, environment=environment, application=application)
    detail = f"…{previous.last4} retired, …{key.last4} issued" if previous else ""
    if previous and overlap:
        until = timezone.now() + overlap
        detail = f"…{previous.last4} works until {until:%Y-%m-%d %H:%M} UTC, …{key.last4} issued"
    if not application.is_default:
        detail = f"{application.name}: {detail}"
    if environment != Environment.SANDBOX:
        detail = f"{environment}: {detail}" if detail else environment
    record_security_event(user, kind=SecurityEvent.Kind.API_KEY_RENEWED, detail=detail)
    return key, plaintext


@transaction.atomic
def change_username(user: User, *, username: str) -> User:
    previous = user.username
    if previous == username:
        return user
    user.username = username
    user.save(update_fields=["username"])
    record_security_event(
        user, kind=SecurityEvent.Kind.USERNAME_CHANGED, detail=f"{previous} → {username}"
    )
    return user


@transaction.atomic
def set_developers_active(users, *, active: bool, by: User | None = None) -> int:
    """Deactivate (or reactivate) developers.

    A deactivated developer cannot sign in, their sessions stop authenticating, and the
    gateway refuses their keys on the next call (it checks `user.is_active` every time).
    """
    kind = SecurityEvent.Kind.REACTIVATED if active else SecurityEvent.Kind.DEACTIVATED
    changed = 0
    for user in users.select_for_update().filter(is_active=not active):
        user.is_active = active
        user.save(update_fields=["is_active"])
        record_security_event(user, kind=kind)
        record_staff_action(
            by,
            action=(
                StaffAction.Action.DEVELOPER_REACTIVATED
                if active
                else StaffAction.Action.DEVELOPER_DEACTIVATED
            ),
            target=user,
        )
        changed += 1
    return changed


@transaction.atomic
def create_activated_developer(
    *, username: str, email: str, phone_number: str, password: str
) -> tuple[User, str]:
    """An account that has been through every step: verified email, confirmed phone,
    an active sandbox key. Returns the user and the key's plaintext."""
    user = User(username=username, email=email, phone_number=phone_number)
    user.phone_confirmed_at = timezone.now()
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    _, plaintext = keys.issue_api_key(user)
    return user, plaintext


class ApplicationLimitReached(Exception):
    """The developer has Application.MAX_PER_USER applications already."""


class ApplicationLocked(Exception):
    """The application was locked by Go Live approval: its settings change only through
    a new review."""


@transaction.atomic
def create_application(
    user: User, *, name: str, version: str = "1.0", description: str = ""
) -> tuple[Application, str]:
    """A new application of `user` with its own sandbox key; returns it and the key's
    plaintext. Raises ApplicationLimitReached at Application.MAX_PER_USER."""
    # Lock the developer's row so that two concurrent creations cannot both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if Application.objects.filter(user=user).count() >= Application.MAX_PER_USER:
        raise ApplicationLimitReached(
            f"You have {Application.MAX_PER_USER} applications, the most an account may have."
        )
    application = Application.objects.create(
        user=user, name=name, version=version, description=description
    )
    _, plaintext = keys.issue_api_key(user, application=application)
    return application, plaintext


@transaction.atomic
def update_application(application: Application, *, changes: dict) -> Application:
    """Save an application's settings in one update; raises ApplicationLocked if Go Live
    approval locked it (checked under the row lock, so an approval that lands while the
    developer edits wins)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.is_locked:
        raise ApplicationLocked(
            _("Locked after Go Live approval: changes go through a new review.")
        )
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(changes))
    return locked


def set_time_zone(user: User, *, name: str) -> None:
    """Store the zone the developer chose on My Profile (already validated)."""
    user.timezone = name
    user.save(update_fields=["timezone"])


def set_browser_time_zone(user: User, *, name: str) -> bool:
    """Store the browser's zone once: only while the developer has none (True if stored).

    One conditional UPDATE, so two tabs posting at once store it once and a zone chosen
    on My Profile is never overwritten."""
    stored = User.objects.filter(pk=user.pk, timezone="").update(timezone=name) == 1
    if stored:
        user.timezone = name
    return stored
