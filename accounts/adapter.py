"""allauth hooks for the portal's accounts."""

from __future__ import annotations

import unicodedata
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User


def normalise_username(username: str) -> str:
    """NFKC, as Django's own user model does: fullwidth "ａｄｍｉｎ" is "admin"."""
    return unicodedata.normalize("NFKC", username)


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        # Look-alike usernames (issue 18, finding 9): normalise first, so uniqueness is
        # checked on what is stored, and refuse a mix of scripts with look-alike letters
        # (a Cyrillic "а" among Latin ones). A name in one script, Cyrillic included, is
        # fine.
        username = normalise_username(username)
        if confusables.is_dangerous(username):
            raise ValidationError(
                _(
                    "This username mixes alphabets with look-alike letters (such as a "
                    "Cyrillic “а” among Latin letters). Use the letters of one alphabet."
                ),
                code="username_confusable",
            )
        return super().clean_username(username, shallow=shallow)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # In the language of the account the email is about (User.language): a password
        # reset asked for while signed out, on another browser, still reaches the
        # developer in their language. An address with no account (or an account with no
        # language yet) gets the language of the page that caused the email.
        user = context.get("user")
        if not isinstance(user, User):
            user = _account_for_email(email)
        language = getattr(user, "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed sign-ins ("login_failed" .../key) per login as typed, so
        # "dev" and "dev@example.com" were two budgets for one account (issue 18, finding
        # 10). Count per account instead: the login is resolved to the user it names.
        # A login naming nobody keeps its own key (there is no account to protect, and the
        # per-address limit still applies). Every sign-in does this one lookup, whether or
        # not the account exists.
        login = credentials.get("email", credentials.get("username", ""))
        user_id = _account_for_login(login)
        if user_id is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return f"account:{user_id}"

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # Straight to the phone step on the first sign-in, instead of a redirect through
        # My Profile (PhoneStepMiddleware would send the developer there anyway).
        user = request.user
        if user.is_authenticated and not user.is_staff and not user.has_confirmed_phone:
            return reverse("accounts:phone-add")
        return super().get_login_redirect_url(request)


def _account_for_login(login: str) -> int | None:
    """The id of the account a sign-in `login` (username or email) names, or None."""
    login = normalise_username(login.strip())
    if not login:
        return None
    if "@" in login:
        return (
            EmailAddress.objects.filter(email__iexact=login)
            .values_list("user_id", flat=True)
            .first()
        )
    return User.objects.filter(username__iexact=login).values_list("pk", flat=True).first()


def _account_for_email(email: str) -> User | None:
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    return address.user if address is not None else User.objects.filter(email__iexact=email).first()
