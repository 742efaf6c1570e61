"""APIContext, APIRequest and APIMethodType: the classic portal SDK interface, repaired.

The classic `portalsdk` is the shape every M-Pesa OpenAPI sample is written against, so
this module keeps its names, arguments and the three sections of a call (context,
request parameters, response). What differs, and why:

- `headers={}` / `parameters={}` defaults were shared between every context built with
  defaults, so a getSession after a payment silently carried the payment's parameters.
  Each context now owns fresh dicts.
- Response headers were parsed with `json.loads(str(r.headers).replace("'", '"'))`,
  which breaks on any header value containing a quote. They are now a plain dict.
- No call had a timeout; a stalled gateway hung the caller forever.
- Connection errors were printed and `None` returned; they now raise.
- The bearer is built per request and never written into the context's headers, so a
  context can be reused and inspected without leaking the previous bearer.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

__all__ = [
    "APIContext",
    "APIMethodType",
    "APIRequest",
    "APIResponse",
    "create_bearer_token",
]

DEFAULT_TIMEOUT_SECONDS = 30.0


class APIMethodType(Enum):
    """The REST verb of a call (values as in the classic SDK)."""

    GET = 0
    POST = 1
    PUT = 3
    DELETE = 4


def create_bearer_token(api_key: str, public_key: str) -> str:
    """Base64(RSA-PKCS#1-v1.5-encrypt(api_key, public_key)).

    `public_key` is the Base64 DER SubjectPublicKeyInfo shown on My Profile (no PEM
    armour). `api_key` may also be a session id from getSession. PKCS#1 v1.5 padding is
    randomised, so every call returns a different token for the same key.
    """
    try:
        der = base64.b64decode(public_key.strip(), validate=True)
        key = load_der_public_key(der)
    except ValueError as exc:
        raise ValueError("public_key is not a Base64 DER RSA public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("public_key is not an RSA public key")
    ciphertext = key.encrypt(api_key.encode("ascii"), padding.PKCS1v15())
    return base64.b64encode(ciphertext).decode("ascii")


@dataclass
class APIContext:
    """Where and how to call: credentials, verb, address, port, path, headers, parameters.

    `parameters` go in the query string for GET and in a JSON body for POST and PUT.
    """

    api_key: str = ""
    public_key: str = ""
    ssl: bool = False
    method_type: APIMethodType = APIMethodType.GET
    address: str = ""
    port: int = 80
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        if not isinstance(self.method_type, APIMethodType):
            raise TypeError("method_type must be an APIMethodType")
        if isinstance(self.port, bool) or not isinstance(self.port, int):
            raise TypeError("port must be an int")
        # Copy what the caller passed, so mutating the context never changes their dict.
        self.headers = dict(self.headers)
        self.parameters = dict(self.parameters)

    def get_url(self) -> str:
        scheme = "https" if self.ssl else "http"
        path = self.path if self.path.startswith("/") else f"/{self.path}"
        return f"{scheme}://{self.address}:{self.port}{path}"

    def add_header(self, header: str, value: str) -> None:
        self.headers[header] = value

    def get_headers(self) -> dict[str, str]:
        return dict(self.headers)

    def add_parameter(self, key: str, value: Any) -> None:
        self.parameters[key] = value

    def get_parameters(self) -> dict[str, Any]:
        return dict(self.parameters)


@dataclass(frozen=True)
class APIResponse:
    """What came back: HTTP status, headers (case-insensitive lookup via `header()`),
    the JSON body as a dict (empty when the body is not a JSON object) and the raw text."""

    status_code: int
    headers: dict[str, str]
    body: dict[str, Any]
    text: str = ""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    def __getitem__(self, key: str) -> Any:
        # The classic APIResponse was a dict: result["body"] keeps working.
        if key in ("status_code", "headers", "body"):
            return getattr(self, key)
        raise KeyError(key)


class APIRequest:
    """Sends one call described by an APIContext.

    A `requests.Session` may be passed to reuse connections across many calls.
    """

    def __init__(
        self, context: APIContext | None = None, *, session: requests.Session | None = None
    ) -> None:
        self.context = context
        self.session = session

    def create_bearer_token(self) -> str:
        context = self._require_context()
        return create_bearer_token(context.api_key, context.public_key)

    def create_default_headers(self) -> dict[str, str]:
        """The context's headers plus Authorization and Content-Type (a new dict)."""
        headers = self._require_context().get_headers()
        headers["Authorization"] = f"Bearer {self.create_bearer_token()}"
        headers.setdefault("Content-Type", "application/json")
        return headers

    def execute(self) -> APIResponse:
        """Send the call. Raises requests.RequestException on network failure."""
        context = self._require_context()
        method = context.method_type
        if method not in (APIMethodType.GET, APIMethodType.POST, APIMethodType.PUT):
            raise ValueError(f"unsupported method {method.name}")
        kwargs: dict[str, Any] = {
            "headers": self.create_default_headers(),
            "timeout": context.timeout,
        }
        if method is APIMethodType.GET:
            kwargs["params"] = _query_values(context.parameters)
        else:
            kwargs["json"] = context.get_parameters()
        http = self.session or requests
        response = http.request(method.name, context.get_url(), **kwargs)
        return _to_api_response(response)

    def _require_context(self) -> APIContext:
        if self.context is None:
            raise TypeError("Context cannot be None.")
        return self.context


def _query_values(parameters: Mapping[str, Any]) -> dict[str, str]:
    # Booleans as the documentation writes them ("True"/"False"), not "true".
    return {
        key: (str(value) if not isinstance(value, str) else value)
        for key, value in parameters.items()
    }


def _to_api_response(response: requests.Response) -> APIResponse:
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    return APIResponse(
        status_code=response.status_code,
        headers=dict(response.headers),
        body=parsed if isinstance(parsed, dict) else {},
        text=response.text,
    )
