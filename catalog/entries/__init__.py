"""One module per API group; `ENTRIES` lists every API in documentation order."""

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

ENTRIES = (
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
