"""What the call log keeps of a request: the request as sent, bounded.

A client may send anything: one 250 KB call with 1,200 made-up `input_` keys was stored
as 520 KB and made the documentation page (which shows the last calls) 1.8 MB. The log
keeps the API's catalogue parameters, each capped at its documented length, and at most
`MAX_UNKNOWN_KEYS` other keys of at most `MAX_UNKNOWN_CHARS` characters (name and value
alike), in the order sent. Nothing here changes what the gateway validates or answers.
"""

from __future__ import annotations

import re

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
