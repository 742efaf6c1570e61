"""allauth hooks for the portal's accounts."""

from __future__ import annotations

import unicodedata

from allauth.account.adapter import DefaultAccountAdapter
from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse


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
                "This username mixes alphabets with look-alike letters (such as a Cyrillic "
                "“а” among Latin letters). Use the letters of one alphabet.",
                code="username_confusable",
            )
        return super().clean_username(username, shallow=shallow)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # Straight to the phone step on the first sign-in, instead of a redirect through
        # My Profile (PhoneStepMiddleware would send the developer there anyway).
        user = request.user
        if user.is_authenticated and not user.is_staff and not user.has_confirmed_phone:
            return reverse("accounts:phone-add")
        return super().get_login_redirect_url(request)
