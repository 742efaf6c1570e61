"""The floor's one endpoint: parse the JSON body, commit both rows in one transaction."""

from __future__ import annotations

import json
import time
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from floor.ledger.models import CallLog, Payment

KEY_ID = USER_ID = 1


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def floor(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    body = json.loads(request.body, parse_float=str, parse_int=str)
    tpcid = body["input_ThirdPartyConversationID"]
    with transaction.atomic():
        payment = Payment.objects.create(
            api_key_id=KEY_ID,
            user_id=USER_ID,
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
            "output_TransactionID": payment.transaction_id,
            "output_ConversationID": payment.conversation_id,
            "output_ThirdPartyConversationID": tpcid,
        }
        CallLog.objects.create(
            api_key_id=KEY_ID,
            user_id=USER_ID,
            operation="c2bPayment",
            market="vodafoneGHA",
            method=request.method or "POST",
            path=request.path,
            request_body=body,
            response_body=answer,
            result_code="INS-0",
            result_desc=answer["output_ResponseDesc"],
            http_status=201,
            latency_ms=(time.perf_counter() - started) * 1000,
            is_success=True,
            amount=payment.amount,
            msisdn=payment.msisdn,
            transaction_id=payment.transaction_id,
            conversation_id=payment.conversation_id,
            third_party_conversation_id=tpcid,
            created_at=timezone.now(),
        )
    return HttpResponse(json.dumps(answer), status=201, content_type="application/json")
