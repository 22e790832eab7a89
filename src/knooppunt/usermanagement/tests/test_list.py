"""The "Gebruikers" list (Portero 3.1, SPEC 6): search, deleted users, sorting, pages, status,
the operator's list over all organisations, and the CSV export."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from knooppunt.accounts.models import Status
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import OperatorUserFactory, OrganisationFactory, UserFactory
from knooppunt.testing.html import body_rows, cells, link_texts
from knooppunt.testing.views import body
from knooppunt.usermanagement import search
from knooppunt.usermanagement.models import UserSearchIndex

pytestmark = pytest.mark.django_db
LIST = reverse("usermanagement:user_list")


def usernames(response) -> list[str]:
    """Login names in the table, in order."""
    return link_texts(body_rows(response.content.decode()), r"/gebruikers/\d+/")


@pytest.fixture
def people(world):
    org = world.organisation
    return {
        "nunez": UserFactory(
            organisation=org,
            username="jnunez",
            voorletters="J.",
            voornaam="José",
            achternaam="Núñez",
            email="jose.nunez@voorbeeld.nl",
        ),
        "dijk": UserFactory(
            organisation=org,
            username="kvdijk",
            voorletters="K.",
            voornaam="Karin",
            tussenvoegsel="van",
            achternaam="Dijk",
            email="k.dijk@voorbeeld.nl",
        ),
        "ozturk": UserFactory(
            organisation=org,
            username="mozturk",
            voorletters="M.A.",
            voornaam="Mehmet",
            achternaam="Öztürk",
            email="secretaris.mo@voorbeeld.nl",
        ),
    }


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("NUÑEZ", {"jnunez"}),  # case-insensitive, accents as typed
        ("nunez", {"jnunez"}),  # accent-insensitive
        ("josé", {"jnunez"}),  # first name
        ("kvdij", {"kvdijk"}),  # part of the login name
        ("M.A", {"mozturk"}),  # voorletters as written
        ("van", {"kvdijk"}),  # tussenvoegsel
        ("oztu", {"mozturk"}),  # accent-folded surname
        ("retaris.mo@", {"mozturk"}),  # part of an e-mail address
        ("@voorbeeld", {"jnunez", "kvdijk", "mozturk", "abeheer"}),
        ("k van dijk", {"kvdijk"}),  # the name as the list shows it
        ("karin van dijk", {"kvdijk"}),  # the full name
        ("x", set()),  # a single character is a search too
    ],
)
def test_search_is_a_case_and_accent_insensitive_substring_match(
    admin_client, people, term, expected
):
    response = admin_client.get(LIST, {"zoeken": term})
    assert response.status_code == 200
    assert set(usernames(response)) == expected


def test_search_wildcards_are_literal(admin_client, people):
    response = admin_client.get(LIST, {"zoeken": "%"})
    assert usernames(response) == []
    response = admin_client.get(LIST, {"zoeken": "_"})
    assert usernames(response) == []


def test_empty_search_lists_everyone_and_the_form_keeps_the_term(admin_client, people):
    response = admin_client.get(LIST)
    assert len(usernames(response)) == 4
    html = response.content.decode()  # each cell names its column for the stacked layout
    for label in ("Naam", "Laatste inlog", "Status", "Opmerkingen"):
        assert html.count(f'data-label="{label}"') == 4, label
    response = admin_client.get(LIST, {"zoeken": "  dijk "})
    assert 'value="dijk"' in response.content.decode()


def test_deleted_users_are_hidden_until_asked_for_and_show_the_reason(admin_client, people, world):
    gone = UserFactory(
        organisation=world.organisation,
        username="pweg",
        status=Status.DELETED,
        email="",
        deletion_reason="Uit dienst per 1 maart",
        deleted_at=timezone.now(),
    )
    response = admin_client.get(LIST)
    assert gone.username not in usernames(response)
    response = admin_client.get(LIST, {"toon_verwijderd": "1"})
    assert gone.username in usernames(response)
    html = response.content.decode()
    assert "Uit dienst per 1 maart" in html
    assert "verwijderd" in html
    # "Wis Filter" is a link to the bare list: no search, deleted users hidden again.
    assert f'href="{LIST}">Wis Filter</a>' in html


def test_status_is_visible(admin_client, world):
    for status in Status:
        if status != Status.DELETED:
            UserFactory(organisation=world.organisation, status=status)
    html = admin_client.get(LIST).content.decode()
    for label in ("actief", "gedeactiveerd", "uitgenodigd", "wacht op goedkeuring", "verlopen"):
        assert cells(html, label), label


@pytest.mark.parametrize(
    ("column", "key"),
    [
        ("gebruikersnaam", lambda u: u.username),
        ("naam", lambda u: (u.achternaam.lower(), u.pk)),
        ("laatste_inlog", lambda u: (u.last_login, u.pk)),
    ],
)
def test_columns_sort_ascending_then_descending_with_aria_sort(admin_client, world, column, key):
    now = timezone.now()
    users = [world.admin] + [
        UserFactory(
            organisation=world.organisation,
            username=f"u{name.lower()}",
            achternaam=name,
            last_login=now - timezone.timedelta(days=days),
        )
        for name, days in [("Zwart", 3), ("Appel", 1), ("Mol", 7), ("Bos", 2)]
    ]
    world.admin.last_login = now - timezone.timedelta(days=30)
    world.admin.save()
    expected = [u.username for u in sorted(users, key=key)]

    first = admin_client.get(LIST, {"sorteer": column})
    assert usernames(first) == expected
    html = first.content.decode()
    assert re.search(
        rf'scope="col" aria-sort="ascending"><a [^>]*href="\?sorteer=-{column}">', html
    )
    second = admin_client.get(LIST, {"sorteer": f"-{column}"})
    assert usernames(second) == list(reversed(expected))
    assert 'aria-sort="descending"' in second.content.decode()


def test_sorting_by_remarks_orders_deleted_users_by_reason(admin_client, world):
    for name, reason in [("a1", "Pensioen"), ("a2", "Andere functie"), ("a3", "Uit dienst")]:
        UserFactory(
            organisation=world.organisation,
            username=name,
            status=Status.DELETED,
            email="",
            deletion_reason=reason,
        )
    response = admin_client.get(LIST, {"sorteer": "opmerkingen", "toon_verwijderd": "1"})
    assert usernames(response)[-3:] == ["a2", "a1", "a3"]


def test_unknown_sort_and_page_values_fall_back_to_defaults(admin_client, people):
    response = admin_client.get(LIST, {"sorteer": "password", "pagina": "abc"})
    assert response.status_code == 200
    assert re.search(
        r'aria-sort="ascending"><a [^>]*href="\?sorteer=-naam">', response.content.decode()
    )


def test_pages_of_fifty_with_the_total(admin_client, world):
    for n in range(119):
        UserFactory(organisation=world.organisation, achternaam=f"Lid{n:03d}")
    response = admin_client.get(LIST)
    html = response.content.decode()
    assert len(usernames(response)) == 50
    assert "120 gebruikers gevonden." in html
    assert "Pagina 1 van 3" in html
    assert 'href="?pagina=2" rel="next"' in html
    last = admin_client.get(LIST, {"pagina": "3"})
    assert len(usernames(last)) == 20
    assert "U ziet 101 tot en met 120." in last.content.decode()
    # Beyond the last page: the last page, not an error.
    beyond = admin_client.get(LIST, {"pagina": "99"})
    assert usernames(beyond) == usernames(last)
    # Every name appears exactly once over the pages.
    seen = [n for p in (1, 2, 3) for n in usernames(admin_client.get(LIST, {"pagina": p}))]
    assert len(seen) == len(set(seen)) == 120


def test_search_sort_and_page_survive_in_every_link(admin_client, world):
    for n in range(60):
        UserFactory(organisation=world.organisation, achternaam=f"Visser{n}")
    response = admin_client.get(LIST, {"zoeken": "visser", "sorteer": "-gebruikersnaam"})
    html = response.content.decode()
    assert 'href="?zoeken=visser&amp;sorteer=-gebruikersnaam&amp;pagina=2" rel="next"' in html
    assert 'href="?zoeken=visser">Naam' in html  # the default sort needs no parameter


def test_query_count_does_not_grow_with_the_number_of_rows(admin_client, world):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(LIST, {"zoeken": "proef"})
        assert response.status_code == 200
        return len(captured)

    UserFactory.create_batch(3, organisation=world.organisation)
    count_queries()  # the first request also stamps the session's idle clock
    few = count_queries()
    UserFactory.create_batch(70, organisation=world.organisation)
    many = count_queries()
    assert few == many
    assert many <= 10


def test_operator_lists_all_organisations_with_column_and_filter(client, world, people):
    elsewhere = UserFactory(organisation=world.other_organisation, achternaam="Nunez")
    client.force_login(OperatorUserFactory())
    response = client.get(LIST, {"zoeken": "nunez"})
    html = response.content.decode()
    assert set(usernames(response)) == {"jnunez", elsewhere.username}
    assert re.search(r'<th [^>]*scope="col">Organisatie</th>', html)
    assert "Gemeente Elders" in html and "Gemeente Voorbeeld" in html
    response = client.get(LIST, {"zoeken": "nunez", "organisatie": world.organisation.pk})
    assert usernames(response) == ["jnunez"]
    assert client.get(LIST, {"organisatie": "abc"}).status_code == 404


def test_administrator_may_name_its_own_organisation(admin_client, world, people):
    response = admin_client.get(LIST, {"organisatie": world.organisation.pk})
    assert response.status_code == 200
    assert admin_client.get(LIST, {"organisatie": world.other_organisation.pk}).status_code == 404


# --- the search engine itself, against a brute-force answer ---------------------------------


def brute_force(term, show_deleted, sort, organisation=None):
    rows = [
        r
        for r in UserSearchIndex.objects.all()
        if (show_deleted or not r.deleted)
        and search.normalise(term) in r.text
        and (organisation is None or r.organisation_id == organisation)
    ]
    column = search.SORTS[sort.lstrip("-")]
    rows.sort(
        key=lambda r: (
            (getattr(r, column) is not None, getattr(r, column) or "")
            if column == "last_login"
            else getattr(r, column),
            r.user_id,
        ),
        reverse=sort.startswith("-"),
    )
    return [r.user_id for r in rows]


class Request:
    def __init__(self, user, **params):
        self.user = user
        self.GET = params


@pytest.mark.parametrize(
    "sort", ["naam", "-naam", "gebruikersnaam", "-laatste_inlog", "opmerkingen"]
)
@pytest.mark.parametrize("term", ["a", "vis", "q", "zz", "qu", "ui"])
def test_operator_search_matches_brute_force_even_when_counting_stops(
    monkeypatch, world, sort, term
):
    """With a tiny count limit and walk window, every code path of the operator's search runs:
    all matches counted, 'meer dan' with a page found by the walk, and the collect fallback."""
    monkeypatch.setattr(search, "COUNT_LIMIT", 8)
    monkeypatch.setattr(search, "WALK_WINDOW", 6)
    monkeypatch.setattr(search, "PAGE_SIZE", 3)
    now = timezone.now()
    orgs = [world.organisation, world.other_organisation, OrganisationFactory()]
    names = ["Visser", "Vis", "Aalders", "Quist", "Bakker", "Janssen", "Visscher", "Smit"]
    for n in range(40):
        UserFactory(
            organisation=orgs[n % 3],
            achternaam=names[n % len(names)],
            voornaam="Jan" if n % 4 else "Kees",
            last_login=None if n % 7 == 0 else now - timezone.timedelta(hours=n),
            status=Status.DELETED if n % 9 == 0 else Status.ACTIVE,
            deletion_reason="weg" if n % 9 == 0 else "",
        )
    operator = OperatorUserFactory()
    expected = brute_force(term, False, sort)
    got = []
    for page in range(1, 40):
        query = search.UserQuery.from_request(
            Request(operator, zoeken=term, sorteer=sort, pagina=str(page))
        )
        result = search.run(query)
        if result.number != page:
            break
        got += [u.pk for u in result.users]
    first = search.run(
        search.UserQuery.from_request(Request(operator, zoeken=term, sorteer=sort, pagina="1"))
    )
    if first.total_capped:
        # Only a frequent term is capped, and then every page is exactly the true order.
        assert len(expected) > search.COUNT_LIMIT
        assert len(got) >= search.COUNT_LIMIT
        assert got == expected[: len(got)]
    else:
        assert first.total == len(expected)
        assert got == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
@pytest.mark.parametrize("term", ["q", "qu"])
def test_operator_search_for_one_or_two_letters_can_read_an_index_not_every_row(
    monkeypatch, world, term
):
    """A rare short term ("q" in a million users: 130-170 ms as a scan of every row) cannot use
    the trigram index; the query names the index of each text's characters, which can serve it.
    (Which plan a table of a few rows gets says nothing about a million rows, and moves with the
    statistics other tests leave: bench/cases/usersearch.py measures the plan that counts.)"""
    monkeypatch.setattr(search, "WALK_WINDOW", 2)  # so that the collecting query runs
    UserFactory(organisation=world.organisation, achternaam="Quist")
    query = search.UserQuery.from_request(
        Request(OperatorUserFactory(), zoeken=term, toon_verwijderd="1")
    )
    with CaptureQueriesContext(connection) as queries:
        assert [u.achternaam for u in search.run(query).users] == ["Quist"]
    (collect,) = [q["sql"] for q in queries.captured_queries if "MATERIALIZED" in q["sql"]]
    assert f"{search.CHARACTERS_SQL} @> " in collect
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'um_text_chars_idx'")
        (definition,) = cursor.fetchone()
        assert "gin (string_to_array(text, NULL::text))" in definition


# --- the search index follows the users ------------------------------------------------------


def test_index_follows_every_save_of_a_user(world, colleague):
    row = UserSearchIndex.objects.get(user=colleague)
    assert "piet.vandertest@voorbeeld.nl" in row.text
    colleague.achternaam = "Ğüneş"
    colleague.save()
    row.refresh_from_db()
    assert "gunes" in row.text and row.sort_name.startswith("gunes")
    colleague.last_login = timezone.now()
    colleague.save(update_fields=["last_login"])
    row.refresh_from_db()
    assert row.last_login == colleague.last_login
    before = row.text
    colleague.memo = "niet doorzoekbaar"
    colleague.save(update_fields=["memo"])  # not an indexed field: the index is left alone
    row.refresh_from_db()
    assert row.text == before


def test_missing_index_rows_are_rebuilt_by_housekeeping(world, colleague):
    from django.core.management import call_command

    UserSearchIndex.objects.filter(user=colleague).delete()
    out = io.StringIO()
    call_command("housekeeping", stdout=out)
    assert "usermanagement.index: 1" in out.getvalue()
    assert UserSearchIndex.objects.filter(user=colleague).exists()


def test_normalise_folds_case_accents_and_spaces():
    assert search.normalise("  Çelik-ÖZTÜRK  ") == "celik-ozturk"
    assert search.normalise("IJsbrand  de   Vries") == "ijsbrand de vries"
    assert search.normalise("Straße") == "strasse"


# --- CSV export ------------------------------------------------------------------------------


def test_export_has_the_filtered_list_as_csv_and_is_audited(admin_client, people, world):
    UserFactory(
        organisation=world.organisation,
        username="formule",
        voornaam="=HYPERLINK(1)",
        email="f@voorbeeld.nl",
        achternaam="Dijkhuis",
    )
    UserFactory(organisation=world.other_organisation, achternaam="Dijk", email="d@elders.nl")
    response = admin_client.get(reverse("usermanagement:user_export"), {"zoeken": "dijk"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body(response).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["gebruikersnaam", "voorletters", "voornaam"]
    assert [r[0] for r in rows[1:]] == ["kvdijk", "formule"]
    assert rows[2][2] == "'=HYPERLINK(1)"  # a spreadsheet would run it as a formula
    event = AuditEvent.objects.get(action="user.export")
    assert event.organisation_id == world.organisation.pk
    assert event.details["zoeken"] == "dijk"


def test_a_search_without_matches_says_so_in_the_table(admin_client, people):
    response = admin_client.get(LIST, {"zoeken": "qqqzzz"})
    assert usernames(response) == []
    empty = '<td class="utrecht-table__cell" colspan="6">Geen gebruikers gevonden.</td>'
    assert empty in response.content.decode()


def test_an_organisation_s_page_and_its_total_are_one_pass_over_its_index(admin_client, world):
    for n in range(60):
        UserFactory(organisation=world.organisation, achternaam=f"Visser{n}")
    table = UserSearchIndex._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(LIST, {"zoeken": "visser", "pagina": "2"})
    assert "60 gebruikers gevonden." in response.content.decode()
    assert len(usernames(response)) == 10
    reads = [q["sql"] for q in captured if f'FROM "{table}"' in q["sql"]]
    assert len(reads) == 1 and "count(*)" in reads[0], reads


@pytest.mark.parametrize(
    "sort", ["naam", "-naam", "gebruikersnaam", "-laatste_inlog", "opmerkingen"]
)
@pytest.mark.parametrize("term", ["", "a", "vis", "q", "zz"])
def test_organisation_search_matches_brute_force_even_when_counting_stops(
    monkeypatch, world, sort, term
):
    """With a tiny count limit both ways of the organisation's page run: all matches collected
    and sorted (an exact count), and "meer dan" with the page read along the sort order."""
    monkeypatch.setattr(search, "COUNT_LIMIT", 8)
    monkeypatch.setattr(search, "PAGE_SIZE", 3)
    now = timezone.now()
    names = ["Visser", "Vis", "Aalders", "Quist", "Bakker", "Janssen", "Visscher", "Smit"]
    for n in range(30):
        UserFactory(
            organisation=world.organisation if n % 3 else world.other_organisation,
            achternaam=names[n % len(names)],
            voornaam="Jan" if n % 4 else "Kees",
            last_login=None if n % 7 == 0 else now - timezone.timedelta(hours=n),
            status=Status.DELETED if n % 9 == 0 else Status.ACTIVE,
            deletion_reason="weg" if n % 9 == 0 else "",
        )
    admin = world.admin
    expected = brute_force(term, False, sort, organisation=world.organisation.pk)
    got = []
    for page in range(1, 20):
        params = {"zoeken": term, "sorteer": sort, "pagina": str(page)}
        result = search.run(search.UserQuery.from_request(Request(admin, **params)))
        if result.number != page:
            break
        got += [u.pk for u in result.users]
    first = search.run(search.UserQuery.from_request(Request(admin, zoeken=term, sorteer=sort)))
    if term and len(expected) > search.COUNT_LIMIT:
        assert first.total_capped and first.total == search.COUNT_LIMIT
        assert first.num_pages == 3  # 8 of 3 a page
        assert got == expected[: len(got)] and len(got) >= search.COUNT_LIMIT
    else:
        assert not first.total_capped and first.total == len(expected)
        assert got == expected
