from django.urls import path

from dashboard import views

app_name = "dashboard"

# My Profile's tabs (dashboard/profile_tabs.py) and its forms. Its credential and phone
# pages (profile/api-key/..., profile/phone/...) belong to accounts and are routed by
# accounts.urls under the same prefix.
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("profile/account/", views.profile_account, name="profile-account"),
    path("profile/security/", views.profile_security, name="profile-security"),
    path("profile/integration/", views.profile_integration, name="profile-integration"),
    path("profile/details/", views.details_update, name="details-update"),
    path("profile/username/", views.username_update, name="username-update"),
    path("profile/time-zone/", views.time_zone_update, name="time-zone-update"),
    path("profile/language/", views.language_update, name="language-update"),
    path("profile/async-response-url/", views.async_url_update, name="async-url-update"),
    path("profile/alerts/<uuid:public_id>/", views.alerts_update, name="alerts-update"),
    path("requests/", views.request_log, name="request-log"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request-detail"),
]
