from django.urls import include, path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("generate/", views.generate, name="report-generate"),
    path("<uuid:public_id>/", views.detail, name="report-detail"),
    path("<uuid:public_id>/calls.csv", views.export_csv, name="report-csv"),
    path("api/", include("reports.api.urls")),
]
