"""A database outage under /scim/v2/ is a SCIM Error (503, Retry-After) like every other answer
of the service (core.errors)."""

import json

from django.http import HttpRequest, HttpResponse

from knooppunt.core.errors import unavailable_responder


@unavailable_responder("/scim/")
def scim_unavailable(request: HttpRequest, message: str) -> HttpResponse:
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": "503",
        "detail": message,
    }
    return HttpResponse(json.dumps(body), status=503, content_type="application/scim+json")
