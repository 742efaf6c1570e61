"""The partner API authenticates with the gateway's own bearer (DESIGN.md, "Credentials").

A partner already holds what it needs: Authorization: Bearer Base64(RSA(API key)). The
gateway's `sandbox.auth.authenticate` decides; every failure (bad Base64, padding,
unknown or retired key) answers the same 401, as at the gateway.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from sandbox import auth as gateway_auth


class GatewayBearerAuthentication(BaseAuthentication):
    """request.user is the key's developer; request.auth is the gateway Credential."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.headers.get("Authorization")
        if not header:
            return None  # DRF answers 401 with WWW-Authenticate below
        try:
            credential = gateway_auth.authenticate(header, environment="sandbox")
        except gateway_auth.BearerError:
            raise exceptions.AuthenticationFailed(_("The bearer is not valid.")) from None
        return credential.user, credential

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="reports"'


class GatewayBearerScheme(OpenApiAuthenticationExtension):
    target_class = "reports.api.authentication.GatewayBearerAuthentication"
    name = "gatewayBearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "The gateway bearer: Base64 of the API key RSA-encrypted (PKCS#1 v1.5) with "
                "the gateway's public key from My Profile. A retired key is refused."
            ),
        }
