"""The Callbacks page: mounted under /sandbox/callbacks/ (portal/urls.py), the paths it
had when it was part of the sandbox app."""

from django.urls import path

from callbacks import views

app_name = "callbacks"

urlpatterns = [
    path("", views.callbacks_list, name="delivery-list"),
    path(
        "signing-secret/rotate/",
        views.signing_secret_rotate,
        name="signing-secret-rotate",
    ),
    path("test/", views.send_test, name="send-test"),
    path("faults/<int:application_pk>/", views.fault_settings, name="fault-settings"),
    path("<uuid:public_id>/", views.callback_detail, name="delivery-detail"),
    path("<uuid:public_id>/redeliver/", views.callback_redeliver, name="delivery-redeliver"),
]
