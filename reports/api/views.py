"""Partner REST API: the calls and the summary of one key, as JSON or CSV.

The same selection as the Reports page (key, days in the developer's timezone, API,
outcome, result code); a key that is not the caller's is a 404, exactly like a key that
does not exist.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from accounts.models import ApiKey, Application
from reports import columns, csvexport, queries, services
from reports.api.authentication import GatewayBearerAuthentication
from reports.api.serializers import (
    ApiKeySerializer,
    CallSerializer,
    ErrorSerializer,
    SelectionQuerySerializer,
    SummarySerializer,
)
from reports.api.throttling import PartnerKeyThrottle


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` or `Accept: text/csv` choose CSV; the views stream it."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("CSV responses are streamed by the view")


def error_handler(exc, context):
    """Every error as {"error": {"status", "code", "message", "fields"?}}."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("No such API key among yours."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    body: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        body |= {"code": "invalid", "message": _("Some parameters are not valid.")}
        body["fields"] = response.data if isinstance(response.data, dict) else {}
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body["code"] = codes if isinstance(codes, str) else "error"
        body["message"] = str(getattr(exc, "detail", exc))
    response.data = {"error": body}
    return response


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid parameters."),
    401: OpenApiResponse(ErrorSerializer, description="Missing, invalid or retired bearer."),
    404: OpenApiResponse(ErrorSerializer, description="No such key or application among yours."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests for this key."),
}


class PartnerView(APIView):
    authentication_classes = [GatewayBearerAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [PartnerKeyThrottle]
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self):
        return error_handler

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON even when CSV was asked for: one error shape everywhere.
        if isinstance(response, Response) and response.exception:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def selection(self, request) -> queries.Selection:
        tz = queries.zone(request.user.timezone)
        params = SelectionQuerySerializer(data=request.query_params, context={"tz": tz})
        params.is_valid(raise_exception=True)
        data = params.validated_data
        key = request.auth.api_key
        application = None
        if data.get("key"):
            key = get_object_or_404(ApiKey, user=request.user, public_id=data["key"])
        if data.get("application"):
            application = Application.objects.filter(
                user=request.user, public_id=data["application"]
            ).first()
            # The selection covers all of its keys; `key` only names it (the current one
            # first, as keys_of orders them).
            key = services.keys_of(request.user).filter(application=application).first()
            if application is None or key is None:
                raise exceptions.NotFound(_("No such application among yours."))
        return queries.Selection(
            api_key=key,
            date_from=data["date_from"],
            date_to=data["date_to"],
            tz=tz,
            operation=data.get("api", ""),
            outcome=data.get("outcome", ""),
            result_code=data.get("result_code", ""),
            application=application,
        )

    def wants_csv(self, request) -> bool:
        return getattr(request.accepted_renderer, "format", "") == "csv"


class KeyListView(PartnerView):
    """Your API keys, active and retired: pass a key's id as `key` to report on it."""

    @extend_schema(responses={200: ApiKeySerializer(many=True), 401: ERRORS[401]})
    def get(self, request):
        keys = services.keys_of(request.user)
        return Response(ApiKeySerializer(keys, many=True).data)


class CallPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class CallListView(PartnerView):
    """The calls of one key, newest first: JSON pages, or the whole selection as CSV."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = CallPagination

    @extend_schema(
        parameters=[SelectionQuerySerializer],
        responses={
            (200, "application/json"): CallSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            **ERRORS,
        },
    )
    def get(self, request):
        selection = self.selection(request)
        if self.wants_csv(request):
            return csvexport.csv_response(selection)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queries.table_rows(selection), request, view=self)
        assert page is not None, "CallPagination has a page_size, so it always paginates"
        calls = [columns.values(row) for row in page]
        return paginator.get_paginated_response(CallSerializer(calls, many=True).data)


PER_DAY_COLUMNS = (
    "date",
    "calls",
    "successes",
    "failures",
    "success_rate",
    "latency_avg_ms",
    "latency_max_ms",
)


class SummaryView(PartnerView):
    """Totals, success rate, latency p50/p95, per API, per result code and per day. As
    CSV: one line per day."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[SelectionQuerySerializer],
        responses={
            (200, "application/json"): SummarySerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            **ERRORS,
        },
    )
    def get(self, request):
        selection = self.selection(request)
        summary = queries.summarize(selection)
        if self.wants_csv(request):
            return _per_day_csv(summary["per_day"], selection)
        head = {
            "key": selection.api_key.public_id,
            "application": selection.application.public_id if selection.application else None,
            "date_from": selection.date_from,
            "date_to": selection.date_to,
            "filters": selection.filters(),
        }
        return Response(head | summary, status=status.HTTP_200_OK)


def _per_day_csv(days: list[dict], selection: queries.Selection):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PER_DAY_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(days)  # at most MAX_DAYS aggregated rows
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = csvexport.filename(selection).replace("calls-", "summary-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
