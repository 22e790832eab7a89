"""Berichtenverkeer through the webservice (issue 15, item 9), on the API's conventions
(knooppunt.api): a webservice credential of iWmo or iJw offers, lists, fetches and acknowledges
the messages of its own organisation in its own product, and nothing else.

    POST /api/v1/berichten                            the XML as the body, or multipart "bestand"
    GET  /api/v1/berichten?richting=ontvangen&status=aangeboden&limit=250
    GET  /api/v1/berichten/{id}                       metadata, size, sha256, status history
    GET  /api/v1/berichten/{id}/inhoud                the payload (the receiver's first: Opgehaald)
    POST /api/v1/berichten/{id}/ontvangstbevestiging  Opgehaald without fetching again

The endpoints are thin: the checks, the storing, the audit events and Opgehaald are the same
services the screens call (`services.offer`, `download`, `acknowledge`), the scopes the same
rules (`rules.inbox_scope`, `outbox_scope`, `selectors.message_or_404`). A refused file answers
422 with the same rule list the screen shows, as problem details.
"""

from __future__ import annotations

from django.http import FileResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from knooppunt.access import rules
from knooppunt.api import problems
from knooppunt.api.registry import register
from knooppunt.api.views import ApiView

from . import payloads, selectors, services
from . import rules as exchange_rules
from . import urls as _urls  # noqa: F401  (registers the berichtid converter)
from .models import Channel, Message, Status
from .standards.registry import PRODUCTS
from .validation.checks import size as size_check
from .views import UPLOAD_OVERHEAD, _safe_filename, _zip_name

LIST_DEFAULT, LIST_MAX = 100, 1000
MAX_ID = 10**18 - 1  # the URL converter's 18 digits

REFUSED = problems.problem_type(
    "bericht-afgekeurd",
    422,
    gettext_lazy("Bericht afgekeurd"),
    gettext_lazy(
        "Het bericht voldoet niet aan de controles van Knooppunt en is niet doorgestuurd: zie "
        "`bevindingen` (regel, retourcode, plaats, wat te doen)."
    ),
)
REMOVED = problems.problem_type(
    "inhoud-verwijderd",
    410,
    gettext_lazy("Inhoud verwijderd"),
    gettext_lazy(
        "De inhoud van het bericht is na de bewaartermijn verwijderd; de gegevens van het "
        "bericht zijn er nog."
    ),
)


# --- request bodies ------------------------------------------------------------------------------


class XmlParser(BaseParser):
    """The message itself as the body. Read up to one byte past the exchange's file limit (the
    view refused a larger Content-Length before reading anything), so the size check reports
    it; Django's in-memory limit for form bodies does not apply to it."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read(size_check.max_bytes() + 1) if stream is not None else b""


class TextXmlParser(XmlParser):
    media_type = "text/xml"


class XmlRenderer(JSONRenderer):
    """`Accept: application/xml` for the payload; what DRF renders with it is a problem (the
    payload itself is a file response), and a problem is JSON."""

    media_type = "application/xml"
    format = "xml"


# --- documentation of the bodies ------------------------------------------------------------------


class PartijSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=gettext_lazy("De routeringscode uit de header: gemeentecode of AGB-code.")
    )
    naam = serializers.CharField(help_text=gettext_lazy("De naam van de organisatie."))


class LinksSerializer(serializers.Serializer):
    zelf = serializers.URLField(help_text=gettext_lazy("Dit bericht."))
    inhoud = serializers.URLField(help_text=gettext_lazy("De inhoud (het XML-bestand)."))
    ontvangstbevestiging = serializers.URLField(
        required=False,
        help_text=gettext_lazy("Alleen voor de ontvanger: de ontvangst bevestigen."),
    )


class BerichtSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=gettext_lazy("Het id van het bericht in Knooppunt."))
    product = serializers.ChoiceField(choices=list(PRODUCTS))
    berichttype = serializers.CharField(help_text=gettext_lazy("Bijvoorbeeld WMO301 of JW302."))
    berichtcode = serializers.IntegerField(help_text=gettext_lazy("BerichtCode, bv. 436."))
    release = serializers.CharField(help_text=gettext_lazy("Bijvoorbeeld 3.2."))
    retour = serializers.BooleanField(
        help_text=gettext_lazy("Of het een retourbericht of declaratie-antwoord is.")
    )
    identificatie = serializers.CharField(
        help_text=gettext_lazy(
            "De eigen identificatie van het bericht: BerichtIdentificatie van een heen-bericht, "
            "IdentificatieRetour van een retour."
        )
    )
    dagtekening = serializers.DateField(allow_null=True)
    afzender = PartijSerializer()
    ontvanger = PartijSerializer()
    status = serializers.ChoiceField(
        choices=Status.values,
        help_text=gettext_lazy(
            "ontvangen (door Knooppunt), aangeboden (klaar om op te halen), opgehaald."
        ),
    )
    ontvangen_op = serializers.DateTimeField()
    opgehaald_op = serializers.DateTimeField(allow_null=True)
    opgehaald_door = serializers.CharField(allow_blank=True)
    grootte = serializers.IntegerField(help_text=gettext_lazy("In bytes."))
    sha256 = serializers.CharField(help_text=gettext_lazy("SHA-256 van de inhoud, hexadecimaal."))
    bestandsnaam = serializers.CharField()
    kanaal = serializers.ChoiceField(
        choices=Channel.values, help_text=gettext_lazy("Hoe het bericht werd aangeboden.")
    )
    inhoud_beschikbaar = serializers.BooleanField(
        help_text=gettext_lazy("Onwaar als de inhoud na de bewaartermijn is verwijderd.")
    )
    inhoud_verwijderd_op = serializers.DateTimeField(allow_null=True)
    heen_bericht = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("Bij een retour: het id van het heen-bericht.")
    )
    retour_uiterlijk_op = serializers.DateField(
        allow_null=True,
        help_text=gettext_lazy("Bij een heen-bericht: de dag waarop de retour er moet zijn."),
    )
    links = LinksSerializer()


class StatuswijzigingSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.values)
    op = serializers.DateTimeField()
    door = serializers.CharField(allow_blank=True)


class GerelateerdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    berichttype = serializers.CharField()
    identificatie = serializers.CharField()
    link = serializers.URLField()


class BerichtDetailSerializer(BerichtSerializer):
    statushistorie = StatuswijzigingSerializer(many=True)
    gerelateerd = GerelateerdSerializer(
        many=True,
        help_text=gettext_lazy("Gerelateerde berichten: het heen-bericht of de retourberichten."),
    )


class BerichtenSerializer(serializers.Serializer):
    berichten = BerichtSerializer(many=True)
    volgende = serializers.URLField(
        allow_null=True,
        help_text=gettext_lazy("De volgende pagina, of null als dit de laatste is."),
    )


class BevindingSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=gettext_lazy("De regel: van de iStandaarden (TR056, IV028) of van Knooppunt.")
    )
    retourcode = serializers.CharField(allow_blank=True)
    locatie = serializers.CharField(allow_blank=True, help_text=gettext_lazy("Regel en XPath."))
    tekst = serializers.CharField(help_text=gettext_lazy("Wat er mis is."))
    advies = serializers.CharField(allow_blank=True, help_text=gettext_lazy("Wat te doen."))
    stap = serializers.CharField(help_text=gettext_lazy("De controle die het vond."))


class VeldfoutSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class AfgekeurdSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    errors = VeldfoutSerializer(many=True)
    trace_id = serializers.CharField(required=False)
    bestand = serializers.CharField(help_text=gettext_lazy("De naam van het aangeboden bestand."))
    bevindingen = BevindingSerializer(many=True)


class AanbiedenSerializer(serializers.Serializer):
    bestand = serializers.FileField(help_text=gettext_lazy("Het XML-bestand van het bericht."))


class BerichtenQuerySerializer(serializers.Serializer):
    richting = serializers.ChoiceField(
        choices=["ontvangen", "verzonden"],
        default="ontvangen",
        help_text=gettext_lazy(
            "ontvangen: berichten aan uw organisatie; verzonden: berichten van uw organisatie."
        ),
    )
    status = serializers.ChoiceField(
        choices=Status.values,
        required=False,
        help_text=gettext_lazy(
            "Alleen berichten met deze status; aangeboden: klaar om op te halen."
        ),
    )
    limit = serializers.IntegerField(
        min_value=1,
        max_value=LIST_MAX,
        default=LIST_DEFAULT,
        help_text=gettext_lazy("Hoeveel berichten ten hoogste (standaard 100)."),
    )
    na = serializers.IntegerField(
        min_value=0,
        max_value=MAX_ID,
        required=False,
        help_text=gettext_lazy(
            "Alleen berichten met een id groter dan dit: het laatste id van de vorige pagina."
        ),
    )


# --- answers ---------------------------------------------------------------------------------


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


class _Links:
    """The absolute addresses of a request's messages, the prefix made once."""

    def __init__(self, request):
        self.root = request.build_absolute_uri(reverse("api:berichten"))

    def message(self, pk: int) -> str:
        return f"{self.root}/{pk}"


def _bericht(message: Message, links: _Links, own_organisation: int | None) -> dict:
    own = links.message(message.pk)
    out_links = {"zelf": own, "inhoud": f"{own}/inhoud"}
    if message.receiver_id == own_organisation:
        out_links["ontvangstbevestiging"] = f"{own}/ontvangstbevestiging"
    return {
        "id": message.pk,
        "product": message.product,
        "berichttype": message.message_type,
        "berichtcode": message.bericht_code,
        "release": message.release,
        "retour": message.is_retour,
        "identificatie": message.identificatie,
        "dagtekening": _iso(message.dagtekening),
        "afzender": {"code": message.afzender_code, "naam": str(message.sender)},
        "ontvanger": {"code": message.ontvanger_code, "naam": str(message.receiver)},
        "status": message.status,
        "ontvangen_op": _iso(message.created_at),
        "opgehaald_op": _iso(message.retrieved_at),
        "opgehaald_door": message.retrieved_by_name,
        "grootte": message.size,
        "sha256": message.sha256,
        "bestandsnaam": message.filename,
        "kanaal": message.channel,
        "inhoud_beschikbaar": message.payload_available,
        "inhoud_verwijderd_op": _iso(message.payload_removed_at),
        "heen_bericht": message.heen_id,
        "retour_uiterlijk_op": _iso(message.retour_due_on),
        "links": out_links,
    }


def _detail(message: Message, request) -> dict:
    links = _Links(request)
    body = _bericht(message, links, request.user.organisation_id)
    body["statushistorie"] = [
        {"status": change.status, "op": _iso(change.at), "door": change.by_name}
        for change in message.history.all()
    ]
    body["gerelateerd"] = [
        {
            "id": other.pk,
            "berichttype": other.message_type,
            "identificatie": other.identificatie,
            "link": links.message(other.pk),
        }
        for other in selectors.related(message)
    ]
    return body


# drf-spectacular names a path's `pk` "id" (SCHEMA_COERCE_PATH_PK).
ID_PARAMETER = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description=gettext_lazy("Het id van het bericht."),
)
NOT_FOUND = OpenApiResponse(
    description=gettext_lazy(
        "Het bericht bestaat niet, hoort niet bij uw organisatie of bij een ander product."
    )
)


def _query_problem(errors: dict) -> problems.Problem:
    return problems.Problem(
        "ongeldig-verzoek",
        detail=_("Het verzoek bevat fouten."),
        errors=[
            problems.FieldError(str(message), getattr(message, "code", "invalid"), parameter=name)
            for name, messages in errors.items()
            for message in messages
        ],
    )


# --- the endpoints -----------------------------------------------------------------------------


class _BodyRequired(AutoSchema):
    """The offer's body is required in the document (drf-spectacular cannot tell for a raw
    XML body), so that a client, and schemathesis, always sends one."""

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body is not None:
            body["required"] = True
        return body


class BerichtenView(ApiView):
    rule = "exchange.use"
    products = tuple(PRODUCTS)
    parser_classes = [XmlParser, TextXmlParser, MultiPartParser]
    schema = _BodyRequired()

    def initial(self, request, *args, **kwargs):
        # The exchange's own limit (25 MB per file, as VECOZO and the GGk), not the API's
        # default; room for the multipart envelope around a file of that size.
        self.max_body_bytes = size_check.max_bytes() + UPLOAD_OVERHEAD
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="berichten_lijst",
        tags=["Berichtenverkeer"],
        summary=gettext_lazy("Berichten opvragen"),
        description=gettext_lazy(
            "De berichten die uw organisatie in het product van de koppeling ontving "
            "(richting=ontvangen) of verzond (richting=verzonden), het oudste eerst. Met "
            "status=aangeboden: de berichten die klaarstaan om op te halen. Haal de volgende "
            "pagina op met `na`, het id van het laatste bericht (of volg `volgende`)."
        ),
        parameters=[BerichtenQuerySerializer],
        responses={
            200: OpenApiResponse(BerichtenSerializer, description=gettext_lazy("De berichten."))
        },
    )
    def get(self, request):
        # A plain dict: DRF reads an empty value in a QueryDict as "not given".
        query = BerichtenQuerySerializer(data=request.query_params.dict())
        if not query.is_valid():
            raise _query_problem(query.errors)
        options = query.validated_data
        actor = request.user
        if options["richting"] == "verzonden":
            scope, other = exchange_rules.outbox_scope(actor), "receiver"
        else:
            scope, other = exchange_rules.inbox_scope(actor), "sender"
        found = Message.objects.filter(scope)
        if "status" in options:
            found = found.filter(status=options["status"])
        if "na" in options:
            found = found.filter(id__gt=options["na"])
        limit = options["limit"]
        page = list(found.select_related(other).order_by("id")[: limit + 1])
        links = _Links(request)
        following = None
        if len(page) > limit:
            page = page[:limit]
            params = request.query_params.copy()
            params["na"] = str(page[-1].pk)
            following = f"{links.root}?{params.urlencode()}"
        own, mine = actor.organisation_id, "receiver" if other == "sender" else "sender"
        for message in page:
            # The other side was loaded; this side is the credential's own organisation.
            setattr(message, mine, request.auth.organisation)
        return Response(
            {"berichten": [_bericht(m, links, own) for m in page], "volgende": following}
        )

    @extend_schema(
        operation_id="bericht_aanbieden",
        tags=["Berichtenverkeer"],
        summary=gettext_lazy("Een bericht aanbieden"),
        description=gettext_lazy(
            "Biedt één iWmo- of iJw-bericht aan (het product van de koppeling), als de inhoud "
            "van het verzoek (Content-Type application/xml) of als multipart/form-data met het "
            "veld `bestand`. Knooppunt voert dezelfde controles uit als bij Bestand aanbieden "
            "in het portaal, in dezelfde volgorde: grootte (ten hoogste 25 MB), veilig XML, "
            "berichttype en versie, XSD, header, dubbele BerichtIdentificatie (TR056) en de "
            "regels in het bericht. Een goedgekeurd bericht staat direct voor de ontvanger "
            "klaar (201); een afgekeurd bericht wordt niet doorgestuurd en krijgt 422 met de "
            "lijst van bevindingen. Een ZIP-bestand wordt via de webservice niet aangenomen: "
            "één bericht per aanroep."
        ),
        parameters=[
            OpenApiParameter(
                "bestandsnaam",
                {"type": "string", "maxLength": 255},
                OpenApiParameter.QUERY,
                required=False,
                description=gettext_lazy(
                    "De bestandsnaam van een bericht in de inhoud van het verzoek (standaard "
                    "bericht.xml); zonder mappen."
                ),
            )
        ],
        request={
            "application/xml": OpenApiTypes.BINARY,
            "text/xml": OpenApiTypes.BINARY,
            "multipart/form-data": AanbiedenSerializer,
        },
        responses={
            201: OpenApiResponse(
                BerichtDetailSerializer,
                description=gettext_lazy(
                    "Goedgekeurd en klaargezet voor de ontvanger; Location is het adres van het "
                    "bericht."
                ),
            ),
            (422, problems.CONTENT_TYPE): OpenApiResponse(
                AfgekeurdSerializer,
                description=gettext_lazy("Afgekeurd: de bevindingen, niets is doorgestuurd."),
            ),
        },
    )
    def post(self, request):
        filename, data = self._offered(request)
        organisation = request.auth.organisation
        [outcome] = services.offer(
            request.user,
            organisation,
            request.user.product,
            filename,
            data,
            channel=Channel.WEBSERVICE,
            zip_allowed=False,
            request=request,
        )
        if not outcome.accepted:
            findings = [f.as_dict() for f in outcome.findings]
            raise problems.Problem(
                REFUSED,
                detail=ngettext(
                    "Het bericht is afgekeurd en niet doorgestuurd: %(n)d bevinding.",
                    "Het bericht is afgekeurd en niet doorgestuurd: %(n)d bevindingen.",
                    len(findings),
                )
                % {"n": len(findings)},
                errors=[problems.FieldError(f["tekst"], f["code"]) for f in findings],
                extra={"bestand": outcome.filename, "bevindingen": findings},
            )
        message = outcome.message
        assert message is not None
        message.sender = organisation
        body = _detail(message, request)
        return Response(body, status=201, headers={"Location": body["links"]["zelf"]})

    def _offered(self, request) -> tuple[str, bytes]:
        data = request.data
        if not isinstance(data, bytes) and request.content_type.split(";")[0].strip() in (
            XmlParser.media_type,
            TextXmlParser.media_type,
        ):
            data = b""  # an empty body: DRF hands no stream to the parser
        if isinstance(data, bytes):
            return request.query_params.get("bestandsnaam") or "bericht.xml", data
        upload = request.FILES.get("bestand")
        if upload is None:
            raise problems.Problem(
                "ongeldig-verzoek",
                detail=_("Stuur het bericht als inhoud of in het veld `bestand`."),
                errors=[
                    problems.FieldError(
                        _("Dit veld is verplicht."), "required", pointer="#/bestand"
                    )
                ],
            )
        return upload.name or "bericht.xml", upload.read(size_check.max_bytes() + 1)


class BerichtView(ApiView):
    rule = "exchange.use"
    products = tuple(PRODUCTS)

    @extend_schema(
        operation_id="bericht",
        tags=["Berichtenverkeer"],
        summary=gettext_lazy("Eén bericht"),
        description=gettext_lazy(
            "De gegevens van een bericht van uw organisatie: header, grootte, SHA-256, de "
            "statushistorie en de gerelateerde berichten (heen-bericht en retourberichten)."
        ),
        parameters=[ID_PARAMETER],
        responses={
            200: OpenApiResponse(BerichtDetailSerializer, description=gettext_lazy("Het bericht.")),
            404: NOT_FOUND,
        },
    )
    def get(self, request, pk: int):
        message = selectors.message_or_404(request.user, pk)
        return Response(_detail(message, request))


class InhoudView(ApiView):
    rule = "exchange.use"
    products = tuple(PRODUCTS)
    renderer_classes = [JSONRenderer, XmlRenderer]
    # No HEAD: Django would answer it with `get`, and a fetch sets Opgehaald and is audited.
    http_method_names = ["get", "options"]

    @extend_schema(
        operation_id="bericht_inhoud",
        tags=["Berichtenverkeer"],
        summary=gettext_lazy("De inhoud van een bericht ophalen"),
        description=gettext_lazy(
            "Het XML-bestand zoals het werd aangeboden. De eerste keer dat de ontvanger het "
            "ophaalt, krijgt het bericht de status opgehaald (de afzender ziet dat); elke keer "
            "staat in het logboek."
        ),
        parameters=[ID_PARAMETER],
        responses={
            (200, "application/xml"): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("Het bericht.")
            ),
            404: NOT_FOUND,
            (410, problems.CONTENT_TYPE): OpenApiResponse(
                description=gettext_lazy("De inhoud is na de bewaartermijn verwijderd.")
            ),
        },
    )
    def get(self, request, pk: int):
        message = selectors.message_or_404(request.user, pk, "exchange.download")
        if not message.payload_available:
            raise problems.Problem(REMOVED)
        services.download(request.user, [message], request=request)
        return FileResponse(
            payloads.open_stream(message.payload),
            as_attachment=True,
            filename=_safe_filename(message.filename) or _zip_name(message),
            content_type="application/xml",
        )


class OntvangstbevestigingView(ApiView):
    rule = "exchange.use"
    products = tuple(PRODUCTS)

    @extend_schema(
        operation_id="bericht_ontvangstbevestiging",
        tags=["Berichtenverkeer"],
        summary=gettext_lazy("De ontvangst bevestigen"),
        description=gettext_lazy(
            "Zet een ontvangen bericht op opgehaald, bijvoorbeeld nadat uw systeem het heeft "
            "verwerkt. Alleen de ontvanger kan dat; een bericht dat al opgehaald is, blijft "
            "ongewijzigd. Antwoordt met de gegevens van het bericht."
        ),
        parameters=[ID_PARAMETER],
        request=None,
        responses={
            200: OpenApiResponse(
                BerichtDetailSerializer,
                description=gettext_lazy("Het bericht, met de status opgehaald."),
            ),
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        message = selectors.message_or_404(request.user, pk)
        if not rules.can(request.user, "exchange.acknowledge", message):
            raise problems.Problem(
                "geen-toegang",
                detail=_("Alleen de ontvanger van een bericht bevestigt de ontvangst."),
            )
        services.acknowledge(request.user, message, request=request)
        return Response(_detail(message, request))


register(
    "exchange",
    [
        path("berichten", BerichtenView.as_view(), name="berichten"),
        path("berichten/<berichtid:pk>", BerichtView.as_view(), name="bericht"),
        path("berichten/<berichtid:pk>/inhoud", InhoudView.as_view(), name="bericht_inhoud"),
        path(
            "berichten/<berichtid:pk>/ontvangstbevestiging",
            OntvangstbevestigingView.as_view(),
            name="bericht_ontvangstbevestiging",
        ),
    ],
)
