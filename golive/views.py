"""The developer's side of Go Live: the status page, the request (confirm and send),
a request's detail, withdrawal, and the Go Live section of My Profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from golive import evidence, services
from golive.forms import SubmitForm
from golive.models import GoLiveRequest
from golive.tracker import golive_context, tracker_steps


def get_golive_request_for_user(user, public_id) -> GoLiveRequest:
    """The developer's own request, 404 for anyone else's."""
    return get_object_or_404(GoLiveRequest, public_id=public_id, user=user)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def profile_panel(request: HttpRequest) -> str:
    """The Go Live section of My Profile (shown by dashboard.views)."""
    if not request.user.is_authenticated:
        return ""
    context = golive_context(request.user)
    return render_to_string("golive/_profile_panel.html", context, request=request)


@login_required
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    context = golive_context(request.user)
    context["history"] = GoLiveRequest.objects.for_user(request.user).order_by("-submitted_at")
    return render(request, "golive/status.html", context)


def _submit(request: AuthenticatedHttpRequest) -> HttpResponse | None:
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The confirmation form was incomplete: review and confirm again.")
        return None
    try:
        services.submit_request(
            request.user, report_public_id=form.cleaned_data["report"], base_url=_base_url(request)
        )
    except services.GoLiveError as error:
        messages.error(request, str(error))
        return None
    messages.success(request, "Your Go Live request was sent to M-Pesa for review.")
    return redirect("golive:status")


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the confirmation page, showing exactly what will be sent. POST: send it."""
    if request.method == "POST" and (response := _submit(request)):
        return response
    readiness = evidence.check_readiness(request.user)
    blocking = (*GoLiveRequest.OPEN_STATUSES, GoLiveRequest.Status.APPROVED)
    waiting_or_live = GoLiveRequest.objects.for_user(request.user).filter(status__in=blocking)
    # (is_ready implies a report: the last test only tells the type checker.)
    if waiting_or_live.exists() or not readiness.is_ready or readiness.report is None:
        # The status page says why (waiting, already live, or what is missing).
        return redirect("golive:status")
    context = {
        "snapshot": evidence.build_snapshot(request.user, readiness.report),
        "form": SubmitForm(initial={"report": readiness.report.public_id}),
    }
    return render(request, "golive/request_confirm.html", context)


@login_required
@require_GET
def request_detail(request: HttpRequest, public_id) -> HttpResponse:
    golive_request = get_golive_request_for_user(request.user, public_id)
    context = {
        "golive_request": golive_request,
        "snapshot": golive_request.snapshot,
        "steps": tracker_steps(golive_request),
    }
    return render(request, "golive/request_detail.html", context)


@login_required
@require_POST
def request_withdraw(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    golive_request = get_golive_request_for_user(request.user, public_id)
    try:
        services.withdraw_request(golive_request, by=request.user, base_url=_base_url(request))
    except services.GoLiveError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your Go Live request was withdrawn. You can send a new one.")
    return redirect("golive:status")
