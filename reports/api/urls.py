"""Partner API under /reports/api/: v1 endpoints and their OpenAPI schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from reports.api import views

v1 = [
    path("keys/", views.KeyListView.as_view(), name="api-keys"),
    path("calls/", views.CallListView.as_view(), name="api-calls"),
    path("summary/", views.SummaryView.as_view(), name="api-summary"),
]

urlpatterns = [
    path("v1/", include(v1)),
    # The schema of these endpoints only (the gateway publishes its own document).
    path(
        "schema/",
        SpectacularAPIView.as_view(
            patterns=[path("reports/api/v1/", include(v1))],
            custom_settings={
                "TITLE": "M-Pesa Developer Portal: reports partner API",
                "DESCRIPTION": (
                    "Pull the calls and summaries of your API keys. Authenticate with the "
                    "gateway bearer you already use for the sandbox."
                ),
            },
        ),
        name="api-schema",
    ),
]
