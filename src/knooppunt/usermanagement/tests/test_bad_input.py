"""Bad input in URLs and forms gets a message or a 404, never a server error."""

import pytest
from django.urls import reverse

from knooppunt.testing.factories import OperatorUserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("usermanagement:user_list")


@pytest.mark.parametrize(
    "query",
    [
        "pagina=-5",
        "pagina=99999999999999999999999",
        "pagina=1.5",
        "sorteer=--naam",
        "sorteer=-",
        "zoeken=" + "x" * 5000,
        "zoeken=%00",
        "zoeken=%F0%9F%98%80",
        "toon_verwijderd=ja",
    ],
)
def test_odd_list_parameters(admin_client, query):
    assert admin_client.get(f"{LIST}?{query}").status_code == 200


@pytest.mark.parametrize(
    "query", ["organisatie=1e5", "organisatie=-1", "organisatie=99999999999999999999999"]
)
def test_odd_organisation_parameters_for_the_operator(client, query):
    client.force_login(OperatorUserFactory())
    assert client.get(f"{LIST}?{query}").status_code in (200, 404)
    assert client.get(f"{reverse('usermanagement:user_create')}?{query}").status_code == 404
    assert client.get(f"{reverse('audit:log')}?{query}").status_code in (200, 404)


@pytest.mark.parametrize("pk", ["0", "99999999999999999999999999"])
@pytest.mark.parametrize("name", ["user_edit", "user_delete", "user_deactivate", "user_saved"])
def test_unknown_or_absurd_ids_are_404(admin_client, name, pk):
    url = reverse("usermanagement:user_list") + f"{pk}/"
    if name != "user_edit":
        url += {
            "user_delete": "verwijderen/",
            "user_deactivate": "deactiveren/",
            "user_saved": "opgeslagen/",
        }[name]
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url, {"reason": "x"}).status_code == 404


def test_odd_form_values(admin_client, colleague):
    url = reverse("usermanagement:user_deactivate", args=[colleague.pk])
    assert admin_client.post(url, {"until": "99-99-9999"}).status_code == 200
    url = reverse("usermanagement:user_edit", args=[colleague.pk])
    response = admin_client.post(url, {"version": "abc", "voorletters": "P"})
    assert response.status_code == 200
    assert admin_client.post(url, {"version": "99999999999999999999999"}).status_code == 200
    response = admin_client.get(reverse("audit:log"), {"van": "2026-02-31"})
    assert response.status_code == 200


@pytest.mark.parametrize("pagina", ["99999999999999999999999", "-3", "x"])
def test_an_absurd_page_number_for_the_operator_shows_a_page(client, world, pagina):
    client.force_login(OperatorUserFactory())
    response = client.get(f"{LIST}?zoeken=a&pagina={pagina}")
    assert response.status_code == 200
