"""The HTTP side of `python -m mpesa_portal_sdk listen` (docs/callbacks.md, "Forwarding
to localhost"): long-poll for the next callback of the bearer's application, and report
what the local URL answered. Authenticated with the gateway bearer (sandbox.auth);
the deliveries themselves are callbacks.listener's.

    GET  /sandbox/callbacks/listen/next?wait=25    200 {delivery} | 204 (nothing yet)
    POST /sandbox/callbacks/listen/<id>/result     200 {"status": ...} | 404 | 409
    POST /sandbox/callbacks/listen/disconnect      204
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from callbacks import listener
from callbacks.models import CallbackDelivery
from sandbox import auth

MAX_REPORT_BYTES = 64 * 1024


def _application(request: HttpRequest):
    """The application of the bearer's key, or None (one answer for every reason)."""
    try:
        credential = auth.authenticate(request.headers.get("Authorization"))
    except auth.BearerError:
        return None
    return credential.api_key.application


def _unauthorized() -> JsonResponse:
    return JsonResponse({"error": auth.BearerError.MESSAGE}, status=401)


@csrf_exempt
@require_GET
def listen_next(request: HttpRequest) -> HttpResponse:
    application = _application(request)
    if application is None:
        return _unauthorized()
    try:
        wait = float(request.GET.get("wait", settings.CALLBACK_LISTEN_MAX_WAIT_SECONDS))
    except ValueError:
        wait = settings.CALLBACK_LISTEN_MAX_WAIT_SECONDS
    wait = max(0.0, min(wait, settings.CALLBACK_LISTEN_MAX_WAIT_SECONDS))
    delivery = listener.wait_for_next(application, wait)
    if delivery is None:
        return HttpResponse(status=204)
    return JsonResponse(listener.message(delivery))


@csrf_exempt
@require_POST
def listen_result(request: HttpRequest, public_id) -> HttpResponse:
    application = _application(request)
    if application is None:
        return _unauthorized()
    if len(request.body) > MAX_REPORT_BYTES:
        return JsonResponse({"error": "Report too large."}, status=413)
    try:
        data = json.loads(request.body)
        status = data.get("status")
        status = int(status) if status is not None else None
        attempt = int(data["attempt"])
        duration_ms = float(data.get("duration_ms") or 0)
    except (ValueError, TypeError, KeyError, AttributeError):
        return JsonResponse(
            {"error": "Send JSON: attempt, status, body, duration_ms, error, url."}, status=400
        )
    try:
        outcome = listener.report(
            application,
            public_id,
            attempt=attempt,
            status=status,
            body=str(data.get("body") or ""),
            duration_ms=duration_ms,
            error=str(data.get("error") or "")[:500],
            url=str(data.get("url") or ""),
        )
    except listener.ListenerReportRefused as exc:
        known = CallbackDelivery.objects.filter(application=application, public_id=public_id)
        return JsonResponse({"error": str(exc)}, status=409 if known.exists() else 404)
    return JsonResponse({"status": outcome})


@csrf_exempt
@require_POST
def listen_disconnect(request: HttpRequest) -> HttpResponse:
    application = _application(request)
    if application is None:
        return _unauthorized()
    listener.disconnect(application)
    return HttpResponse(status=204)
