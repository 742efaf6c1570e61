from django.urls import path

from golive import views

app_name = "golive"

urlpatterns = [
    path("", views.status, name="status"),
    path("request/", views.request_create, name="request-create"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request-detail"),
    path("requests/<uuid:public_id>/withdraw/", views.request_withdraw, name="request-withdraw"),
]
