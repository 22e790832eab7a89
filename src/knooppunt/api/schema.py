"""The OpenAPI 3.1 document (drf-spectacular): the key as an HTTP bearer scheme, and the API's
conventions added to every operation by a post-processing hook, so that an endpoint a product
app adds is documented (and tested by schemathesis) with them without saying so itself:

- the optional B3 trace headers on every request, and both returned on every response;
- the problem responses an operation can give: 400 (and 401, 403, 429 with a key; 404 for an
  operation with ids; 413 and 415 for one with a body; 406 always), as application/problem+json
  with the `Probleem` schema;
- Retry-After on 429, WWW-Authenticate on 401.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from . import problems, tracing

SCHEME = "webservicesleutel"
PROBLEM_REF = {"$ref": "#/components/schemas/Probleem"}


class CredentialScheme(OpenApiAuthenticationExtension):
    target_class = "knooppunt.api.authentication.CredentialAuthentication"
    name = SCHEME

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "Knooppunt-sleutel",
            "description": _(
                "De sleutel van een webservice-koppeling, aangemaakt door de productbeheerder "
                "op het tabblad Productinstellingen: `Authorization: Bearer <sleutel>`."
            ),
        }


def _problem_schemas() -> dict:
    return {
        "Veldfout": {
            "type": "object",
            "required": ["detail", "code"],
            "properties": {
                "detail": {"type": "string", "description": _("Wat er mis is, in het Nederlands.")},
                "code": {"type": "string", "description": _("Een vaste code voor de fout.")},
                "pointer": {
                    "type": "string",
                    "description": _("JSON-pointer naar het veld in de inhoud, bv. #/naam."),
                },
                "parameter": {"type": "string", "description": _("De query-parameter.")},
                "header": {"type": "string", "description": _("De header.")},
            },
        },
        "Probleem": {
            "type": "object",
            "description": _("Een fout volgens RFC 9457 (application/problem+json)."),
            "required": ["type", "title", "status", "detail", "errors"],
            "properties": {
                "type": {
                    "type": "string",
                    "description": _("Vaste URI van de soort fout, bv. %(example)s.")
                    % {"example": problems.NOT_FOUND.uri},
                    "enum": [t.uri for t in problems.problem_types()],
                },
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
                "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Veldfout"}},
                "trace_id": {"type": "string"},
            },
        },
    }


def _headers() -> dict:
    return {
        "TraceId": {
            "description": _("De X-B3-TraceId van de aanroep: de meegestuurde, of een nieuwe."),
            "required": True,
            "schema": {"type": "string", "pattern": tracing.TRACE_PATTERN},
        },
        "SpanId": {
            "description": _("De X-B3-SpanId van de aanroep: de meegestuurde, of een nieuwe."),
            "required": True,
            "schema": {"type": "string", "pattern": tracing.SPAN_PATTERN},
        },
        "RetryAfter": {
            "description": _("Na hoeveel seconden een nieuw verzoek weer kan."),
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        },
        "WWWAuthenticate": {
            "description": _("Het schema waarmee de sleutel wordt meegestuurd (Bearer)."),
            "required": True,
            "schema": {"type": "string"},
        },
    }


def _parameters() -> dict:
    return {
        "TraceIdHeader": {
            "name": tracing.TRACE_HEADER,
            "in": "header",
            "required": False,
            "description": _(
                "B3-trace-id van het iWlz-netwerk (16 of 32 hexadecimale tekens, kleine "
                "letters). Komt terug in het antwoord en staat bij de logboekregels van de "
                "aanroep. Zonder deze header maakt Knooppunt een nieuwe."
            ),
            "schema": {"type": "string", "pattern": tracing.TRACE_PATTERN},
        },
        "SpanIdHeader": {
            "name": tracing.SPAN_HEADER,
            "in": "header",
            "required": False,
            "description": _("B3-span-id (16 hexadecimale tekens, kleine letters)."),
            "schema": {"type": "string", "pattern": tracing.SPAN_PATTERN},
        },
    }


_DESCRIPTIONS = {
    "400": problems.BAD_REQUEST,
    "401": problems.AUTHENTICATION_FAILED,
    "403": problems.FORBIDDEN,
    "404": problems.NOT_FOUND,
    "406": problems.NOT_ACCEPTABLE,
    "413": problems.TOO_LARGE,
    "415": problems.MEDIA_TYPE,
    "429": problems.THROTTLED,
}


def add_conventions(result, generator, request, public):
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]: the API's conventions on every operation."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).update(_problem_schemas())
    components.setdefault("headers", {}).update(_headers())
    components.setdefault("parameters", {}).update(_parameters())
    trace_headers = {
        tracing.TRACE_HEADER: {"$ref": "#/components/headers/TraceId"},
        tracing.SPAN_HEADER: {"$ref": "#/components/headers/SpanId"},
    }
    for _path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "patch", "delete", "head", "options"):
                continue
            parameters = operation.setdefault("parameters", [])
            parameters += [
                {"$ref": "#/components/parameters/TraceIdHeader"},
                {"$ref": "#/components/parameters/SpanIdHeader"},
            ]
            codes = ["400", "406"]
            if any(requirement for requirement in operation.get("security", [])):
                codes += ["401", "403", "429"]
            if any(p.get("in") == "path" for p in parameters if "in" in p):
                codes.append("404")
            if "requestBody" in operation:
                codes += ["413", "415"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                if code in responses:
                    continue
                kind = _DESCRIPTIONS[code]
                responses[code] = {
                    "description": str(kind.description or kind.title),
                    "content": {problems.CONTENT_TYPE: {"schema": PROBLEM_REF}},
                }
            for code, response in responses.items():
                headers = response.setdefault("headers", {})
                headers.update(trace_headers)
                if code == "429":
                    headers["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
                if code == "401":
                    headers["WWW-Authenticate"] = {"$ref": "#/components/headers/WWWAuthenticate"}
                if int(code) >= 400 and not response.get("content"):
                    response["content"] = {problems.CONTENT_TYPE: {"schema": PROBLEM_REF}}
    return result
