"""The Applications pages: the developer's applications, a new one, and each one's
settings and API key (reveal by POST, renew with an overlap). My Profile keeps acting
on the Default application (accounts.views, dashboard.views)."""

from __future__ import annotations

import copy
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import keys, services
from accounts.application_forms import (
    ApplicationCreateForm,
    ApplicationSettingsForm,
    KeyRenewForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.models import ApiKey, Application, Environment, User

# Session value: the public_id of the application whose key the next rendering of its
# settings page shows in plaintext (once; set by Reveal and by Renew).
REVEAL_APPLICATION_KEY_FLAG = "accounts.reveal_application_key"
LOCKED_MESSAGE = gettext_lazy("Locked after Go Live approval: changes go through a new review.")


def get_application_for_user(user: User, public_id) -> Application:
    """The user's application with this public_id; 404 for anyone else's."""
    application = Application.objects.filter(user=user, public_id=public_id).first()
    if application is None:
        raise Http404(_("No such application."))
    return application


def _settings_url(application: Application, anchor: str = "") -> str:
    url = reverse("applications:settings", args=[application.public_id])
    return f"{url}#{anchor}" if anchor else url


def _display_timezone(user: User) -> str:
    """The developer's time zone for dates on the page; UTC if theirs is unknown."""
    return user.timezone if user.timezone in zoneinfo.available_timezones() else "UTC"


@login_required
@require_GET
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    applications = list(
        Application.objects.filter(user=request.user).order_by("-is_default", "created_at")
    )
    current = {
        key.application_id: key
        for key in ApiKey.objects.filter(
            user=request.user, environment=Environment.SANDBOX
        ).active()
    }
    rows = [(application, current.get(application.pk)) for application in applications]
    context = {
        "rows": rows,
        "at_cap": len(applications) >= Application.MAX_PER_USER,
        "max_applications": Application.MAX_PER_USER,
    }
    return render(request, "accounts/application_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApplicationCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            application, _key = services.create_application(request.user, **form.cleaned_data)
        except services.ApplicationLimitReached as error:
            form.add_error(None, str(error))
        else:
            request.session[REVEAL_APPLICATION_KEY_FLAG] = str(application.public_id)
            messages.success(
                request,
                _("“%(name)s” was created with its own API key.") % {"name": application.name},
            )
            return redirect(_settings_url(application))
    context = {"form": form, "max_applications": Application.MAX_PER_USER}
    return render(request, "accounts/application_create.html", context)


def _render_settings(
    request: AuthenticatedHttpRequest,
    application: Application,
    form: ApplicationSettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    reveal = request.session.get(REVEAL_APPLICATION_KEY_FLAG) == str(application.public_id)
    if reveal:
        del request.session[REVEAL_APPLICATION_KEY_FLAG]
    api_key = keys.active_api_key(user, application=application)
    context = {
        "application": application,
        # A copy: an invalid form writes its values onto its instance, the page's
        # heading must keep showing what is saved.
        "form": form or ApplicationSettingsForm(instance=copy.copy(application), user=user),
        "api_key": api_key,
        "api_key_plaintext": api_key.plaintext if (api_key and reveal) else None,
        "key_history": application.api_keys.filter(environment=Environment.SANDBOX).order_by(
            "-created_at"
        ),
        "now": timezone.now(),
        "display_timezone": _display_timezone(user),
        "locked_message": LOCKED_MESSAGE,
    }
    response = render(request, "accounts/application_settings.html", context, status=status)
    if reveal:
        response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def application_settings(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    application = get_application_for_user(request.user, public_id)
    if request.method == "GET":
        return _render_settings(request, application)
    if application.is_locked:
        messages.error(request, LOCKED_MESSAGE)
        return _render_settings(request, application, status=403)
    form = ApplicationSettingsForm(request.POST, instance=copy.copy(application), user=request.user)
    if not form.is_valid():
        return _render_settings(request, application, form)
    try:
        services.update_application(application, changes=form.changes())
    except services.ApplicationLocked as error:
        messages.error(request, str(error))
        return _render_settings(request, application, status=403)
    messages.success(request, _("The application's settings were saved."))
    return redirect(_settings_url(application))


@never_cache
@login_required
@require_POST
def application_key_reveal(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    application = get_application_for_user(request.user, public_id)
    api_key = keys.active_api_key(request.user, application=application)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"api_key": api_key.plaintext if api_key else None})
    request.session[REVEAL_APPLICATION_KEY_FLAG] = str(application.public_id)
    return redirect(_settings_url(application, "api-key"))


@login_required
@require_http_methods(["GET", "POST"])
def application_key_renew(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    application = get_application_for_user(request.user, public_id)
    previous = keys.active_api_key(request.user, application=application)
    form = KeyRenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        overlap = form.cleaned_data["overlap"]
        services.renew_api_key(request.user, application=application, overlap=overlap)
        request.session[REVEAL_APPLICATION_KEY_FLAG] = str(application.public_id)
        if previous and overlap:
            until = timezone.localtime(
                timezone.now() + overlap, zoneinfo.ZoneInfo(_display_timezone(request.user))
            )
            messages.success(
                request,
                _(
                    "Your API key was renewed. The previous key …%(last4)s keeps working "
                    "until %(until)s (%(zone)s)."
                )
                % {
                    "last4": previous.last4,
                    "until": f"{until:%Y-%m-%d %H:%M}",
                    "zone": until.tzname(),
                },
            )
        elif previous:
            messages.success(
                request,
                _("Your API key was renewed. The previous key …%(last4)s no longer works.")
                % {"last4": previous.last4},
            )
        return redirect(_settings_url(application, "api-key"))
    context = {"application": application, "api_key": previous, "form": form}
    return render(request, "accounts/application_key_renew.html", context)
