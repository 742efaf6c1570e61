"""One module per API group; `ENTRIES` lists every API in documentation order."""

import dataclasses

from catalog.common import ACCESS_CODES, SOURCE_NOT_TRUSTED
from catalog.entries.beneficiary import QUERY_BENEFICIARY_NAME
from catalog.entries.direct_debit import (
    DIRECT_DEBIT_CANCEL,
    DIRECT_DEBIT_CREATION,
    DIRECT_DEBIT_PAYMENT,
    QUERY_DIRECT_DEBIT,
)
from catalog.entries.payments import B2B_PAYMENT, B2C_PAYMENT, C2B_PAYMENT
from catalog.entries.session import GET_SESSION
from catalog.entries.transactions import QUERY_TRANSACTION_STATUS, REVERSAL
from catalog.entries.two_stage import C2B_MULTI_STAGE, UPDATE_TRANSACTION_STATUS

_AS_WRITTEN = (
    GET_SESSION,
    C2B_PAYMENT,
    REVERSAL,
    QUERY_TRANSACTION_STATUS,
    B2C_PAYMENT,
    B2B_PAYMENT,
    DIRECT_DEBIT_CREATION,
    DIRECT_DEBIT_PAYMENT,
    QUERY_DIRECT_DEBIT,
    DIRECT_DEBIT_CANCEL,
    QUERY_BENEFICIARY_NAME,
    C2B_MULTI_STAGE,
    UPDATE_TRANSACTION_STATUS,
)


def _with_access_codes(api):
    """The API with the refusals an application's settings produce (catalog.common):
    every API may be refused for its source (403 INS-999); every API but getSession
    may be refused for its kind of bearer in strict mode (401 INS-2), getSession answering
    its own documented INS-989 instead."""
    extra = (SOURCE_NOT_TRUSTED,) if api.slug == "getSession" else ACCESS_CODES
    listed = {r.code for r in api.result_codes}
    missing = tuple(r for r in extra if r.code not in listed)
    return dataclasses.replace(api, result_codes=(*api.result_codes, *missing))


ENTRIES = tuple(_with_access_codes(api) for api in _AS_WRITTEN)
