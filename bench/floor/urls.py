from django.urls import path

from floor.ledger import views

urlpatterns = [
    path("healthz", views.healthz),
    path("floor/", views.floor),
]
