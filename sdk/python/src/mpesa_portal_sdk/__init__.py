"""The M-Pesa Developer Portal's Python library file (classic portalsdk interface)."""

from mpesa_portal_sdk.api import (
    APIContext,
    APIMethodType,
    APIRequest,
    APIResponse,
    create_bearer_token,
)

__all__ = ["APIContext", "APIMethodType", "APIRequest", "APIResponse", "create_bearer_token"]
__version__ = "1.0.0"
