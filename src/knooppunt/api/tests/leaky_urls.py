"""As tests/urls.py, plus an endpoint that leaks: the access contract must fail on it."""

from django.urls import include, path

from knooppunt.api import urls as api_urls

from .urls import _portal_without_api, leaky, proper

urlpatterns = [
    path("api/v1/", include(([*proper, *leaky, *api_urls.urlpatterns], "api"))),
    *_portal_without_api(),
]
