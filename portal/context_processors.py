from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def portal(request: HttpRequest) -> dict:
    """Values every template may use."""
    return {"portal_name": _("M-Pesa Developer Portal")}
