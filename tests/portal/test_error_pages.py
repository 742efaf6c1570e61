"""Error pages are the portal's own, in its layout, and show no internals."""

import pytest
from django.test import Client, override_settings
from django.urls import path

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("internal detail that must not leak")


urlpatterns = [path("boom/", _boom)]


@override_settings(DEBUG=False)
def test_404_is_the_portal_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "M-Pesa Developer Portal" in html


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_500_is_the_portal_page_without_internals():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "internal detail" not in html
    assert "Traceback" not in html
