"""The bodies of the API's own endpoints, as drf-spectacular documents them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class OrganisatieSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Het id van de organisatie in Knooppunt."))
    naam = serializers.CharField()
    type = serializers.ChoiceField(choices=["gemeente", "zorgaanbieder", "operator"])
    agb_code = serializers.CharField(allow_blank=True, help_text=_("AGB-code (zorgaanbieder)."))
    gemeentecode = serializers.CharField(allow_blank=True, help_text=_("Gemeentecode (gemeente)."))


class ProductSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Bijvoorbeeld iwmo, ijw, wlz-registertoets."))
    naam = serializers.CharField()


class KoppelingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    naam = serializers.CharField()
    geldig_tot = serializers.DateTimeField(
        allow_null=True, help_text=_("Het moment waarop de koppeling verloopt, of null.")
    )
    sleutel = serializers.ChoiceField(
        choices=["huidig", "vorig"],
        help_text=_("Of de huidige sleutel werd gebruikt, of de vorige in haar overgangstermijn."),
    )
    vorige_sleutel_geldig_tot = serializers.DateTimeField(
        allow_null=True,
        help_text=_("Na een vernieuwing: tot wanneer de vorige sleutel nog werkt, of null."),
    )


class PingSerializer(serializers.Serializer):
    organisatie = OrganisatieSerializer()
    product = ProductSerializer()
    koppeling = KoppelingSerializer()
    trace_id = serializers.CharField(help_text=_("De X-B3-TraceId van deze aanroep."))
    tijdstip = serializers.DateTimeField()


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok"])
    onderdelen = serializers.DictField(
        child=serializers.ChoiceField(choices=["ok", "onbereikbaar"]),
        help_text=_("Per onderdeel (database, taakwachtrij) of het bereikbaar is."),
    )
