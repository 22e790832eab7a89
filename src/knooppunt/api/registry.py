"""Where product apps plug their endpoints into `/api/v1/`, without touching this app.

A product app writes `<app>/api.py` (or an `api/` package whose `__init__` does this):

    from knooppunt.api.registry import ApiRouter, register
    from .views import BerichtenView, BerichtView

    register("exchange", [
        path("berichten", BerichtenView.as_view(), name="berichten"),
        path("berichten/<int:pk>", BerichtView.as_view(), name="bericht"),
    ])
    # or with a router:  router = ApiRouter(); router.register(...); register("x", router.urls)

Every view derives from `knooppunt.api.views.ApiView` and so gets the conventions: the key's
authentication as the API-client actor, the view's `rule` asked of the authorisation module
(403), the per-credential rate limit (429), the body limit (413), problem details for every
error, the trace headers, the audit event of the call, and a place in the OpenAPI document that
schemathesis tests in `make test`. See `views.ApiView` for writing a scope-checked endpoint.

The URL names land in the `api` namespace; the access contract (knooppunt.testing.api) walks
them all, so a new endpoint is covered the day it is registered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules
from rest_framework.routers import SimpleRouter


class ApiRouter(SimpleRouter):
    """DRF's router with the API's URL style: no trailing slash (`/api/v1/berichten/12`)."""

    def __init__(self):
        super().__init__(trailing_slash=False)


@dataclass(frozen=True)
class ApiModule:
    key: str
    urlpatterns: tuple


_MODULES: dict[str, ApiModule] = {}


def register(key: str, urlpatterns) -> ApiModule:
    module = ApiModule(key, tuple(urlpatterns))
    known = _MODULES.get(key)
    if known is not None and known != module:
        raise ValueError(f"API module {key!r} is registered twice")
    _MODULES[key] = module
    return module


def urlpatterns() -> list:
    """Every app's endpoints, after importing every app's `api` module."""
    autodiscover_modules("api")
    return [pattern for key in sorted(_MODULES) for pattern in _MODULES[key].urlpatterns]
