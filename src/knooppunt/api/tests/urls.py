"""The portal's URLs plus one endpoint of a stand-in product app, for tests of what every
product endpoint gets from the base class (the audit event of the call, the trace id on it)."""

from django.urls import path
from rest_framework.response import Response

from knooppunt.api.views import ApiView
from knooppunt.urls import urlpatterns as portal


class ProefView(ApiView):
    rule = "webservice.use"

    def get(self, request):
        return Response({"organisatie": request.user.organisation_id})


urlpatterns = [path("api/v1/proef", ProefView.as_view()), *portal]
