"""The registertoets as a webservice: `POST /api/v1/wlz-registertoets/raadplegingen`, a thin
layer over `services.raadplegen`, so it answers and logs exactly as the screen does. The key
belongs to the organisation's Wlz-Registertoets product (knooppunt.api, knooppunt.products)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from knooppunt.api.registry import register
from knooppunt.api.views import ApiView

from . import services
from .models import Kanaal, Reden


class VraagSerializer(serializers.Serializer):
    bsn = serializers.CharField(
        max_length=20,
        help_text=_("Het burgerservicenummer: 9 cijfers die aan de 11-proef voldoen."),
    )
    geboortedatum = serializers.DateField(help_text=_("JJJJ-MM-DD."))
    reden = serializers.ChoiceField(
        choices=Reden.choices,
        help_text=_("De reden van de raadpleging: %(codes)s.")
        % {"codes": ", ".join(f"{v} ({label})" for v, label in Reden.choices)},
    )
    peildatum = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("De datum waarop de indicatie geldig moet zijn; zonder: vandaag."),
    )


class ZorgprofielSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("iWlz COD163, bijvoorbeeld 754."))
    omschrijving = serializers.CharField()


class IndicatieSerializer(serializers.Serializer):
    zorgprofielen = ZorgprofielSerializer(many=True)
    ingangsdatum = serializers.DateField()
    einddatum = serializers.DateField(allow_null=True, help_text=_("null: doorlopend."))
    afgiftedatum = serializers.DateField()


class AntwoordSerializer(serializers.Serializer):
    wlz_indicatie = serializers.ChoiceField(
        choices=["ja", "nee"],
        help_text=_(
            "ja: een geldige Wlz-indicatie op de peildatum. nee: hetzelfde antwoord of het BSN "
            "onbekend is, de geboortedatum niet past of er geen geldige indicatie is."
        ),
    )
    peildatum = serializers.DateField()
    indicaties = IndicatieSerializer(
        many=True, help_text=_("De geldige indicaties (leeg bij nee).")
    )


class RaadplegingenView(ApiView):
    rule = "registertoets.raadplegen"
    products = ("wlz-registertoets",)

    @extend_schema(
        operation_id="wlz_registertoets_raadplegen",
        tags=["Wlz-Registertoets"],
        summary=_("Het Wlz-register raadplegen"),
        description=_(
            "Heeft deze inwoner op de peildatum een geldige Wlz-indicatie? Hetzelfde antwoord als "
            "het scherm Raadplegen, en net zo vastgelegd (NEN 7513). Een BSN dat niet aan de "
            "11-proef voldoet, een datum in de toekomst of vóór 1900 is een fout (422), nooit "
            "een nee, en wordt niet als raadpleging geteld."
        ),
        request=VraagSerializer,
        responses={
            200: AntwoordSerializer,
            # No body here: the API's conventions document it as problem details.
            422: OpenApiResponse(
                description=_("De vraag voldoet niet aan de regels (errors per veld).")
            ),
        },
        examples=[
            OpenApiExample(
                "Vraag",
                request_only=True,
                value={
                    "bsn": "111222333",
                    "geboortedatum": "1938-04-12",
                    "reden": Reden.SAMENLOOP_WMO,
                },
            ),
        ],
    )
    def post(self, request):
        data = self.validated(VraagSerializer)
        antwoord = services.raadplegen(
            request.user,
            bsn=data["bsn"],
            geboortedatum=data["geboortedatum"],
            reden=data["reden"],
            peildatum=data.get("peildatum"),
            kanaal=Kanaal.WEBSERVICE,
            request=request._request,
        )
        body = {
            "wlz_indicatie": str(antwoord.uitkomst),
            "peildatum": antwoord.vraag.peildatum.isoformat(),
            "indicaties": [
                {
                    "zorgprofielen": [
                        {"code": code, "omschrijving": name} for code, name in ind.zorgprofielen
                    ],
                    "ingangsdatum": ind.ingangsdatum.isoformat(),
                    "einddatum": ind.einddatum.isoformat() if ind.einddatum else None,
                    "afgiftedatum": ind.afgiftedatum.isoformat(),
                }
                for ind in antwoord.indicaties
            ],
        }
        return Response(body, status=status.HTTP_200_OK)  # the shape of AntwoordSerializer


register(
    "registertoets",
    [
        path(
            "wlz-registertoets/raadplegingen",
            RaadplegingenView.as_view(),
            name="registertoets_raadplegingen",
        )
    ],
)
