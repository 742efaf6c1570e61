from django.urls import path

from ops import metrics, views, wellknown

app_name = "ops"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("status/", views.status, name="status"),
    path(".well-known/security.txt", wellknown.security_txt, name="security-txt"),
]
