from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from portal import jsi18n
from sandbox import listen

urlpatterns = [
    path("", include("dashboard.urls")),
    path("", include("ops.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # The language switcher (Django's set_language; a signed-in developer's choice is
    # also stored on the profile).
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    # The scripts' translations, one cacheable file per language (portal/jsi18n.py).
    path(
        "i18n/js/<str:language>/<slug:version>.js",
        jsi18n.javascript_catalog,
        name="js-catalog",
    ),
    path("profile/", include("accounts.urls")),
    path("applications/", include("accounts.application_urls")),
    path("docs/", include("apis.urls")),
    # The Callbacks page stays under /sandbox/ (its URL before it became an app).
    # `mpesa_portal_sdk listen` (gateway bearer; sandbox/listen.py), before the page.
    path("sandbox/callbacks/listen/next", listen.listen_next, name="callbacks-listen-next"),
    path(
        "sandbox/callbacks/listen/<uuid:public_id>/result",
        listen.listen_result,
        name="callbacks-listen-result",
    ),
    path(
        "sandbox/callbacks/listen/disconnect",
        listen.listen_disconnect,
        name="callbacks-listen-disconnect",
    ),
    path("sandbox/callbacks/", include("callbacks.urls")),
    path("sandbox/", include("sandbox.urls")),
    path("reports/", include("reports.urls")),
    path("golive/", include("golive.urls")),
]
