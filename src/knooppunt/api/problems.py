"""RFC 9457 problem details for every error of the API: `application/problem+json` with a stable
`type` per kind of error, a Dutch `title` and `detail`, and a list of field errors.

A product app raises `Problem` for its own refusals:

    raise Problem("bericht-afgekeurd", status=422, detail=_("Het bericht is afgekeurd."),
                  errors=[FieldError(pointer="#/inhoud", detail=..., code="TR018")])

and registers its types with `problem_type(...)` so that the documentation lists them. Anything
else that goes wrong in a view (a DRF exception, a service's ValidationError, a body that is too
large, a bug) becomes a problem in `exception_handler`, never an HTML page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.response import Response

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:knooppunt:probleem:"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: Promise | str
    description: Promise | str = ""

    @property
    def uri(self) -> str:
        return TYPE_PREFIX + self.slug


_TYPES: dict[str, ProblemType] = {}


def problem_type(
    slug: str, status: int, title: Promise | str, description: Promise | str = ""
) -> ProblemType:
    """Register a kind of error; its `type` URI is urn:knooppunt:probleem:<slug>, forever."""
    entry = ProblemType(slug, status, title, description)
    known = _TYPES.get(slug)
    if known is not None and known != entry:
        raise ValueError(f"Problem type {slug!r} is registered twice")
    _TYPES[slug] = entry
    return entry


def problem_types() -> list[ProblemType]:
    return sorted(_TYPES.values(), key=lambda t: (t.status, t.slug))


BAD_REQUEST = problem_type(
    "ongeldig-verzoek",
    400,
    gettext_lazy("Ongeldig verzoek"),
    gettext_lazy("Het verzoek klopt niet: zie `errors` voor de velden."),
)
MALFORMED = problem_type(
    "onleesbaar-verzoek",
    400,
    gettext_lazy("Onleesbaar verzoek"),
    gettext_lazy(
        "De inhoud van het verzoek kon niet worden gelezen (bijvoorbeeld geen geldige JSON)."
    ),
)
TRACE = problem_type(
    "ongeldige-trace-header",
    400,
    gettext_lazy("Ongeldige trace-header"),
    gettext_lazy(
        "X-B3-TraceId moet 16 of 32 en X-B3-SpanId 16 hexadecimale tekens (kleine letters) zijn."
    ),
)
NOT_AUTHENTICATED = problem_type(
    "sleutel-ontbreekt",
    401,
    gettext_lazy("Sleutel ontbreekt"),
    gettext_lazy(
        "Stuur de sleutel van een webservice-koppeling mee: Authorization: Bearer <sleutel>."
    ),
)
AUTHENTICATION_FAILED = problem_type(
    "sleutel-ongeldig",
    401,
    gettext_lazy("Sleutel ongeldig"),
    gettext_lazy("De sleutel is onbekend, ingetrokken, verlopen of vervangen."),
)
FORBIDDEN = problem_type(
    "geen-toegang",
    403,
    gettext_lazy("Geen toegang"),
    gettext_lazy("De koppeling geeft geen toegang tot dit onderdeel (een ander product)."),
)
ADDRESS_REFUSED = problem_type(
    "adres-niet-toegestaan",
    403,
    gettext_lazy("Adres niet toegestaan"),
    gettext_lazy(
        "Het verzoek komt van een IP-adres buiten de toegestane netwerken van de koppeling."
    ),
)
ORGANISATION_BLOCKED = problem_type(
    "organisatie-geblokkeerd",
    403,
    gettext_lazy("Organisatie heeft geen toegang"),
    gettext_lazy(
        "De organisatie neemt het product niet (meer) af, of nog niet alle overeenkomsten "
        "zijn geregistreerd."
    ),
)
NOT_FOUND = problem_type(
    "niet-gevonden",
    404,
    gettext_lazy("Niet gevonden"),
    gettext_lazy("Het adres of object bestaat niet, of hoort niet bij uw organisatie en product."),
)
METHOD = problem_type(
    "methode-niet-toegestaan",
    405,
    gettext_lazy("Methode niet toegestaan"),
    gettext_lazy(
        "Dit adres kent deze HTTP-methode niet; de header Allow noemt de methoden die het wel kent."
    ),
)
NOT_ACCEPTABLE = problem_type(
    "niet-aanvaardbaar",
    406,
    gettext_lazy("Antwoordformaat niet beschikbaar"),
    gettext_lazy("De webservice antwoordt in JSON; vraag application/json (of */*)."),
)
CONFLICT = problem_type(
    "conflict",
    409,
    gettext_lazy("Conflict"),
    gettext_lazy("Het object is intussen gewijzigd of bestaat al."),
)
TOO_LARGE = problem_type(
    "verzoek-te-groot",
    413,
    gettext_lazy("Verzoek te groot"),
    gettext_lazy("De inhoud van het verzoek is groter dan dit adres aanneemt."),
)
MEDIA_TYPE = problem_type(
    "mediatype-niet-ondersteund",
    415,
    gettext_lazy("Mediatype niet ondersteund"),
    gettext_lazy(
        "Stuur de inhoud in een formaat dat dit adres aanneemt (meestal application/json)."
    ),
)
UNPROCESSABLE = problem_type(
    "niet-verwerkt",
    422,
    gettext_lazy("Verzoek niet verwerkt"),
    gettext_lazy("Het verzoek is goed leesbaar, maar voldoet niet aan de regels: zie `errors`."),
)
THROTTLED = problem_type(
    "te-veel-verzoeken",
    429,
    gettext_lazy("Te veel verzoeken"),
    gettext_lazy(
        "De koppeling heeft haar limiet bereikt; probeer het opnieuw na het aantal seconden "
        "in Retry-After."
    ),
)
SERVER_ERROR = problem_type(
    "interne-fout",
    500,
    gettext_lazy("Interne fout"),
    gettext_lazy("Er ging iets mis bij Knooppunt. Geef de trace-id door aan de servicedesk."),
)
UNAVAILABLE = problem_type(
    "niet-beschikbaar",
    503,
    gettext_lazy("Dienst niet beschikbaar"),
    gettext_lazy("Een onderdeel van Knooppunt is niet bereikbaar; probeer het later opnieuw."),
)


@dataclass
class FieldError:
    """One field's error. `pointer` is a JSON pointer into the body ("#/naam"); `parameter`
    names a query or path parameter, `header` a request header."""

    detail: str
    code: str = "invalid"
    pointer: str | None = None
    parameter: str | None = None
    header: str | None = None

    def as_dict(self) -> dict:
        out = {"detail": str(self.detail), "code": self.code}
        for name in ("pointer", "parameter", "header"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


class Problem(exceptions.APIException):
    """Raise one of the registered problem types, with a Dutch detail and field errors."""

    def __init__(
        self,
        kind: str | ProblemType,
        *,
        detail: str | Promise | None = None,
        errors: list[FieldError] | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        extra: dict | None = None,
    ):
        self.kind = kind if isinstance(kind, ProblemType) else _TYPES[kind]
        self.status_code = status or self.kind.status
        self.problem_detail = str(detail) if detail is not None else ""
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra or {}
        super().__init__(detail=self.problem_detail or str(self.kind.title))


@dataclass
class ProblemBody:
    kind: ProblemType
    status: int
    detail: str
    instance: str = ""
    errors: list[FieldError] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def as_dict(self, trace_id: str = "") -> dict:
        body = {
            "type": self.kind.uri,
            "title": str(self.kind.title),
            "status": self.status,
            "detail": self.detail or str(self.kind.description) or str(self.kind.title),
        }
        if self.instance:
            body["instance"] = self.instance
        body["errors"] = [e.as_dict() for e in self.errors]
        if trace_id:
            body["trace_id"] = trace_id
        body.update(self.extra)
        return body


def problem_response(
    request,
    kind: ProblemType,
    *,
    status: int | None = None,
    detail: str = "",
    errors: list[FieldError] | None = None,
    headers: dict | None = None,
    extra: dict | None = None,
) -> JsonResponse:
    """A problem as a plain Django response, for the middleware (outside DRF)."""
    body = ProblemBody(kind, status or kind.status, detail, request.path, errors or [], extra or {})
    response = JsonResponse(
        body.as_dict(getattr(request, "trace_id", "")),
        status=body.status,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- DRF's exception handler -----------------------------------------------------------------


def _field_errors(data, path: str = "#") -> list[FieldError]:
    """DRF's nested error structure as a flat list of JSON-pointer field errors."""
    found: list[FieldError] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("non_field_errors", "__all__"):
                found += _field_errors(value, path)
            else:
                found += _field_errors(value, f"{path}/{key}")
    elif isinstance(data, list):
        if all(not isinstance(item, (dict, list)) for item in data):
            for item in data:
                found.append(
                    FieldError(
                        str(item), getattr(item, "code", "invalid") or "invalid", pointer=path
                    )
                )
        else:
            for index, item in enumerate(data):
                found += _field_errors(item, f"{path}/{index}")
    else:
        found.append(
            FieldError(str(data), getattr(data, "code", "invalid") or "invalid", pointer=path)
        )
    return found


def _django_errors(exc: DjangoValidationError) -> list[FieldError]:
    if hasattr(exc, "error_dict"):
        return [
            FieldError(
                message, error.code or "invalid", pointer=f"#/{name}" if name != "__all__" else "#"
            )
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [FieldError(message, exc.code or "invalid", pointer="#") for message in exc.messages]


def _classify(exc) -> tuple[ProblemType, int, str, list[FieldError], dict[str, str]]:
    """(type, status, detail, errors, headers) for an exception raised in a view."""
    headers: dict[str, str] = {}
    if isinstance(exc, Problem):
        return exc.kind, exc.status_code, exc.problem_detail, exc.errors, exc.headers
    if isinstance(exc, exceptions.ValidationError):
        return BAD_REQUEST, 400, _("Het verzoek bevat fouten."), _field_errors(exc.detail), headers
    if isinstance(exc, exceptions.ParseError):
        return MALFORMED, 400, _("De inhoud van het verzoek kon niet worden gelezen."), [], headers
    if isinstance(exc, exceptions.NotAuthenticated):
        return NOT_AUTHENTICATED, 401, "", [], {"WWW-Authenticate": 'Bearer realm="knooppunt"'}
    if isinstance(exc, exceptions.AuthenticationFailed):
        headers["WWW-Authenticate"] = 'Bearer realm="knooppunt", error="invalid_token"'
        return AUTHENTICATION_FAILED, 401, "", [], headers
    if isinstance(exc, (exceptions.PermissionDenied, DjangoPermissionDenied)):
        return FORBIDDEN, 403, "", [], headers
    if isinstance(exc, (exceptions.NotFound, Http404)):
        return NOT_FOUND, 404, "", [], headers
    if isinstance(exc, exceptions.MethodNotAllowed):
        return METHOD, 405, "", [], headers
    if isinstance(exc, exceptions.NotAcceptable):
        return NOT_ACCEPTABLE, 406, "", [], headers
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return MEDIA_TYPE, 415, "", [], headers
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, int(exc.wait or 1))
        detail = _("Probeer het over %(seconds)d seconden opnieuw.") % {"seconds": wait}
        return THROTTLED, 429, detail, [], {"Retry-After": str(wait)}
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent)):
        return TOO_LARGE, 413, "", [], headers
    if isinstance(exc, DjangoValidationError):
        return (
            UNPROCESSABLE,
            422,
            _("Het verzoek voldoet niet aan de regels."),
            _django_errors(exc),
            headers,
        )
    if isinstance(exc, SuspiciousOperation):
        return BAD_REQUEST, 400, "", [], headers
    if isinstance(exc, exceptions.APIException):
        kind = {409: CONFLICT, 413: TOO_LARGE}.get(exc.status_code, BAD_REQUEST)
        return kind, exc.status_code, str(exc.detail), [], headers
    return SERVER_ERROR, 500, "", [], headers


def exception_handler(exc, context) -> Response:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every exception a view raises becomes a problem."""
    kind, status, detail, errors, headers = _classify(exc)
    request = context.get("request")
    if status >= 500:
        logger.exception("API error in %s", context.get("view").__class__.__name__, exc_info=exc)
    if request is not None:
        request._problem = kind.slug  # for the audit event of the call
    body = ProblemBody(
        kind,
        status,
        detail,
        request.path if request is not None else "",
        errors,
        exc.extra if isinstance(exc, Problem) else {},
    )
    response = Response(
        body.as_dict(getattr(request, "trace_id", "") if request is not None else ""),
        status=status,
        headers=headers,
        content_type=CONTENT_TYPE,
    )
    # Only a transaction the view opened itself is rolled back (DRF's set_rollback).
    from rest_framework.views import set_rollback

    set_rollback()
    return response
