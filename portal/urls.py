from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("dashboard.urls")),
    path("", include("ops.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("applications/", include("accounts.application_urls")),
    path("docs/", include("apis.urls")),
    # The Callbacks page stays under /sandbox/ (its URL before it became an app).
    path("sandbox/callbacks/", include("callbacks.urls")),
    path("sandbox/", include("sandbox.urls")),
    path("reports/", include("reports.urls")),
    path("golive/", include("golive.urls")),
]
