from django.contrib import admin
from django.urls import include, path

from portal import views, wellknown

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/security.txt", wellknown.security_txt, name="security-txt"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("docs/", include("apis.urls")),
    path("sandbox/", include("sandbox.urls")),
    path("reports/", include("reports.urls")),
    path("golive/", include("golive.urls")),
]
