"""The portal's URLs with stand-in product endpoints in the `api` namespace, for tests of what
every product endpoint gets from the base class (the audit event of the call, the trace id on
it) and of the access contract itself (it must catch an endpoint that leaks)."""

from django.urls import include, path
from rest_framework.response import Response

from knooppunt.access.principals import Principal
from knooppunt.access.rules import rule, uses_product
from knooppunt.api import urls as api_urls
from knooppunt.api.views import ApiView
from knooppunt.urls import urlpatterns as portal


@rule("test.iwmo")
def _uses_iwmo(actor: Principal, obj) -> bool:
    return uses_product(actor, "iwmo")


class ProefView(ApiView):
    """Any credential; audited by the base class."""

    rule = "webservice.use"

    def get(self, request):
        return Response({"organisatie": request.user.organisation_id})


class IwmoView(ApiView):
    """An iWmo endpoint done right: the product's rule."""

    rule = "test.iwmo"
    products = ("iwmo",)

    def get(self, request):
        return Response({"product": request.user.product})


class LeakyView(ApiView):
    """An iWmo endpoint done wrong: it says iWmo but lets every credential in."""

    rule = "webservice.use"
    products = ("iwmo",)

    def get(self, request):
        return Response({"product": request.user.product})


proper = [
    path("proef", ProefView.as_view(), name="proef"),
    path("proef/iwmo", IwmoView.as_view(), name="proef_iwmo"),
]
leaky = [path("proef/lek", LeakyView.as_view(), name="proef_lek")]


def _portal_without_api():
    return [p for p in portal if str(p.pattern) != "api/v1/"]


urlpatterns = [
    path("api/v1/", include(([*proper, *api_urls.urlpatterns], "api"))),
    *_portal_without_api(),
]
