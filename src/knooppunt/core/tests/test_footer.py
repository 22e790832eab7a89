"""The footer on every page: the servicedesk (configurable), the privacy statement, the
toegankelijkheidsverklaring (the operator's own text or the default) and the version."""

from importlib import metadata

import pytest
from django.urls import reverse

from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_every_page_has_the_footer_also_behind_the_gate(client):
    for url in [reverse("accounts:login"), reverse("core:privacy"), "/nergens/"]:
        html = client.get(url).content.decode()
        assert "servicedesk@knooppunt.example" in html and "Toegankelijkheidsverklaring" in html
        assert f"v{metadata.version('knooppunt')}" in html
    gated = AdministratorFactory(organisation=OrganisationFactory(agreements_signed=False))
    client.force_login(gated)
    response = client.get(reverse("core:welcome"))
    html = response.content.decode()
    assert response.status_code == 403 and "Toegankelijkheidsverklaring" in html
    # The gate's menu does not lead back to the gate, and it names whom to contact.
    assert 'href="/gebruikers/"' not in html and 'href="/mijn-gegevens/"' not in html
    assert "Log Uit" in html
    content = html[html.index("<main") : html.index("</main>")]
    assert "mailto:servicedesk@knooppunt.example" in content and "tel:0881234567" in content
    # The statements stay reachable behind the gate.
    assert client.get(reverse("core:accessibility")).status_code == 200


def test_the_servicedesk_is_configurable(client, settings):
    settings.KNOOPPUNT_SERVICEDESK_PHONE = "0800 222 11 22"
    settings.KNOOPPUNT_SERVICEDESK_EMAIL = "servicedesk@bidn.example"
    settings.KNOOPPUNT_SERVICEDESK_NAME = "servicedesk van BIDN"
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'href="tel:08002221122">0800 222 11 22</a>' in html
    assert 'href="mailto:servicedesk@bidn.example"' in html
    assert "servicedesk van BIDN" in html


def test_the_statements_have_a_default_and_take_the_operators_text(client, settings, tmp_path):
    html = client.get(reverse("core:accessibility")).content.decode()
    assert "WCAG" in html and "Besluit digitale toegankelijkheid overheid" in html
    statement = tmp_path / "verklaring.txt"
    statement.write_text(
        "# Onze verklaring\n\nWij voldoen <b>volledig</b>.\n\nTweede alinea.", encoding="utf-8"
    )
    settings.KNOOPPUNT_ACCESSIBILITY_STATEMENT_FILE = str(statement)
    html = client.get(reverse("core:accessibility")).content.decode()
    assert '<h2 class="utrecht-heading-2">Onze verklaring</h2>' in html
    assert "Wij voldoen &lt;b&gt;volledig&lt;/b&gt;." in html  # plain text, escaped
    settings.KNOOPPUNT_PRIVACY_STATEMENT_FILE = str(tmp_path / "ontbreekt.txt")
    assert "AVG" in client.get(reverse("core:privacy")).content.decode()  # the default


def test_the_login_page_has_portero_help_text(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Problemen met inloggen?" in html and "In de e-mail moet staan:" in html
    for item in ("volledige naam", "naam van uw organisatie", "gebruikersnaam", "telefoonnummer"):
        assert item in html


def test_the_language_is_offered_in_its_own_name(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<option value="en" lang="en">English</option>' in html
    assert "Engels" not in html
