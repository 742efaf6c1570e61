"""The phone step: normalise a number, send a one-time code by SMS, confirm it.

Numbers are entered in international format (+ and the country code): the portal serves
several markets, so a national number like 0712 345 678 is ambiguous and is refused with
a message saying how to write it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import keys, services, sms
from accounts.models import PhoneVerification, SecurityEvent, User

EXAMPLE = "e.g. +254712345678"


class PhoneStepError(Exception):
    """Refused input of the phone step; the message is shown next to the field."""


@dataclass(frozen=True)
class CodeSettings:
    ttl: timedelta
    max_attempts: int
    resend_after: timedelta


def code_settings() -> CodeSettings:
    return CodeSettings(
        ttl=timedelta(seconds=settings.PHONE_CODE_TTL_SECONDS),
        max_attempts=settings.PHONE_CODE_MAX_ATTEMPTS,
        resend_after=timedelta(seconds=settings.PHONE_CODE_RESEND_SECONDS),
    )


def normalise_phone_number(raw: str) -> str:
    """E.164 form of `raw`, or ValidationError with a message a person can act on."""
    text = raw.strip()
    if not text.startswith("+"):
        raise ValidationError(
            _("Start the number with + and the country code (%(example)s).") % {"example": EXAMPLE}
        )
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("This is not a phone number. Write it like %(example)s.") % {"example": EXAMPLE}
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This phone number is not valid. Write it like %(example)s.") % {"example": EXAMPLE}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _code_digest(verification: PhoneVerification, code: str) -> str:
    # Keyed with SECRET_KEY and salted with the row's id: a six-digit code has only a
    # million values, so a plain hash in a leaked table would be reversed at once.
    return salted_hmac("accounts.phone-code", f"{verification.public_id}:{code}").hexdigest()


def latest_verification(user: User) -> PhoneVerification | None:
    return user.phone_verifications.order_by("-sent_at").first()


def pending_verification(user: User) -> PhoneVerification | None:
    return user.phone_verifications.pending().order_by("-sent_at").first()


def seconds_until_resend(user: User) -> int:
    latest = latest_verification(user)
    if latest is None:
        return 0
    wait = latest.sent_at + code_settings().resend_after - timezone.now()
    return max(0, int(wait.total_seconds() + 0.999))


@transaction.atomic
def send_phone_code(user: User, *, phone_number: str) -> PhoneVerification:
    """Send a new code to `phone_number` (E.164) for `user`, replacing a pending one.

    Raises PhoneStepError when the resend cooldown has not passed, when the number is
    already the user's confirmed one, or when a sending budget (per number, global) is
    spent. The order matters (issue 18, finding 5): the cooldown comes first, so no
    question about a number can be asked more than once a minute per account.

    A number confirmed on another account is answered exactly like a free one (same
    checks, same budgets, same page) but no SMS goes out and the stored code is one that
    was never sent, so it can never be confirmed: the phone step tells nobody which
    numbers have accounts, and a registered developer's phone gets no texts from
    strangers. docs/security.md explains the trade-off.
    """
    # Lock the user row: two quick submissions must not both pass the cooldown check.
    User.objects.select_for_update().filter(pk=user.pk).first()
    wait = seconds_until_resend(user)
    if wait:
        raise PhoneStepError(
            _("A code was sent moments ago. You can ask for a new one in %(wait)s s.")
            % {"wait": wait}
        )
    if user.has_confirmed_phone and user.phone_number == phone_number:
        raise PhoneStepError(_("This is already your confirmed phone number."))
    _spend_budgets(phone_number)
    taken = User.objects.filter(phone_number=phone_number).exclude(pk=user.pk).exists()
    user.phone_verifications.pending().delete()
    now = timezone.now()
    verification = PhoneVerification(
        user=user,
        phone_number=phone_number,
        sent_at=now,
        expires_at=now + code_settings().ttl,
    )
    code = f"{secrets.randbelow(10**6):06d}"
    # For a taken number the digest is of a code nobody is told: salted with a random
    # token instead of the row's id, no six digits can ever match it.
    secret_salt = secrets.token_hex(16) if taken else ""
    verification.code_digest = _code_digest(verification, code + secret_salt)
    verification.save()
    if taken:
        return verification
    minutes = max(1, int(code_settings().ttl.total_seconds()) // 60)
    # In the developer's language (User.language), whatever page asked for it.
    with translation.override(user.language or translation.get_language()):
        text = ngettext(
            "%(code)s is your M-Pesa Developer Portal code. It expires in %(minutes)d minute.",
            "%(code)s is your M-Pesa Developer Portal code. It expires in %(minutes)d minutes.",
            minutes,
        ) % {"code": code, "minutes": minutes}
    # Sent inside the transaction: if the SMS cannot go out, no code is left pending.
    sms.send_sms(phone_number, text)
    return verification


# --- Sending budgets ----------------------------------------------------------------------
# The phone step is open to any signed-in account: without these, a few accounts could
# text one number all day, or run up the SMS bill (issue 18, finding 5). Counted per UTC
# day in the default cache, which every worker shares in production (settings refuse to
# start with a per-process cache).

PER_NUMBER_SPENT = gettext_lazy(
    "We cannot send more codes to this number today. Try again tomorrow."
)
GLOBAL_SPENT = gettext_lazy("We cannot send phone codes right now. Try again later.")


def _spend_budgets(phone_number: str) -> None:
    """Count one code for `phone_number`, or raise PhoneStepError if a budget is spent.

    Only a code that is allowed is counted, so a paused portal uses up nobody's codes.
    """
    day = timezone.now().strftime("%Y%m%d")
    global_key = f"phone-codes:all:{day}"
    # Keyed by an HMAC of the number: no phone numbers in the cache.
    digest = salted_hmac("accounts.phone-budget", phone_number).hexdigest()[:32]
    number_key = f"phone-codes:number:{digest}:{day}"
    if int(cache.get(global_key, 0)) >= settings.PHONE_CODES_PER_DAY:
        raise PhoneStepError(GLOBAL_SPENT)
    if int(cache.get(number_key, 0)) >= settings.PHONE_CODES_PER_NUMBER_PER_DAY:
        raise PhoneStepError(PER_NUMBER_SPENT)
    for key in (global_key, number_key):
        # add() then incr(): atomic in Redis; each key lives a little over a day.
        cache.add(key, 0, timeout=25 * 3600)
        try:
            cache.incr(key)
        except ValueError:  # evicted between add() and incr()
            cache.set(key, 1, timeout=25 * 3600)


def resend_phone_code(user: User) -> PhoneVerification:
    """Send a new code to the number of the latest verification."""
    latest = latest_verification(user)
    if latest is None or latest.confirmed_at is not None:
        raise PhoneStepError(_("There is no number waiting for a code. Enter your phone number."))
    return send_phone_code(user, phone_number=latest.phone_number)


def confirm_phone_code(user: User, *, code: str) -> User:
    """Check `code` against the user's pending verification and confirm the number.

    The first confirmation activates the account: its sandbox API key is issued. Raises
    PhoneStepError for a wrong, expired or exhausted code (a wrong guess is counted).
    """
    error = _check_and_confirm(user, code.strip())
    if error:
        # Raised outside the atomic block so the counted attempt is committed.
        raise PhoneStepError(error)
    user.refresh_from_db()
    return user


@transaction.atomic
def _check_and_confirm(user: User, code: str) -> str | None:
    verification = (
        user.phone_verifications.pending().select_for_update().order_by("-sent_at").first()
    )
    if verification is None:
        return _("There is no code waiting for confirmation. Enter your phone number first.")
    limits = code_settings()
    if verification.expires_at <= timezone.now():
        return _("This code has expired. Ask for a new code.")
    if verification.attempts >= limits.max_attempts:
        return _("Too many wrong codes. Ask for a new code.")
    if not constant_time_compare(verification.code_digest, _code_digest(verification, code)):
        verification.attempts += 1
        verification.save(update_fields=["attempts"])
        left = limits.max_attempts - verification.attempts
        if left <= 0:
            return _("Wrong code, and that was the last attempt. Ask for a new code.")
        return ngettext(
            "Wrong code. %(left)d attempt left.", "Wrong code. %(left)d attempts left.", left
        ) % {"left": left}
    try:
        with transaction.atomic():
            _apply_confirmed_number(user, verification)
    except IntegrityError:
        # Another account confirmed the same number a moment earlier.
        return _("This phone number belongs to another account.")
    return None


def _apply_confirmed_number(user: User, verification: PhoneVerification) -> None:
    now = timezone.now()
    locked = User.objects.select_for_update().get(pk=user.pk)
    previous = locked.phone_number if locked.has_confirmed_phone else None
    locked.phone_number = verification.phone_number
    locked.phone_confirmed_at = now
    locked.save(update_fields=["phone_number", "phone_confirmed_at"])
    verification.confirmed_at = now
    verification.save(update_fields=["confirmed_at"])
    if previous is None:
        services.record_security_event(
            locked,
            kind=SecurityEvent.Kind.PHONE_CONFIRMED,
            detail=_masked(locked.phone_number),
        )
    else:
        services.record_security_event(
            locked,
            kind=SecurityEvent.Kind.PHONE_CHANGED,
            detail=f"{_masked(previous)} → {_masked(locked.phone_number)}",
        )
    # Activation: the account's sandbox key is created when the phone is confirmed.
    if keys.active_api_key(locked) is None:
        keys.issue_api_key(locked)


def _masked(phone_number: str) -> str:
    return phone_number[:4] + "…" + phone_number[-3:]
