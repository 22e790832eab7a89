"""`/api/v1/`: the API's own endpoints, every product app's (api.registry), and a problem 404
for anything else under the prefix."""

from django.urls import path, re_path

from . import registry, views

app_name = "api"
urlpatterns = [
    path("ping", views.PingView.as_view(), name="ping"),
    path("health", views.HealthView.as_view(), name="health"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    *registry.urlpatterns(),
    re_path(r"^.*$", views.not_found),  # unnamed: the access contract walks named endpoints
]
