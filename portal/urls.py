from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("docs/", include("apis.urls")),
    # The Callbacks page stays under /sandbox/ (its URL before it became an app).
    path("sandbox/callbacks/", include("callbacks.urls")),
    path("sandbox/", include("sandbox.urls")),
    path("reports/", include("reports.urls")),
    path("golive/", include("golive.urls")),
]
