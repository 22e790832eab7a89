"""seed_demo: the demo zorgaanbieder has Wlz-aanvragen with profile Volledig, a second care
provider has Basis, and each has applications in different statuses; running it again adds
nothing."""

import pytest
from django.core.management import call_command

from knooppunt.aanvragen.models import Aanvraag, Status
from knooppunt.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_both_care_providers_applications(capsys):
    call_command("seed_demo")
    printed = capsys.readouterr().out
    assert "rdijkstra" in printed and "ekok" in printed
    linde = Organisation.objects.get(naam="Zorggroep De Linde")
    berk = Organisation.objects.get(naam="Zorgcentrum De Berk")
    assert (linde.profile, berk.profile) == ("volledig", "basis")
    for organisation in (linde, berk):
        assert organisation.products.filter(code="wlz-aanvragen").exists()
    linde_statuses = set(
        Aanvraag.objects.filter(organisation=linde).values_list("status", flat=True)
    )
    assert linde_statuses == {
        Status.CONCEPT,
        Status.INGEDIEND,
        Status.OPGESCHORT,
        Status.IN_BEHANDELING,
        Status.BESLUIT,
    }
    assert Aanvraag.objects.filter(organisation=linde, soort="partnerverblijf").exists()
    berk_rows = Aanvraag.objects.filter(organisation=berk)
    assert Status.INGETROKKEN in set(berk_rows.values_list("status", flat=True))
    assert not berk_rows.filter(soort="partnerverblijf").exists()
    count = Aanvraag.objects.count()
    call_command("seed_demo")
    assert Aanvraag.objects.count() == count
