"""The screens that guide an administrator: the counts on "Welkom" that link to the filtered
list, the status filter, "Uitnodiging opnieuw versturen" on the user's page, in the list and on
the dashboard, the next step after creating a user, "… is goedgekeurd", no "Verwijderen" for
oneself, "Terug naar overzicht" back to the search, and what each role allows."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from knooppunt.accounts import passwords
from knooppunt.accounts.models import PasswordLink, PasswordLinkPurpose, Status
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import OperatorUserFactory, UserFactory, grant
from knooppunt.testing.html import body_rows, link_texts

pytestmark = pytest.mark.django_db
LIST = reverse("usermanagement:user_list")
WELCOME = reverse("core:welcome")


def usernames(html: str) -> set[str]:
    return set(link_texts(body_rows(html), r"/gebruikers/\d+/"))


@pytest.fixture
def states(world):
    org = world.organisation
    invited = UserFactory(organisation=org, username="uitgenodigd1", status=Status.INVITED)
    passwords.create_link(invited, PasswordLinkPurpose.INVITATION)
    expired = UserFactory(organisation=org, username="verlopen1", status=Status.INVITED)
    passwords.create_link(expired, PasswordLinkPurpose.INVITATION)
    PasswordLink.objects.filter(user=expired).update(expires_at=timezone.now())
    pending = UserFactory(
        organisation=org, username="wachtend1", status=Status.PENDING, self_registered=True
    )
    away = UserFactory(
        organisation=org,
        username="weg1",
        status=Status.DEACTIVATED,
        deactivated_until=timezone.localdate() + datetime.timedelta(days=14),
    )
    gone = UserFactory(organisation=org, username="oud1", status=Status.EXPIRED)
    UserFactory(organisation=world.other_organisation, username="elders1", status=Status.EXPIRED)
    return {"invited": invited, "expired": expired, "pending": pending, "away": away, "gone": gone}


def test_welkom_counts_link_to_the_filtered_list(admin_client, states):
    html = admin_client.get(WELCOME).content.decode()
    counts = dict(
        re.findall(r'href="/gebruikers/\?status=([a-z-]+)"><span class="count">(\d+)</span>', html)
    )
    assert counts == {
        "wacht-op-goedkeuring": "1",
        "uitgenodigd": "1",
        "uitnodiging-verlopen": "1",
        "gedeactiveerd": "1",
        "verlopen": "1",  # not the other organisation's
    }
    away = states["away"].deactivated_until.strftime("%d-%m-%Y")
    assert f"weer actief op {away}" in html
    for value, expected in [
        ("wacht-op-goedkeuring", {"wachtend1"}),
        ("uitgenodigd", {"uitgenodigd1"}),
        ("uitnodiging-verlopen", {"verlopen1"}),
        ("gedeactiveerd", {"weg1"}),
        ("verlopen", {"oud1"}),
    ]:
        listed = admin_client.get(LIST, {"status": value}).content.decode()
        assert usernames(listed) == expected, value
    # A status the list does not know shows everyone.
    assert "abeheer" in usernames(admin_client.get(LIST, {"status": "??"}).content.decode())


def test_the_operator_filters_by_status_over_all_organisations(client, states):
    client.force_login(OperatorUserFactory())
    html = client.get(LIST, {"status": "verlopen"}).content.decode()
    assert usernames(html) == {"oud1", "elders1"}


def test_resend_invitation_on_the_dashboard_the_list_and_the_users_page(
    admin_client, states, mail_outbox
):
    expired = states["expired"]
    url = reverse("usermanagement:user_resend_invitation", args=[expired.pk])
    assert f'action="{url}"' in admin_client.get(WELCOME).content.decode()
    listed = admin_client.get(LIST).content.decode()
    assert f'action="{url}"' in listed
    assert listed.count("Uitnodiging opnieuw versturen") == 2  # both invited users, no one else
    # The list's rows are a Jinja2 fragment: its form carries the CSRF token too.
    form = re.search(rf'<form method="post" action="{url}".*?</form>', listed, re.S)
    assert form and 'name="csrfmiddlewaretoken" value="' in form.group(0)
    assert f'name="next" value="{LIST}"' in form.group(0)
    page = admin_client.get(reverse("usermanagement:user_edit", args=[expired.pk])).content
    assert f'action="{url}"'.encode() in page and b"De link in de uitnodiging is verlopen" in page

    response = admin_client.post(url, {"next": WELCOME})
    assert response.status_code == 302 and response["Location"] == WELCOME
    assert len(mail_outbox.to(expired.email)) == 1
    assert AuditEvent.objects.filter(action="user.resend_invitation").count() == 1
    # The link works again, so the user left "uitnodiging verlopen".
    listed = admin_client.get(LIST, {"status": "uitnodiging-verlopen"}).content.decode()
    assert usernames(listed) == set()
    # An outside address as the way back is ignored.
    response = admin_client.post(url, {"next": "https://elders.example/"})
    assert response["Location"] == reverse("usermanagement:user_edit", args=[expired.pk])
    # GET changes nothing.
    admin_client.get(url)
    assert AuditEvent.objects.filter(action="user.resend_invitation").count() == 2


def test_no_delete_for_oneself_in_the_list(admin_client, world, colleague):
    html = admin_client.get(LIST).content.decode()
    own = reverse("usermanagement:user_delete", args=[world.admin.pk])
    other = reverse("usermanagement:user_delete", args=[colleague.pk])
    assert own not in html and other in html


def test_back_to_the_list_keeps_the_search(admin_client, world, colleague):
    admin_client.get(LIST, {"zoeken": "piet", "sorteer": "-gebruikersnaam"})
    edit = admin_client.get(reverse("usermanagement:user_edit", args=[colleague.pk]))
    back = f"{LIST}?zoeken=piet&amp;sorteer=-gebruikersnaam"
    assert f'href="{back}">Annuleren</a>' in edit.content.decode()
    admin_client.post(
        reverse("usermanagement:user_delete", args=[colleague.pk]) + "?terug=lijst",
        {"reason": "weg"},
    )
    deleted = admin_client.get(reverse("usermanagement:user_deleted", args=[colleague.pk]))
    assert f'href="{back}">Terug naar overzicht</a>' in deleted.content.decode()


def test_saving_a_pending_user_with_roles_says_it_is_approved(admin_client, world):
    pending = UserFactory(
        organisation=world.organisation,
        status=Status.PENDING,
        self_registered=True,
        email="nieuw.lid@voorbeeld.nl",
    )
    data = {
        "voorletters": pending.voorletters,
        "voornaam": pending.voornaam,
        "achternaam": pending.achternaam,
        "email": pending.email,
        "version": pending.version,
        "rol_iwmo_gebruiker": "on",
    }
    response = admin_client.post(
        reverse("usermanagement:user_edit", args=[pending.pk]), data, follow=True
    )
    html = response.content.decode()
    assert f"{pending.naam} is goedgekeurd" in html
    assert "iWmo — Gebruiker" in html


def test_each_role_checkbox_says_what_it_allows(admin_client, world, colleague):
    html = admin_client.get(reverse("usermanagement:user_edit", args=[colleague.pk])).content
    html = html.decode()
    box = re.search(r'<input type="checkbox" name="rol_iwmo_gebruiker"[^>]*>', html).group(0)
    assert 'aria-describedby="id_rol_iwmo_gebruiker_helptext"' in box
    assert "utrecht-checkbox--custom" in box  # 24 px (the tokens' checkbox size)
    assert re.search(
        r'id="id_rol_iwmo_gebruiker_helptext">Uploaden en downloaden van iWmo-berichten.', html
    )
    assert re.search(r'id="id_rol_iwmo_productbeheerder_helptext">[^<]*geen raadplegingen', html)
    # The switches are checkboxes with role=switch, named by their visible label.
    assert re.search(r'<input type="checkbox" name="nieuwsbrief"[^>]*role="switch"', html)
    assert re.search(r'<label class="[^"]*" for="id_nieuwsbrief">nieuwsbrief</label>', html)


def test_every_user_sees_tiles_of_the_products_they_hold_a_role_for(client, world, colleague):
    grant(colleague, "iwmo", "gebruiker")
    grant(colleague, "ijw", "productbeheerder")
    grant(colleague, "wlz-aanvragen", "gebruiker", active=False)
    client.force_login(colleague)
    html = client.get(WELCOME).content.decode()
    tiles = html[html.index('id="producten-kop"') :]
    assert "iWmo" in tiles and "Uploaden en downloaden van iWmo-berichten." in tiles
    assert "iJw" in tiles and "geen raadplegingen" in tiles
    assert "Wlz-aanvragen indienen" not in tiles  # a suspended role is no tile
    assert "Wat vraagt uw aandacht" not in html  # counts are for administrators


def test_a_product_the_organisation_no_longer_has_shows_no_tile(client, world, colleague):
    from knooppunt.access.models import Product

    grant(colleague, "iwmo", "gebruiker")
    grant(colleague, "ijw", "gebruiker")
    world.organisation.products.remove(Product.objects.get(code="ijw"))
    client.force_login(colleague)
    html = client.get(WELCOME).content.decode()
    tiles = html[html.index('id="producten-kop"') :]
    assert "Uploaden en downloaden van iWmo-berichten." in tiles
    assert "iJw-berichten" not in tiles  # the role stays, but it opens nothing any more


def test_a_user_without_roles_is_told_whom_to_ask(client, colleague):
    client.force_login(colleague)
    html = client.get(WELCOME).content.decode()
    assert "Vraag de gebruikersbeheerder van uw organisatie" in html


def test_the_actief_switch_is_named_by_its_visible_text(admin_client, colleague):
    html = admin_client.get(reverse("usermanagement:user_edit", args=[colleague.pk])).content
    button = re.search(r'<button [^>]*role="switch".*?</button>', html.decode(), re.S).group(0)
    assert 'aria-checked="true"' in button and "aria-labelledby" not in button
    visible = re.sub(r"<[^>]+>", "", button).strip()
    assert visible == "Actief"  # the whole name, and nothing that is not on screen
