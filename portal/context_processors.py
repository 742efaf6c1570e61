from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    """Values every template may use."""
    return {"portal_name": "M-Pesa Developer Portal"}
