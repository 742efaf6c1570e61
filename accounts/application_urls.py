from django.urls import path

from accounts import application_views as views

app_name = "applications"

# Under applications/ (portal.urls): the developer's applications and each one's
# settings and API key. My Profile's own key pages stay in accounts.urls (Default).
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create, name="create"),
    path("<uuid:public_id>/", views.application_settings, name="settings"),
    path("<uuid:public_id>/key/reveal/", views.application_key_reveal, name="key-reveal"),
    path("<uuid:public_id>/key/renew/", views.application_key_renew, name="key-renew"),
]
