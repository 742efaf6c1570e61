from django.urls import path

from accounts import views

app_name = "accounts"

# Under profile/, beside My Profile itself and its forms (dashboard.urls).

urlpatterns = [
    path("api-key/reveal/", views.api_key_reveal, name="api-key-reveal"),
    path("api-key/renew/", views.api_key_renew, name="api-key-renew"),
    path("public-key.pem", views.public_key_pem, name="public-key-pem"),
    # Every page of the phone step lives under phone/ (PhoneStepMiddleware leaves it open).
    path("phone/", views.phone_add, name="phone-add"),
    path("phone/confirm/", views.phone_confirm, name="phone-confirm"),
    path("phone/resend/", views.phone_resend, name="phone-resend"),
    path("time-zone/browser/", views.time_zone_browser, name="time-zone-browser"),
]
