"""My Profile's tabs: each a page of its own (dashboard.urls), with its sections and the
context only those sections need.

- API keys (`/profile/`, where sign-in lands): the API key, the public key, key history;
- Account: personal details, username, email, password, phone number, time zone,
  language;
- Security: two-factor authentication, security events. While the developer has no second
  factor its link in the tab bar carries a warning badge, so that the nudge is seen from
  every tab (sign-in lands on the first);
- Integration: the Asynchronous Response URL, the Callbacks section, alerts, Go Live.

The Callbacks and Go Live sections are rendered by their apps (`profile_panel`) and only
on the Integration tab. Each tab lists the ids of its sections: the tab bar carries them,
so that an old link to the single page (`/profile/#two-factor`) finds its tab
(static/js/profile-tabs.js).
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts import keys, phone
from accounts.forms import (
    AsyncResponseUrlForm,
    LanguageForm,
    PersonalDetailsForm,
    TimeZoneForm,
    UsernameForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.templatetags.second_factors import second_factors
from callbacks import views as callback_views
from dashboard.forms import AlertSettingsForm
from golive import views as golive_views


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: str | Promise
    template: str
    # The ids of the sections it shows, in page order.
    sections: tuple[str, ...]


KEYS = Tab(
    "dashboard:profile", _("API keys"), "dashboard/profile_keys.html", ("api-key", "key-history")
)
ACCOUNT = Tab(
    "dashboard:profile-account",
    _("Account"),
    "dashboard/profile_account.html",
    ("details", "account", "time-zone", "language"),
)
SECURITY = Tab(
    "dashboard:profile-security",
    _("Security"),
    "dashboard/profile_security.html",
    ("two-factor", "security"),
)
INTEGRATION = Tab(
    "dashboard:profile-integration",
    _("Integration"),
    "dashboard/profile_integration.html",
    ("async", "callbacks", "alerts", "golive"),
)
TABS = (KEYS, ACCOUNT, SECURITY, INTEGRATION)
TWO_FACTOR_OFF = _("two-factor authentication is off")


def render_tab(request: HttpRequest, tab: Tab, context: dict) -> HttpResponse:
    """The tab's page, with the tab bar marking it as the current one."""
    two_factor_off = not second_factors(request.user)
    bar = [
        {
            "label": t.label,
            "url": reverse(t.url_name),
            "sections": t.sections,
            "current": t == tab,
            # Said after the label by screen readers, shown as a "!" badge.
            "warning": TWO_FACTOR_OFF if t == SECURITY and two_factor_off else "",
        }
        for t in TABS
    ]
    return render(request, tab.template, {**context, "tab": tab, "tabs": bar})


def keys_context(user: User, *, reveal: bool) -> dict:
    api_key = keys.active_api_key(user)
    application = keys.default_application(user)
    return {
        "api_key": api_key,
        "api_key_plaintext": api_key.plaintext if (api_key and reveal) else None,
        "keypair": keys.current_keypair(),
        # The Default application's keys: the others are on their own settings pages.
        "key_history": application.api_keys.order_by("-created_at"),
    }


def account_context(
    user: User,
    *,
    details_form: PersonalDetailsForm | None = None,
    username_form: UsernameForm | None = None,
    time_zone_form: TimeZoneForm | None = None,
    language_form: LanguageForm | None = None,
) -> dict:
    return {
        "details_form": details_form or PersonalDetailsForm(instance=user),
        "username_form": username_form or UsernameForm(user=user),
        "time_zone_form": time_zone_form or TimeZoneForm(instance=user),
        "language_form": language_form or LanguageForm(user=user),
        "pending_email": EmailAddress.objects.filter(user=user, verified=False).first(),
        "pending_phone": phone.pending_verification(user),
    }


def security_context(user: User) -> dict:
    return {"security_events": user.security_events.order_by("-created_at")[:20]}


def integration_context(
    request: AuthenticatedHttpRequest,
    *,
    async_form: AsyncResponseUrlForm | None = None,
    alert_forms: list[AlertSettingsForm] | None = None,
) -> dict:
    application = keys.default_application(request.user)
    return {
        "default_application": application,
        "async_form": async_form or AsyncResponseUrlForm(instance=application),
        "alert_forms": alert_forms or alert_forms_of(request.user),
        # Each section renders its own template, which escapes what it shows.
        "callbacks_section": _safe(callback_views.profile_panel(request)),
        "golive_section": _safe(golive_views.profile_panel(request)),
    }


def alert_forms_of(user: User, bound: AlertSettingsForm | None = None) -> list[AlertSettingsForm]:
    """One form per application, Default first; `bound` (a refused one) in its place."""
    applications = user.applications.order_by("-is_default", "created_at")
    return [
        bound
        if bound is not None and bound.instance.pk == application.pk
        else AlertSettingsForm(instance=application, prefix=str(application.public_id))
        for application in applications
    ]


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 (the app's template escaped it)
