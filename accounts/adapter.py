"""allauth hooks for the portal's accounts."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # Straight to the phone step on the first sign-in, instead of a redirect through
        # My Profile (PhoneStepMiddleware would send the developer there anyway).
        user = request.user
        if user.is_authenticated and not user.is_staff and not user.has_confirmed_phone:
            return reverse("accounts:phone-add")
        return super().get_login_redirect_url(request)
