from django.conf import settings
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

if settings.SANDBOX_BENCH_FLOOR:  # bench/gateway.py's baseline, never in production
    from sandbox import bench_views

    urlpatterns.append(path("bench/floor/", bench_views.floor, name="bench-floor"))

# Asynchronous mode, the developer's side (issue 6): sandbox/callback_views.py.
from sandbox import callback_views  # noqa: E402

urlpatterns += [
    path("callbacks/", callback_views.callbacks_list, name="callbacks"),
    path(
        "callbacks/signing-secret/rotate/",
        callback_views.signing_secret_rotate,
        name="callback-secret-rotate",
    ),
    path("callbacks/<uuid:public_id>/", callback_views.callback_detail, name="callback-detail"),
    path(
        "callbacks/<uuid:public_id>/redeliver/",
        callback_views.callback_redeliver,
        name="callback-redeliver",
    ),
]
