from django.urls import path, re_path

from sandbox import views

app_name = "sandbox"

urlpatterns: list = [
    path("openapi.json", views.openapi_json, name="openapi"),
    # <operation> keeps its slashes ("c2bPayment/singleStage/"); the catalogue resolves
    # it, tolerating a missing trailing slash (so APPEND_SLASH never redirects a POST).
    re_path(r"^ipg/v2/(?P<market>[^/]+)/(?P<operation>.*)$", views.gateway, name="gateway"),
    re_path(r"^ipg/", views.not_found, name="gateway-not-found"),
]
