from django.urls import path

from apis import views

app_name = "apis"

urlpatterns = [
    path("", views.index, name="index"),
    path("getting-started/<slug:topic>/", views.guide, name="guide"),
    path("apis/<slug:slug>/", views.api_detail, name="api-detail"),
    path("console/bearer/", views.console_bearer, name="console-bearer"),
    path("reference/", views.reference, name="reference"),
    path("reference/openapi.json", views.openapi_json, name="openapi-json"),
    path("postman-collection.json", views.postman_collection, name="postman-collection"),
    path("search/", views.search_page, name="search"),
    path("library/python/", views.download_python, name="library-python"),
    path("library/java/", views.download_java, name="library-java"),
]
