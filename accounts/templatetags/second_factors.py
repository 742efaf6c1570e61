"""`{{ user|second_factors }}`: the kinds of second factor an account has ("totp",
"webauthn"), so the two-factor step offers only the ones it can use."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django import template

register = template.Library()


@register.filter
def second_factors(user) -> set[str]:
    if user is None or not getattr(user, "pk", None):
        return set()
    return set(
        Authenticator.objects.filter(user_id=user.pk)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .values_list("type", flat=True)
    )
