"""Reusable checks for the administrator's screens, in the manner of NetBox's view-test mixins.

`ScreenAccessContract` proves, for EVERY URL pattern of the named namespaces (found by walking
the URL resolver, so a new screen is covered the moment it is added):

- an anonymous visitor is sent to the login page (GET and POST);
- a logged-in user without the administrator right gets a 404 (GET and POST);
- an administrator of another organisation gets a 404 for every id of this organisation
  (GET and POST);
- a POST without a CSRF token is refused.

Use it by subclassing in a test module:

    class TestScreens(ScreenAccessContract):
        namespaces = ("usermanagement",)

and provide the fixture `screen_world` (a `ScreenWorld`) when the defaults do not fit.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory, UserFactory


@dataclass
class Screen:
    namespace: str
    name: str
    params: list[str]

    @property
    def viewname(self) -> str:
        return f"{self.namespace}:{self.name}"

    def url(self, ids: dict[str, int]) -> str:
        return reverse(self.viewname, kwargs={p: ids[p] for p in self.params})


def screens(namespace: str) -> list[Screen]:
    """Every named URL pattern in `namespace`, with the names of its parameters."""
    resolver = get_resolver()
    found = []

    def walk(patterns, inside: bool, prefix_params: list[str]):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                now_inside = inside or entry.namespace == namespace
                params = prefix_params + list(entry.pattern.converters)
                walk(entry.url_patterns, now_inside, params)
            elif isinstance(entry, URLPattern) and inside and entry.name:
                params = prefix_params + list(entry.pattern.converters)
                if not params:
                    params = re.findall(r"\(\?P<(\w+)>", str(entry.pattern))
                found.append(Screen(namespace, entry.name, params))

    walk(resolver.url_patterns, False, [])
    if not found:
        raise AssertionError(f"No URL patterns found in namespace {namespace!r}")
    return found


@dataclass
class ScreenWorld:
    """Two organisations with an administrator and a colleague each."""

    admin: object
    colleague: object
    other_admin: object
    ordinary: object
    extra: dict = field(default_factory=dict)

    def ids(self) -> dict[str, int]:
        """The ids the URL parameters take: this organisation's objects."""
        return {"pk": self.colleague.pk, **self.extra}


def _send(client: Client, method: str, url: str, data: dict):
    # A GET carries its parameters in the URL; data would replace the query string.
    return client.get(url) if method == "get" else client.post(url, data)


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def _client(user=None, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


class ScreenAccessContract:
    namespaces: tuple[str, ...] = ()
    # Screens without an object id show the actor's own organisation only; a leak there would
    # show the other organisation's data, which the test looks for by name.
    post_data: dict = {"reason": "proef", "text": "proef"}

    @pytest.fixture
    def screen_world(self, db) -> ScreenWorld:
        org = OrganisationFactory(naam="Gemeente Eigen")
        other = OrganisationFactory(naam="Gemeente Anders")
        return ScreenWorld(
            admin=AdministratorFactory(organisation=org),
            colleague=UserFactory(organisation=org),
            other_admin=AdministratorFactory(organisation=other),
            ordinary=UserFactory(organisation=org),
        )

    def all_screens(self) -> list[Screen]:
        return [s for ns in self.namespaces for s in screens(ns)]

    def test_screens_are_found(self, screen_world):
        assert self.all_screens(), "the resolver walk found nothing"

    def test_anonymous_is_sent_to_login(self, screen_world):
        login = reverse("accounts:login")
        client = _client()
        for screen in self.all_screens():
            url = screen.url(screen_world.ids())
            for method in ("get", "post"):
                response = _send(client, method, url, self.post_data)
                assert response.status_code == 302, (screen.viewname, method)
                assert response["Location"].startswith(login), (screen.viewname, method)

    def test_other_organisation_gets_404_for_every_id(self, screen_world):
        client = _client(screen_world.other_admin)
        own = screen_world.admin.organisation
        for screen in self.all_screens():
            url = screen.url(screen_world.ids())
            for method in ("get", "post"):
                response = _send(client, method, url, self.post_data)
                if screen.params:
                    assert response.status_code == 404, (screen.viewname, method, url)
                else:
                    # No id in the URL: only the actor's own organisation is shown, and an
                    # organisation id in the query string is a 404 as well.
                    assert own.naam not in body(response), (
                        screen.viewname,
                        method,
                    )
                    foreign = f"{url}?organisatie={own.pk}"
                    response = _send(client, method, foreign, self.post_data)
                    assert response.status_code == 404, (screen.viewname, method, foreign)

    def test_user_without_the_administrator_right_is_refused(self, screen_world):
        client = _client(screen_world.ordinary)
        for screen in self.all_screens():
            if screen.viewname in self.open_to_every_user:
                continue
            url = screen.url(screen_world.ids())
            for method in ("get", "post"):
                response = _send(client, method, url, self.post_data)
                assert response.status_code == 404, (screen.viewname, method)

    def test_post_without_csrf_token_is_refused(self, screen_world):
        client = _client(screen_world.admin, csrf=True)
        for screen in self.all_screens():
            response = client.post(screen.url(screen_world.ids()), self.post_data)
            assert response.status_code == 403, screen.viewname

    # Screens every logged-in user of the organisation may read (e.g. "Organisatie").
    open_to_every_user: tuple[str, ...] = ()
