"""Generate SessionKey (reference §3.3, §5.1)."""

from django.utils.translation import gettext_noop

from catalog.common import RESPONSE_CODE, RESPONSE_DESC, codes
from catalog.markets import ALL_MARKETS
from catalog.types import Api, ResponseField

GET_SESSION = Api(
    slug="getSession",
    name="Generate SessionKey",
    summary=gettext_noop("Exchange the encrypted API key for a session id."),
    description=(
        gettext_noop(
            "Send the API key encrypted with the gateway's public key as the bearer; the "
            "answer carries a session id. Later calls may use the session id, encrypted the "
            "same way, as their bearer. The session lives for the session lifetime set on "
            "the key's application (3600 seconds unless changed) and becomes valid after the "
            "configured activation delay (0 seconds in this sandbox unless the operator set "
            "one). In strict mode every other call must use the session, only in the market "
            "that issued it, and getSession refuses a session bearer (INS-989)."
        )
    ),
    method="GET",
    path="getSession/",
    markets=ALL_MARKETS,
    params=(),
    response_fields=(
        RESPONSE_CODE,
        RESPONSE_DESC,
        ResponseField(
            "output_SessionID",
            gettext_noop(
                "The session id (32 hex characters) to encrypt as the bearer of later calls."
            ),
            "e14b7829a4ee44b4826a9ca12b773e92",
            on_success_only=True,
        ),
    ),
    result_codes=codes(200, (400, "INS-989")),
    success_status=200,
    supports_async=False,
    notes=(
        gettext_noop(
            "Unknown query parameters are ignored (some client libraries send stray ones)."
        ),
    ),
)
