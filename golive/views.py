"""The developer's side of Go Live: the status page (per application), the request
(confirm and send), a request's detail, withdrawal, the Go Live section of My Profile,
and the live credentials after approval (reveal and renew the live key, the live
public key as PEM)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.keys import active_api_key, current_keypair, default_application, public_key_pem
from accounts.models import Application, Environment
from golive import conformance, evidence, probe, services
from golive.documents import EXTENSION_TYPES
from golive.forms import (
    ApplicationPickForm,
    BusinessDetailsForm,
    CommentForm,
    LiveKeyRenewForm,
    SubmitForm,
)
from golive.models import GoLiveRequest
from golive.tracker import golive_context, live_keys, tracker_steps


def get_golive_request_for_user(user, public_id) -> GoLiveRequest:
    """The developer's own request, 404 for anyone else's."""
    return get_object_or_404(GoLiveRequest, public_id=public_id, user=user)


def get_application_for_user(user, public_id) -> Application:
    """The developer's own application, 404 for anyone else's."""
    return get_object_or_404(Application, public_id=public_id, user=user)


def get_live_application_for_user(user, public_id) -> Application:
    """The developer's own application once approved (it has live credentials), else 404."""
    application = get_application_for_user(user, public_id)
    if not services.live_application(user, application):
        raise Http404(_("This application is not live."))
    return application


def _chosen_application(
    request: AuthenticatedHttpRequest,
) -> tuple[ApplicationPickForm, Application]:
    """The application picked on the Go Live page (?application=), default: Default.
    Another developer's application, or no application at all, is a 404."""
    user = request.user
    if "application" in request.GET:
        form = ApplicationPickForm(request.GET, user=user)
        if not form.is_valid():
            raise Http404(_("No such application among yours."))
        return form, form.cleaned_data["application"]
    application = default_application(user)
    return ApplicationPickForm(initial={"application": application.public_id}, user=user), (
        application
    )


def _status_url(application: Application) -> str:
    return f"{reverse('golive:status')}?{urlencode({'application': application.public_id})}"


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
def status(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, application = _chosen_application(request)
    context = golive_context(request.user, application)
    context["pick_form"] = form
    context["history"] = (
        GoLiveRequest.objects.for_user(request.user)
        .select_related("application")
        .order_by("-submitted_at")
    )
    return render(request, "golive/status.html", context)


def _submit(
    request: AuthenticatedHttpRequest, business: BusinessDetailsForm
) -> HttpResponse | None:
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The confirmation form was incomplete: review and confirm again.")
        )
        return None
    if not business.is_valid():
        messages.error(
            request, _("Check the business details: each problem is shown by its field.")
        )
        return None
    chosen = form.cleaned_data.get("application")
    application = (
        get_application_for_user(request.user, chosen)
        if chosen
        else default_application(request.user)
    )
    try:
        services.submit_request(
            request.user,
            application=application,
            report_public_id=form.cleaned_data["report"],
            base_url=_base_url(request),
            business=business.details(),
            documents=business.documents(),
        )
    except services.GoLiveError as error:
        messages.error(request, str(error))
        return None
    messages.success(
        request,
        _("Your application %(name)s was sent to M-Pesa for review.") % {"name": application.name},
    )
    return redirect(_status_url(application))


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the confirmation page, showing exactly what will be sent, with the business
    details to fill in. POST: send it."""
    business = BusinessDetailsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and (response := _submit(request, business)):
        return response
    _form, application = _chosen_application(request)
    if request.method == "POST" and (chosen := request.POST.get("application")):
        application = get_application_for_user(request.user, chosen)
    readiness = _readiness(request, application)
    blocking = (*GoLiveRequest.OPEN_STATUSES, GoLiveRequest.Status.APPROVED)
    waiting_or_live = GoLiveRequest.objects.for_application(application).filter(status__in=blocking)
    # (is_ready implies a report: the last test only tells the type checker.)
    if waiting_or_live.exists() or not readiness.is_ready or readiness.report is None:
        # The status page says why (waiting, already live, or what is missing).
        return redirect(_status_url(application))
    if refusal := services.conformance_refusal(conformance.checklist(application)):
        if request.method == "GET":
            messages.error(request, refusal)
        return redirect(_status_url(application))
    report = readiness.report
    initial = {"report": report.public_id, "application": application.public_id}
    context = {
        "application": application,
        "report": report,
        "report_label": report_label(report),
        "report_choices": [
            (r.public_id, report_label(r))
            for r in evidence.reports_for(request.user, application)[:REPORT_CHOICES]
        ],
        "fresh_report_days": services.FRESH_REPORT_DAYS,
        "snapshot": evidence.build_snapshot(request.user, report),
        "form": SubmitForm(initial=initial),
        "business": business,
    }
    return render(request, "golive/request_confirm.html", context)


# The confirmation page's report select lists this many of the newest reports.
REPORT_CHOICES = 50


def report_label(report) -> str:
    """ "2026-03-01 to 2026-03-07 · key …a1b2 · 42 calls · generated 2026-03-07 10:15"
    (the generation time in the developer's zone, active for the request)."""
    calls = report.summary.get("calls", 0)
    generated = timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M")
    return _("%(start)s to %(end)s · key …%(last4)s · %(calls)s · generated %(when)s") % {
        "start": report.date_from.isoformat(),
        "end": report.date_to.isoformat(),
        "last4": report.api_key.last4,
        "calls": ngettext("%(n)d call", "%(n)d calls", calls) % {"n": calls},
        "when": generated,
    }


def _readiness(request: AuthenticatedHttpRequest, application: Application) -> evidence.Readiness:
    """Readiness with the report the developer chose (?report= on the page, the hidden
    field when a POST comes back), else with their latest report. A choice that is not
    theirs, or not ready, is said so and the latest report is shown instead."""
    wanted = request.GET.get("report") if request.method == "GET" else request.POST.get("report")
    if not wanted:
        return evidence.check_readiness(request.user, application)
    chosen = services.chosen_report(request.user, application, wanted)
    if chosen is None:
        if request.method == "GET":
            messages.error(request, services.NOT_YOUR_REPORT)
        return evidence.check_readiness(request.user, application)
    readiness = evidence.check_readiness(request.user, application, report=chosen)
    if readiness.is_ready:
        return readiness
    if request.method == "GET":
        messages.error(request, " ".join(readiness.missing))
    return evidence.check_readiness(request.user, application)


@login_required
@require_POST
def request_fresh_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Generate a fresh report" on the confirmation page: a new report over the
    application's keys for the default range, then the confirmation page with it."""
    chosen = request.POST.get("application")
    application = (
        get_application_for_user(request.user, chosen)
        if chosen
        else default_application(request.user)
    )
    try:
        report = services.generate_fresh_report(request.user, application)
    except services.GoLiveError as error:
        messages.error(request, str(error))
        return redirect(_status_url(application))
    query = urlencode({"application": application.public_id, "report": report.public_id})
    return redirect(f"{reverse('golive:request-create')}?{query}")


@login_required
@require_GET
def request_detail(request: HttpRequest, public_id) -> HttpResponse:
    golive_request = get_golive_request_for_user(request.user, public_id)
    context = {
        "golive_request": golive_request,
        "snapshot": golive_request.snapshot,
        "steps": tracker_steps(golive_request),
        "comments": golive_request.comments.select_related("request__user"),
        "comment_form": CommentForm(),
    }
    return render(request, "golive/request_detail.html", context)


@login_required
@require_POST
def request_comment(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """The developer's message in the request's thread (the reviewers are emailed)."""
    golive_request = get_golive_request_for_user(request.user, public_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(
            golive_request,
            by=request.user,
            body=form.cleaned_data["body"],
            base_url=_base_url(request),
        )
        messages.success(request, _("Your message was sent to the reviewer."))
    else:
        messages.error(request, _("Write a message first."))
    return redirect(reverse("golive:request-detail", args=[public_id]) + "#golive-thread")


@login_required
@require_POST
def request_withdraw(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    golive_request = get_golive_request_for_user(request.user, public_id)
    try:
        services.withdraw_request(golive_request, by=request.user, base_url=_base_url(request))
    except services.GoLiveError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your Go Live request was withdrawn. You can send a new one."))
    return redirect(_status_url(golive_request.application))


@login_required
@require_POST
def receiver_check(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """Run the receiver conformance probe against the application's Asynchronous
    Response URL now (golive.probe); the result shows on the Go Live page."""
    application = get_application_for_user(request.user, public_id)
    if not application.async_response_url:
        messages.error(request, _("This application is synchronous: it has no URL to check."))
        return redirect(_status_url(application))
    check = probe.run_probe(application)
    if check.passed:
        messages.success(request, _("Your receiver passed the check."))
    else:
        messages.error(request, probe_message(check))
    return redirect(_status_url(application))


def probe_message(check) -> str:
    return services.probe_refusal(check)


DOCUMENT_FIELDS = {
    "incorporation-certificate": "incorporation_certificate",
    "director-id": "director_id",
}


@login_required
@require_GET
def document(request: AuthenticatedHttpRequest, public_id, kind: str) -> FileResponse:
    """A request's document: to its developer and to Go Live reviewers only (404 for
    anyone else), always as a download that browsers do not sniff or render."""
    if kind not in DOCUMENT_FIELDS:
        raise Http404(_("No such document."))
    if services.can_review(request.user):
        golive_request = get_object_or_404(GoLiveRequest, public_id=public_id)
    else:
        golive_request = get_golive_request_for_user(request.user, public_id)
    field = getattr(golive_request, DOCUMENT_FIELDS[kind])
    if not field:
        raise Http404(_("This request has no such document."))
    extension = field.name.rsplit(".", 1)[-1]
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=f"{kind}-{golive_request.public_id}.{extension}",
        content_type=EXTENSION_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Live credentials, after approval -------------------------------------------------


@never_cache
@login_required
@require_POST
def live_key_reveal(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """The live key's plaintext, only ever in the answer to a POST (never in a GET page,
    which browsers cache and history replays), and never stored by caches."""
    application = get_live_application_for_user(request.user, public_id)
    context = {
        "application": application,
        "live_keys": live_keys(request.user, application),
        "live_base_url": settings.LIVE_BASE_URL,
    }
    return render(request, "golive/live_key_reveal.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def live_key_renew(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """GET: the confirmation step with the overlap choice. POST: renew."""
    application = get_live_application_for_user(request.user, public_id)
    form = LiveKeyRenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key, _plaintext = services.renew_live_key(
            application, by=request.user, overlap=form.overlap_delta()
        )
        messages.success(
            request,
            _(
                "Your live API key was renewed: the new key ends …%(last4)s. "
                "Press “Show live API key” to see it."
            )
            % {"last4": key.last4},
        )
        return redirect(_status_url(application))
    context = {
        "application": application,
        "form": form,
        "live_key": active_api_key(
            request.user, environment=Environment.LIVE, application=application
        ),
    }
    return render(request, "golive/live_key_renew.html", context)


@login_required
@require_GET
def live_public_key_pem(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The live environment's public key (its own keypair) as a PEM file, for developers
    with a live application."""
    approved = GoLiveRequest.objects.for_user(request.user).filter(
        status=GoLiveRequest.Status.APPROVED
    )
    if not approved.exists():
        raise Http404(_("You have no live application yet."))
    keypair = current_keypair(Environment.LIVE)
    response = HttpResponse(public_key_pem(keypair), content_type="application/x-pem-file")
    response["Content-Disposition"] = "attachment; filename=mpesa-live-public-key.pem"
    return response
