"""The console in the portal's look: Dutch section names, the portal's footer, one theme."""

import re

import pytest
from django.urls import reverse

from knooppunt.testing.factories import OperatorUserFactory

pytestmark = pytest.mark.django_db


def test_the_console_speaks_dutch_and_has_the_portals_footer(client):
    client.force_login(OperatorUserFactory())
    html = client.get(reverse("operator:index")).content.decode()
    sections = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)
    assert {"Gebruikers", "Organisaties", "Logboek", "Aanmelden gebruikersbeheerder"} <= set(
        sections
    ), sections
    assert "Accounts" not in sections and "ACCOUNTS" not in html
    assert "Toegankelijkheidsverklaring" in html and "servicedesk@knooppunt.example" in html
    assert "nlds/fonts.css" in html and "operators/console.css" in html
    assert "color_theme_toggle" not in html and 'class="theme-toggle"' not in html
