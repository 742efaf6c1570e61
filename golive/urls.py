from django.urls import path

from golive import views

app_name = "golive"

urlpatterns = [
    path("", views.status, name="status"),
    path("request/", views.request_create, name="request-create"),
    path("request/fresh-report/", views.request_fresh_report, name="request-fresh-report"),
    path(
        "applications/<uuid:public_id>/receiver-check/",
        views.receiver_check,
        name="receiver-check",
    ),
    path("requests/<uuid:public_id>/", views.request_detail, name="request-detail"),
    path("requests/<uuid:public_id>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("requests/<uuid:public_id>/comment/", views.request_comment, name="request-comment"),
    path(
        "requests/<uuid:public_id>/documents/<slug:kind>/",
        views.document,
        name="request-document",
    ),
    # Live credentials of an approved application.
    path("live/<uuid:public_id>/key/reveal/", views.live_key_reveal, name="live-key-reveal"),
    path("live/<uuid:public_id>/key/renew/", views.live_key_renew, name="live-key-renew"),
    path("live/public-key.pem", views.live_public_key_pem, name="live-public-key-pem"),
]
