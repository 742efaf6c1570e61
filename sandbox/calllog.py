"""What the call log keeps of a request: the request as sent, bounded.

A client may send anything: one 250 KB call with 1,200 made-up `input_` keys was stored
as 520 KB and made the documentation page (which shows the last calls) 1.8 MB. The log
keeps the API's catalogue parameters, each capped at its documented length, and at most
`MAX_UNKNOWN_KEYS` other keys of at most `MAX_UNKNOWN_CHARS` characters (name and value
alike), in the order sent. Nothing here changes what the gateway validates or answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from catalog import Api, Param

MAX_UNKNOWN_KEYS = 20
MAX_UNKNOWN_CHARS = 256
# A parameter whose regex states no length (amounts, "N/A" for the country) is capped here.
DEFAULT_PARAM_CHARS = 256

_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d+))?\}")


def documented_length(api: Api, param: Param) -> int:
    """The longest value the parameter's regex admits ({1,20} -> 20, {8} -> 8; the
    largest when there are several), else DEFAULT_PARAM_CHARS; never shorter than one
    of its §9 trigger values (Direct Debit Payment's are 20-digit MSISDNs)."""
    lengths = [int(high or low) for low, high in _QUANTIFIER.findall(param.regex or "")]
    lengths += [len(v) for v in param.possible_values]
    lengths += [len(v) for v in api.triggers_for(param.name)]
    return max(lengths) if lengths else DEFAULT_PARAM_CHARS


def bounded_request(api: Api, params: dict[str, str]) -> dict[str, str]:
    """`params` (every key the client sent, as sent) bounded for storage and display.

    A value longer than its cap is cut to the cap: the log still shows what the call
    looked like, and the answer (stored separately) says why it was refused.
    """
    kept: dict[str, str] = {}
    unknown = 0
    for key, value in params.items():
        param = api.param(key)
        if param is not None:
            kept[key] = value[: documented_length(api, param)]
        elif unknown < MAX_UNKNOWN_KEYS:
            unknown += 1
            kept[key[:MAX_UNKNOWN_CHARS]] = value[:MAX_UNKNOWN_CHARS]
    return kept


# Request headers: every header but credentials, bounded like the body above.
MAX_HEADERS = 30
MAX_HEADER_NAME_CHARS = 64
MAX_HEADER_VALUE_CHARS = 256
# Of the bearer, only this many last characters are kept: enough to tell two bearers
# apart in the log, far too few to be one (a bearer is ~344 characters of base64).
BEARER_TAIL = 6
# Kept by name only, never by value: anything that looks like a credential (Cookie is
# dropped altogether: the gateway uses no cookies, and a browser console call sends the
# portal's session cookie).
WITHHELD = "(not kept)"
_CREDENTIAL_NAME = re.compile(
    r"cookie|auth|token|secret|password|passwd|key|session|signature", re.I
)


def masked_authorization(value: str) -> str:
    """`Bearer …` and the last BEARER_TAIL characters of the bearer; nothing of a value
    too short for its tail to be a small part of it."""
    scheme, _, credential = value.strip().partition(" ")
    credential = credential.strip()
    tail = credential[-BEARER_TAIL:] if len(credential) >= 4 * BEARER_TAIL else ""
    return f"{scheme[:20]} …{tail}"


def bounded_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The request's headers (Django's `request.headers`) for the call log: in the order
    received, at most MAX_HEADERS, names and values capped; Authorization reduced to
    `Bearer …` and its last characters; Cookie dropped; any other credential-like
    header, or one repeating the bearer, kept by name only."""
    authorization = headers.get("Authorization") or ""
    bearer = authorization.strip().partition(" ")[2].strip()
    kept: dict[str, str] = {}
    for name, value in headers.items():
        if len(kept) >= MAX_HEADERS:
            break
        lowered = name.lower()
        if lowered == "cookie":
            continue
        name = name[:MAX_HEADER_NAME_CHARS]
        if lowered == "authorization":
            kept[name] = masked_authorization(value)
        elif _CREDENTIAL_NAME.search(name) or (len(bearer) >= 4 * BEARER_TAIL and bearer in value):
            kept[name] = WITHHELD
        else:
            kept[name] = value[:MAX_HEADER_VALUE_CHARS]
    return kept
