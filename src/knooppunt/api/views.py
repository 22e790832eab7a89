"""The base of every endpoint, and the API's own endpoints: ping, health, the OpenAPI document
and its documentation page.

Writing a scope-checked endpoint in a product app:

    class BerichtView(ApiView):
        rule = "exchange.use"            # asked before the handler: 403 for another product
        products = ("iwmo", "ijw")       # whose credentials it serves (documentation, contract)

        @extend_schema(responses=BerichtSerializer, summary="Eén bericht")
        def get(self, request, pk: int):
            bericht = self.get_scoped_or_404(
                Bericht.objects.all(), pk=pk, product_field="product__code"
            )                                # another organisation's or product's id: 404
            return Response(BerichtSerializer(bericht).data)

        def post(self, request):
            data = self.validated(BerichtInSerializer)   # shape errors: 400 with field errors
            bericht = services.upload(request.user, ..., request=request)  # rules, audit: 422
            return Response(..., status=201)

`request.user` is the API-client Principal (organisation + product), `request.auth` the
credential. A service's ValidationError becomes a 422 problem; a `Problem` any registered one.
The call's audit event is written by the base class when the handler recorded none itself.
"""

from __future__ import annotations

import functools
from contextlib import nullcontext

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from knooppunt.access import rules
from knooppunt.access.principals import ActorKind
from knooppunt.audit import services as audit_services
from knooppunt.core import doors, sql

from . import problems, ratelimit, services
from .serializers import HealthSerializer, PingSerializer


class ApiView(APIView):
    # The rule the actor must pass before any handler runs (deny by default).
    rule: str = ""
    # The products whose credentials this endpoint serves; None: every credential.
    products: tuple[str, ...] | None = None
    # The largest body this endpoint takes, in bytes; None: KNOOPPUNT_API_MAX_BODY_BYTES.
    max_body_bytes: int | None = None
    # A rate-limit scope of its own (KNOOPPUNT_API_RATE_LIMITS), or the credential's default.
    throttle_scope: str | None = None

    def initial(self, request, *args, **kwargs):
        """DRF's steps, with two changes: the body's size is checked before anything else
        (nothing of a body that is too large is read), and the rate limit is counted before the
        permission, so that refused calls of a credential count against its limit too."""
        self._check_body_size(request)
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.accepted_renderer, request.accepted_media_type = self.perform_content_negotiation(
            request
        )
        request.version, request.versioning_scheme = self.determine_version(
            request, *args, **kwargs
        )
        self.perform_authentication(request)
        self.check_throttles(request)
        if "api_count" in request._request.__dict__ and self._riders is not None:
            # A handler that writes counts the call in its own transaction (core.doors.riders).
            self._riders.append(functools.partial(self._count, request._request))
        self.check_permissions(request)

    _riders: list | None = None

    @staticmethod
    def _count(django_request) -> None:
        count = django_request.__dict__.pop("api_count", None)
        if count is not None:
            ratelimit.hit(*count)

    def _check_body_size(self, request) -> None:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            raise problems.Problem(
                "ongeldig-verzoek", detail=_("De header Content-Length is geen getal.")
            ) from None
        limit = self.max_body_bytes or settings.KNOOPPUNT_API_MAX_BODY_BYTES
        if length > limit:
            raise problems.Problem(
                "verzoek-te-groot",
                detail=_("Dit adres neemt ten hoogste %(limit)d bytes aan.") % {"limit": limit},
            )

    def dispatch(self, request, *args, **kwargs):
        seen: list[str] = []
        token = audit_services.recorded.set(seen)
        try:
            with doors.riders() as self._riders:
                response = super().dispatch(request, *args, **kwargs)
        finally:
            audit_services.recorded.reset(token)
            self._riders = None
        self._audit_call(response, seen)
        return response

    def _audit_call(self, response, seen: list[str]) -> None:
        """Every authenticated call has an audit event with its trace id: the handler's own
        (an upload, a lookup), or else this one, which also adds the call to its rate counter
        (api.throttling). A call over the limit has none (its 429 is recorded once per window);
        a refused key is recorded by the authentication."""
        request = getattr(self, "request", None)
        if request is None or "_user" not in request.__dict__:
            return
        count = request._request.__dict__.pop("api_count", None)
        principal = request.user
        if getattr(principal, "kind", None) != ActorKind.API_CLIENT or (
            response.status_code == 429 or (seen and response.status_code < 400)
        ):
            if count is not None:
                ratelimit.hit(*count)
            return
        match = getattr(request, "resolver_match", None)
        services.record_call(
            principal,
            request,
            status=response.status_code,
            route=match.route if match else "",
            count=count,
        )

    def validated(self, serializer_class, **kwargs):
        """The request body through a serializer; shape errors become a 400 with field errors."""
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def get_scoped_or_404(
        self,
        queryset,
        *,
        organisation_field: str = "organisation_id",
        product_field: str | None = "product__code",
        **lookup,
    ):
        """One object of the credential's own organisation (and product, when the model has
        one), or a 404: another organisation's or product's id reveals nothing."""
        principal = self.request.user
        queryset = queryset.filter(
            rules.organisation_scope(principal, self.rule, organisation_field)
        )
        if product_field and principal.kind == ActorKind.API_CLIENT:
            queryset = queryset.filter(**{product_field: principal.product})
        found = queryset.filter(**lookup).first()
        if found is None:
            raise problems.Problem("niet-gevonden")
        return found


class PublicApiView(ApiView):
    """No key needed, not counted (load balancers, the OpenAPI document)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []


@extend_schema(tags=["Algemeen"])
class PingView(ApiView):
    rule = "webservice.use"

    @extend_schema(
        operation_id="ping",
        summary=gettext_lazy("Test de koppeling"),
        description=gettext_lazy(
            "Antwoordt met de organisatie, het product en de koppeling van de meegestuurde "
            "sleutel. Bedoeld om een koppeling te testen: wie hier 200 krijgt, is goed "
            "aangemeld."
        ),
        responses={200: PingSerializer},
    )
    def get(self, request):
        credential = request.auth
        organisation, product = credential.organisation, credential.product
        key_used = getattr(request._request, "api_key_used", "current")
        return Response(
            {
                "organisatie": {
                    "id": organisation.pk,
                    "naam": str(organisation),
                    "type": organisation.type,
                    "agb_code": organisation.agb_code,
                    "gemeentecode": organisation.gemeentecode,
                },
                "product": {"code": product.code, "naam": product.naam},
                "koppeling": {
                    "id": credential.pk,
                    "naam": credential.name,
                    "geldig_tot": _iso(credential.expires_at),
                    "sleutel": "vorig" if key_used == "previous" else "huidig",
                    "vorige_sleutel_geldig_tot": _iso(
                        credential.previous_valid_until if credential.previous_prefix else None
                    ),
                },
                "trace_id": getattr(request._request, "trace_id", ""),
                "tijdstip": _iso(timezone.now()),
            }
        )


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _queue_table() -> str:
    from django_q.models import OrmQ

    return sql.table(OrmQ)


def _reachable(statement: str) -> bool:
    # Inside a transaction (a test) a savepoint keeps a failure from breaking it; outside one
    # no transaction is opened (on SQLite that would take the write lock).
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard, connection.cursor() as cursor:
            cursor.execute(statement)
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


@extend_schema(tags=["Algemeen"])
class HealthView(PublicApiView):
    @extend_schema(
        operation_id="health",
        summary=gettext_lazy("Gezondheid voor load balancers"),
        description=gettext_lazy(
            "Zonder sleutel. 200 als de database en de taakwachtrij bereikbaar zijn, anders 503."
        ),
        responses={
            200: HealthSerializer,
            (503, problems.CONTENT_TYPE): OpenApiResponse(
                description=gettext_lazy("Een onderdeel is onbereikbaar.")
            ),
        },
    )
    def get(self, request):
        checks = {
            "database": _reachable("SELECT 1"),
            "taakwachtrij": _reachable(f"SELECT 1 FROM {_queue_table()} LIMIT 1"),  # noqa: S608
        }
        parts = {name: "ok" if ok else "onbereikbaar" for name, ok in checks.items()}
        if not all(checks.values()):
            raise problems.Problem(
                "niet-beschikbaar",
                detail=_("Niet bereikbaar: %(parts)s.")
                % {"parts": ", ".join(n for n, ok in checks.items() if not ok)},
                extra={"onderdelen": parts},
            )
        return Response({"status": "ok", "onderdelen": parts})


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3.1 document, without a key: integrators and schemathesis read it."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar), its start script from
    this same address: no CDN, no inline script or style, so the strict CSP stays."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    template_name = "api/swagger_ui.html"
    title = gettext_lazy("Knooppunt webservice")  # type: ignore[assignment]


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Anything under /api/ that is no endpoint: a problem, never the portal's HTML page."""
    return problems.problem_response(request, problems.NOT_FOUND)
