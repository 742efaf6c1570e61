"""The benchmark's floor (bench/gateway.py): only routed when SANDBOX_BENCH_FLOOR is set.

It does what every C2B call must do at the least: parse the JSON body and write the
same rows as a real call (the transaction and its call-log entry) in one database
transaction. The gateway's throughput is reported as a fraction of this one's.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from functools import cache

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiKey
from sandbox.envelope import json_response
from sandbox.models import ApiCall, Transaction


@cache
def _bench_key() -> ApiKey:
    key = ApiKey.objects.select_related("user").active().order_by("pk").first()
    if key is None:  # not cached: functools.cache keeps no exception
        raise RuntimeError("The bench needs an active API key: create a developer first.")
    return key


@csrf_exempt
def floor(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    body = json.loads(request.body, parse_float=str, parse_int=str)
    key = _bench_key()
    tpcid = body["input_ThirdPartyConversationID"]
    with transaction.atomic():
        tx = Transaction.objects.create(
            api_key=key,
            user=key.user,
            operation="c2bPayment",
            market="vodafoneGHA",
            third_party_conversation_id=tpcid,
            dedupe_key=f"{tpcid}|{body['input_TransactionReference']}",
            amount=Decimal(body["input_Amount"]),
            currency=body["input_Currency"],
            msisdn=body["input_CustomerMSISDN"],
        )
        answer = {
            "output_ResponseCode": "INS-0",
            "output_ResponseDesc": "Request processed successfully",
            "output_TransactionID": tx.transaction_id,
            "output_ConversationID": tx.conversation_id,
            "output_ThirdPartyConversationID": tpcid,
            **body,
        }
        ApiCall.build(
            api_key=key,
            operation="c2bPayment",
            market="vodafoneGHA",
            method=request.method or "POST",
            path=request.path,
            request_body=body,
            response_body=answer,
            http_status=201,
            latency_ms=(time.perf_counter() - started) * 1000,
            amount=tx.amount,
            msisdn=tx.msisdn,
            third_party_conversation_id=tpcid,
        ).save(force_insert=True)
    return json_response(answer, 201)
