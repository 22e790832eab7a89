"""The webservice of Wlz-aanvragen (/api/v1/wlz-aanvragen): submit an application with its
attachments (multipart), list the organisation's applications, read one with its history. A thin
layer over the services: the same rules, checks and audit events as on screen; another
organisation's id is a 404."""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from knooppunt.api import problems
from knooppunt.api.registry import register
from knooppunt.api.views import ApiView

from . import services, termijnen
from .models import Aanvraag, Ondertekenaar, Ondertekening, Status
from .services import Onvolledig, Upload
from .soorten import PRODUCT, Soort

PAGE_SIZE = 100
_TAG = "Wlz-aanvragen"


def _max_body() -> int:
    per_file = settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGE_MB * 1024 * 1024
    return settings.KNOOPPUNT_AANVRAGEN_MAX_BIJLAGEN * per_file + 1024 * 1024


# --- bodies -----------------------------------------------------------------------------------


class AanvraagInSerializer(serializers.Serializer):
    """The fields of a submission; the files come as `bijlage_<code>` parts."""

    soort = serializers.ChoiceField(choices=Soort.choices)
    bsn = serializers.CharField(max_length=20, help_text=gettext_lazy("9 cijfers, elfproef."))
    voorletters = serializers.CharField(max_length=20)
    tussenvoegsel = serializers.CharField(max_length=30, required=False, allow_blank=True)
    achternaam = serializers.CharField(max_length=150)
    geboortedatum = serializers.DateField()
    spoed = serializers.BooleanField(required=False, default=False)
    spoed_reden = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    gewenste_datum = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Gewenste ingangsdatum (regulier, partnerverblijf) of opnamedatum (Wzd artikel 21)."
        ),
    )
    toelichting = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    ondertekenaar = serializers.ChoiceField(
        choices=Ondertekenaar.choices, required=False, default=Ondertekenaar.CLIENT
    )
    vertegenwoordiger_naam = serializers.CharField(max_length=200, required=False, allow_blank=True)
    vertegenwoordiger_relatie = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    ondertekening = serializers.ChoiceField(
        choices=Ondertekening.choices, required=False, default=Ondertekening.WACHT
    )
    aanmelder_naam = serializers.CharField(
        max_length=200, help_text=gettext_lazy("Wie de aanvraag invoert (de aanmelder).")
    )
    aanmelder_functie = serializers.CharField(max_length=100)
    aanmelder_telefoon = serializers.CharField(max_length=20)


class WijzigingSerializer(serializers.Serializer):
    tijdstip = serializers.DateTimeField(source="at")
    van = serializers.CharField(source="van_status")
    naar = serializers.CharField(source="naar_status")
    door = serializers.CharField()
    organisatie = serializers.CharField(source="door_organisatie")
    opmerking = serializers.CharField()


class BijlageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    soort = serializers.CharField(source="soort.code")
    bestandsnaam = serializers.CharField()
    content_type = serializers.CharField()
    grootte = serializers.IntegerField()
    toegevoegd_op = serializers.DateTimeField(source="toegevoegd_at")


class TermijnSerializer(serializers.Serializer):
    beslistermijn = serializers.DateTimeField(allow_null=True, source="deadline")
    gepauzeerd = serializers.BooleanField(source="paused")
    te_laat = serializers.BooleanField(source="late")
    ontvangst_te_laat = serializers.BooleanField(source="receipt_late")


class AanvraagKortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    soort = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    uitkomst = serializers.CharField(allow_blank=True)
    spoed = serializers.BooleanField()
    achternaam = serializers.CharField(allow_blank=True)
    ingediend_op = serializers.DateTimeField(source="ingediend_at", allow_null=True)
    termijn = serializers.SerializerMethodField()

    def get_termijn(self, obj) -> dict:
        return dict(TermijnSerializer(termijnen.termijn(obj)).data)


class AanvraagSerializer(AanvraagKortSerializer):
    bsn = serializers.CharField(allow_blank=True)
    voorletters = serializers.CharField(allow_blank=True)
    tussenvoegsel = serializers.CharField(allow_blank=True)
    geboortedatum = serializers.DateField(allow_null=True)
    spoed_reden = serializers.CharField(allow_blank=True)
    gewenste_datum = serializers.DateField(allow_null=True)
    toelichting = serializers.CharField(allow_blank=True)
    ondertekenaar = serializers.CharField()
    vertegenwoordiger_naam = serializers.CharField(allow_blank=True)
    vertegenwoordiger_relatie = serializers.CharField(allow_blank=True)
    ondertekening = serializers.CharField()
    aanmelder_naam = serializers.CharField(allow_blank=True)
    aanmelder_functie = serializers.CharField(allow_blank=True)
    aanmelder_telefoon = serializers.CharField(allow_blank=True)
    besluitdatum = serializers.DateField(allow_null=True)
    opschorting_reden = serializers.CharField(allow_blank=True)
    nodig = serializers.ListField(child=serializers.CharField(), source="opschorting_nodig")
    gegevens_verwijderd_op = serializers.DateTimeField(source="geminimaliseerd_at", allow_null=True)
    bijlagen = BijlageSerializer(many=True)
    historie = WijzigingSerializer(many=True)


class AanvraagLijstSerializer(serializers.Serializer):
    aantal = serializers.IntegerField()
    pagina = serializers.IntegerField()
    resultaten = AanvraagKortSerializer(many=True)


def _one(aanvraag: Aanvraag) -> dict:
    aanvraag = Aanvraag.objects.prefetch_related("bijlagen__soort", "historie").get(pk=aanvraag.pk)
    return dict(AanvraagSerializer(aanvraag).data)


# --- endpoints --------------------------------------------------------------------------------


@extend_schema(tags=[_TAG])
class AanvragenView(ApiView):
    rule = "aanvragen.use"
    products = (PRODUCT,)
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        self.max_body_bytes = _max_body()
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="wlz_aanvragen_lijst",
        summary=gettext_lazy("De aanvragen van uw organisatie"),
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=Status.values,
                description=gettext_lazy("Alleen aanvragen met deze status."),
            ),
            OpenApiParameter("pagina", OpenApiTypes.INT, description=gettext_lazy("Vanaf 1.")),
        ],
        responses={200: AanvraagLijstSerializer},
    )
    def get(self, request):
        status = request.query_params.get("status", "")
        if status and status not in Status.values:
            raise problems.Problem(
                "ongeldig-verzoek",
                detail=_("Onbekende status."),
                errors=[
                    problems.FieldError(
                        _("Kies een van: %(s)s.") % {"s": ", ".join(Status.values)},
                        "invalid_choice",
                        parameter="status",
                    )
                ],
            )
        raw_page = request.query_params.get("pagina", "1")
        if not raw_page.isdigit() or int(raw_page) < 1 or len(raw_page) > 9:
            raise problems.Problem(
                "ongeldig-verzoek",
                detail=_("Ongeldige pagina."),
                errors=[
                    problems.FieldError(_("Een getal vanaf 1."), "invalid", parameter="pagina")
                ],
            )
        page = int(raw_page)
        from .selectors import Query, organisation_list

        rows = organisation_list(request.user, Query(status=status, sorteer="nummer"))
        total = rows.count()
        found = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return Response(
            {
                "aantal": total,
                "pagina": page,
                "resultaten": AanvraagKortSerializer(found, many=True).data,
            }
        )

    @extend_schema(
        operation_id="wlz_aanvragen_indienen",
        summary=gettext_lazy("Een aanvraag indienen, met bijlagen"),
        description=gettext_lazy(
            "multipart/form-data: de velden, en elke bijlage als een deel `bijlage_<code>` met "
            "de code van de soort bijlage (medische-informatie, wzd-verklaring, "
            "verklaring-partnerverblijf, ondertekening, overig; PDF, JPEG of PNG). De "
            "aanvraag wordt in één keer ingediend, of helemaal niet: 422 noemt wat ontbreekt "
            "of niet klopt (een aanvraagsoort buiten het profiel, een BSN dat de elfproef niet "
            "doorstaat, een bijlage die niet is wat ze zegt te zijn)."
        ),
        request={"multipart/form-data": AanvraagInSerializer},
        responses={
            201: AanvraagSerializer,
            (422, problems.CONTENT_TYPE): OpenApiResponse(
                description=gettext_lazy("De aanvraag voldoet niet aan de regels.")
            ),
        },
    )
    def post(self, request):
        data = dict(self.validated(AanvraagInSerializer))
        uploads = [
            Upload(key[len("bijlage_") :], file)
            for key in request.FILES
            if key.startswith("bijlage_")
            for file in request.FILES.getlist(key)
        ]
        try:
            aanvraag = services.create_and_submit(
                request.user, data.pop("soort"), data, uploads, request=request
            )
        except Onvolledig as exc:
            raise problems.Problem(
                "niet-verwerkt",
                detail=_("De aanvraag is niet compleet en is niet ingediend."),
                errors=[
                    problems.FieldError(item, "ontbreekt", pointer="#") for item in exc.missing
                ],
            ) from None
        response = Response(_one(aanvraag), status=201)
        response["Location"] = f"/api/v1/wlz-aanvragen/{aanvraag.pk}"
        return response


@extend_schema(tags=[_TAG])
class AanvraagView(ApiView):
    rule = "aanvragen.use"
    products = (PRODUCT,)

    @extend_schema(
        operation_id="wlz_aanvraag",
        summary=gettext_lazy("Eén aanvraag met haar historie"),
        description=gettext_lazy(
            "Het openen staat in het logboek (NEN 7513): wie, wanneer, welke cliënt."
        ),
        responses={200: AanvraagSerializer},
    )
    def get(self, request, pk: int):
        aanvraag = self.get_scoped_or_404(Aanvraag.objects.all(), pk=pk, product_field=None)
        services.record_opened(request.user, aanvraag, request=request)
        return Response(_one(aanvraag))


register(
    "aanvragen",
    [
        path("wlz-aanvragen", AanvragenView.as_view(), name="wlz_aanvragen"),
        path("wlz-aanvragen/<int:pk>", AanvraagView.as_view(), name="wlz_aanvraag"),
    ],
)
