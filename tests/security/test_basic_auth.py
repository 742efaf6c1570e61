"""No password over HTTP Basic: DRF's default authentication (session + Basic) would let
anyone test a developer's password on a REST route with `Authorization: Basic`, without
allauth's sign-in rate limits, so a correct and a wrong password must answer the same."""

from __future__ import annotations

import base64

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authentication import BasicAuthentication

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _drf_views(patterns=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _drf_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
            yield pattern, pattern.callback.cls, pattern.callback.initkwargs


def test_no_rest_route_accepts_http_basic():
    views = list(_drf_views())
    assert views, "the partner API's routes should be found"
    for pattern, cls, initkwargs in views:
        classes = initkwargs.get("authentication_classes", cls.authentication_classes)
        assert BasicAuthentication not in classes, f"{pattern.pattern} accepts HTTP Basic"


@pytest.mark.parametrize("path", ["/reports/api/schema/", "/reports/api/v1/keys/"])
def test_a_right_and_a_wrong_password_answer_the_same(client, developer, path):
    right = client.get(path, HTTP_AUTHORIZATION=_basic("dev", TEST_PASSWORD))
    wrong = client.get(path, HTTP_AUTHORIZATION=_basic("dev", "not-the-password"))

    assert right.status_code == wrong.status_code
    assert right.content == wrong.content
